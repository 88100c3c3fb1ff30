package io.switchgate.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchgate.policy.RuleFixtures.*;

class MerchantCurrencyRuleTest {

    @Test
    void anAcceptedCurrencyPasses() {
        assertPass(MerchantCurrencyRule.check("156", List.of("156")));
        assertPass(MerchantCurrencyRule.check("840", List.of("156", "840")));
    }

    @Test
    void anotherCurrencyIs12() {
        assertDecline(MerchantCurrencyRule.check("840", List.of("156")), "12", "CURRENCY_NOT_ACCEPTED");
        assertDecline(MerchantCurrencyRule.check("156", List.of("840")), "12", "CURRENCY_NOT_ACCEPTED");
    }

    @Test
    void noDe49Is156() {
        assertPass(MerchantCurrencyRule.check(null, List.of("156")));
        assertDecline(MerchantCurrencyRule.check(null, List.of("840")), "12", "CURRENCY_NOT_ACCEPTED");
    }

    @Test
    void noListIsTheDefault156() {
        assertPass(MerchantCurrencyRule.check("156", null));
        assertPass(MerchantCurrencyRule.check("156", List.of()));
        assertDecline(MerchantCurrencyRule.check("978", null), "12", "CURRENCY_NOT_ACCEPTED");
    }
}
