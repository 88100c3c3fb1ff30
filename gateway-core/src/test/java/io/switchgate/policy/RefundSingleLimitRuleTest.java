package io.switchgate.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.switchgate.policy.RuleFixtures.*;

class RefundSingleLimitRuleTest {
    private final RefundSingleLimitRule rule = new RefundSingleLimitRule();

    @ParameterizedTest(name = "max {0}, refund {1} -> {2}")
    @CsvSource({
            "500000, 1,              ",
            "500000, 499999,         ",
            "500000, 500000,         ",     // exactly the limit
            "500000, 500001,         SINGLE_REFUND_LIMIT",
            "500000, 9000000000,     SINGLE_REFUND_LIMIT",
            "1,      1,              ",
            "1,      2,              SINGLE_REFUND_LIMIT",
            "0,      1,              ",     // 0 = no limit
            "0,      9223372036854775807, ",
            "-1,     9223372036854775807, ", // negative is no limit either
    })
    void singleLimit(long max, long amount, String reason) {
        var c = refundCheck().merchant(merchant(180, max, 0)).amount(amount).build();
        assertOutcome(rule.check(c), reason == null ? null : "61", reason);
    }
}
