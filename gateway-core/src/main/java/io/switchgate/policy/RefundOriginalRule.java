package io.switchgate.policy;

import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;

/** The original must exist and be an approved sale that was neither voided nor reversed. */
public final class RefundOriginalRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        var o = c.original();
        if (o == null) return Decline.of(Codes.NO_ORIGINAL, "ORIGINAL_NOT_FOUND");
        if (o.type() != TxnType.SALE) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_NOT_A_SALE");
        if (!o.approved()) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_NOT_APPROVED");
        if (o.status() == TxnStatus.VOIDED) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_VOIDED");
        if (o.status() == TxnStatus.REVERSED) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_REVERSED");
        return null;
    }
}
