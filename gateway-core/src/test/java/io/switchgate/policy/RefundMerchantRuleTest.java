package io.switchgate.policy;

import org.junit.jupiter.api.Test;

import static io.switchgate.policy.RuleFixtures.*;

class RefundMerchantRuleTest {
    private final RefundMerchantRule rule = new RefundMerchantRule();

    @Test
    void sameMerchantPasses() {
        assertPass(rule.check(refundCheck().merchantId(MERCHANT).original(sale(10_000).merchant(MERCHANT)).build()));
    }

    @Test
    void anyTerminalOfTheSameMerchantPasses() {
        // the rule only looks at merchants: a sale made on another terminal of the merchant is refundable
        assertPass(rule.check(refundCheck().original(sale(10_000).terminal(OTHER_TERMINAL)).build()));
    }

    @Test
    void saleOfAnotherMerchantIs12() {
        assertDecline(rule.check(refundCheck().merchantId(MERCHANT).original(sale(10_000).merchant(OTHER_MERCHANT)).build()),
                "12", "ORIGINAL_OTHER_MERCHANT");
    }
}
