package io.switchgate.policy;

import io.switchgate.model.TxnRecord;

/**
 * A refund or void is in its original's currency (DE 49 as the sale carried it; no DE 49 is 156):
 * otherwise {@code 12 CURRENCY_MISMATCH}. No original found is for the refund and void rules to answer.
 */
public final class CurrencyRule {
    public static final String DEFAULT_CURRENCY = "156";

    private CurrencyRule() {
    }

    public static Decline check(String requestCurrency, TxnRecord original) {
        if (original == null) return null;
        String mine = requestCurrency == null ? DEFAULT_CURRENCY : requestCurrency;
        String theirs = original.currency() == null ? DEFAULT_CURRENCY : original.currency();
        return mine.equals(theirs) ? null : Decline.of(Codes.INVALID_TRANSACTION, "CURRENCY_MISMATCH");
    }
}
