package io.switchgate.policy;

import org.junit.jupiter.api.Test;

import static io.switchgate.policy.RuleFixtures.*;

class RefundCardRuleTest {
    private final RefundCardRule rule = new RefundCardRule();

    @Test
    void sameCardPasses() {
        assertPass(rule.check(refundCheck().panHash(PAN_HASH).original(sale(10_000).panHash(PAN_HASH)).build()));
    }

    @Test
    void otherCardIs12() {
        assertDecline(rule.check(refundCheck().panHash(OTHER_PAN_HASH).original(sale(10_000).panHash(PAN_HASH)).build()),
                "12", "CARD_MISMATCH");
    }

    @Test
    void refundWithoutCardIs12() {
        assertDecline(rule.check(refundCheck().panHash(null).original(sale(10_000).panHash(PAN_HASH)).build()),
                "12", "CARD_MISMATCH");
    }

    @Test
    void saleWithoutCardHashNeverMatchesEvenANullOne() {
        assertDecline(rule.check(refundCheck().panHash(null).original(sale(10_000).panHash(null)).build()),
                "12", "CARD_MISMATCH");
        assertDecline(rule.check(refundCheck().panHash(PAN_HASH).original(sale(10_000).panHash(null)).build()),
                "12", "CARD_MISMATCH");
    }
}
