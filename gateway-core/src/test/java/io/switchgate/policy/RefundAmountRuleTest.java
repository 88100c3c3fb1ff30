package io.switchgate.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.switchgate.policy.RuleFixtures.*;

class RefundAmountRuleTest {
    private final RefundAmountRule rule = new RefundAmountRule();

    @ParameterizedTest
    @ValueSource(longs = {1, 99, 10_000, Long.MAX_VALUE})
    void positiveAmountPasses(long amount) {
        assertPass(rule.check(refundCheck().amount(amount).build()));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void zeroOrNegativeIs13(long amount) {
        assertDecline(rule.check(refundCheck().amount(amount).build()), "13", "INVALID_AMOUNT");
    }
}
