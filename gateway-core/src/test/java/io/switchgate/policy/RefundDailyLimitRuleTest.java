package io.switchgate.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.switchgate.policy.RuleFixtures.*;

class RefundDailyLimitRuleTest {
    private final RefundDailyLimitRule rule = new RefundDailyLimitRule();

    @ParameterizedTest(name = "limit {0}, today {1}, refund {2} -> {3}")
    @CsvSource({
            "2000000, 0,       1,       ",
            "2000000, 0,       2000000, ",                 // one refund exactly the daily limit
            "2000000, 0,       2000001, DAILY_REFUND_LIMIT",
            "2000000, 1500000, 500000,  ",                 // reaches the limit exactly
            "2000000, 1500000, 500001,  DAILY_REFUND_LIMIT",
            "2000000, 1999999, 1,       ",
            "2000000, 2000000, 1,       DAILY_REFUND_LIMIT",
            "2000000, 2500000, 1,       DAILY_REFUND_LIMIT", // already over (e.g. limit lowered today)
            "0,       0,       9000000000, ",              // 0 = no limit
            "0,       999999999999, 1,  ",
    })
    void dailyLimit(long limit, long today, long amount, String reason) {
        var c = refundCheck().merchant(merchant(180, 0, limit)).today(today).amount(amount).build();
        assertOutcome(rule.check(c), reason == null ? null : "61", reason);
    }
}
