package io.switchgate.policy;

import org.junit.jupiter.api.Test;

import static io.switchgate.policy.RuleFixtures.*;

class LateOriginalRuleTest {

    @Test
    void originalArrivingAfterItsReversalIsRefused() {
        assertDecline(LateOriginalRule.check(true), "12", "REVERSED_BEFORE_ARRIVAL");
    }

    @Test
    void originalWithoutAnEarlierReversalPasses() {
        assertPass(LateOriginalRule.check(false));
    }
}
