package io.switchgate.policy;

import io.switchgate.model.MerchantState;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnType;

/**
 * DE 42 must name the terminal's own merchant, and the merchant must be active. A frozen or closed
 * merchant gets 03 for anything that moves money towards it; reversals (which only undo) and
 * settlement (which only reconciles) still pass, so nothing is left half-done.
 */
public final class MerchantRule {

    private MerchantRule() {
    }

    public static Decline check(String merchantIdOnWire, TerminalState terminal, MerchantState merchant, TxnType type) {
        if (merchant == null) return Decline.of(Codes.INVALID_MERCHANT, "UNKNOWN_MERCHANT");
        if (merchantIdOnWire != null && terminal != null && !terminal.merchantId().equals(merchantIdOnWire.trim())) {
            return Decline.of(Codes.INVALID_MERCHANT, "MERCHANT_MISMATCH");
        }
        if (type == TxnType.REVERSAL || type == TxnType.SETTLEMENT || type == TxnType.ECHO || type == TxnType.SIGNON) return null;
        switch (merchant.status()) {
            case ACTIVE:
                return null;
            case FROZEN:
                return Decline.of(Codes.INVALID_MERCHANT, "MERCHANT_FROZEN");
            default:
                return Decline.of(Codes.INVALID_MERCHANT, "MERCHANT_CLOSED");
        }
    }
}
