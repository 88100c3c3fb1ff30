package io.switchgate.policy;

import io.switchgate.model.TxnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.switchgate.policy.RuleFixtures.*;

class CurrencyRuleTest {

    @ParameterizedTest(name = "original {0}, request {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "156, 156, null",
            "840, 840, null",
            "156, 840, CURRENCY_MISMATCH",
            "840, 156, CURRENCY_MISMATCH",
            "840, null, CURRENCY_MISMATCH",   // no DE 49 is 156
            "null, 156, null",                // an original without a currency was in 156
            "null, 978, CURRENCY_MISMATCH",
    })
    void refundOrVoidIsInItsOriginalsCurrency(String original, String request, String reason) {
        Decline d = CurrencyRule.check(request, sale(10_000).currency(original).build());
        if (reason == null) assertPass(d);
        else assertDecline(d, "12", reason);
    }

    @Test
    void noOriginalIsLeftToTheRefundAndVoidRules() {
        assertPass(CurrencyRule.check("840", null));
    }

    @Test
    void appliesWhateverTheOriginalsType() {
        assertDecline(CurrencyRule.check("840", txn(TxnType.REFUND).build()), "12", "CURRENCY_MISMATCH");
    }
}
