package io.switchgate.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.switchgate.policy.RuleFixtures.*;

class RefundRemainingRuleTest {
    private final RefundRemainingRule rule = new RefundRemainingRule();

    @ParameterizedTest(name = "sale {0}, refunded {1}, refund {2} -> {3}")
    @CsvSource({
            "10000, 0,     1,     ",
            "10000, 0,     9999,  ",
            "10000, 0,     10000, ",                      // full refund: exactly the amount
            "10000, 0,     10001, EXCEEDS_REFUNDABLE",
            "10000, 4000,  6000,  ",                      // exactly the remaining
            "10000, 4000,  6001,  EXCEEDS_REFUNDABLE",
            "10000, 4000,  5999,  ",
            "10000, 9999,  1,     ",
            "10000, 9999,  2,     EXCEEDS_REFUNDABLE",
            "10000, 10000, 1,     EXCEEDS_REFUNDABLE",     // fully refunded
            "1,     0,     1,     ",
    })
    void remaining(long sale, long refunded, long amount, String reason) {
        var c = refundCheck().amount(amount).original(sale(sale).refunded(refunded)).build();
        assertOutcome(rule.check(c), reason == null ? null : "13", reason);
    }
}
