package io.switchgate.policy;

import java.util.List;

/**
 * A sale, balance inquiry, refund or void is in one of the merchant's accepted currencies (config
 * {@code merchants[].currencies}, default {@code ["156"]}; no DE 49 is 156): otherwise {@code 12 CURRENCY_NOT_ACCEPTED}.
 * Reversals and settlement are not checked: they only undo or close what was already accepted.
 */
public final class MerchantCurrencyRule {

    private MerchantCurrencyRule() {
    }

    public static Decline check(String requestCurrency, List<String> accepted) {
        String c = requestCurrency == null ? CurrencyRule.DEFAULT_CURRENCY : requestCurrency;
        List<String> list = accepted == null || accepted.isEmpty() ? List.of(CurrencyRule.DEFAULT_CURRENCY) : accepted;
        return list.contains(c) ? null : Decline.of(Codes.INVALID_TRANSACTION, "CURRENCY_NOT_ACCEPTED");
    }
}
