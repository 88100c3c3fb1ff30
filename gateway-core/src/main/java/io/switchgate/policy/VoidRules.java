package io.switchgate.policy;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;

/**
 * A void cancels an approved sale of the same terminal that is still in its open batch, not refunded,
 * not reversed, for exactly the sale's amount, on the same card.
 */
public final class VoidRules {

    private VoidRules() {
    }

    public static Decline check(TxnRecord original, String terminalId, long openBatchNo, long amount, String panHash) {
        if (original == null) return Decline.of(Codes.NO_ORIGINAL, "ORIGINAL_NOT_FOUND");
        if (original.type() != TxnType.SALE) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_NOT_A_SALE");
        if (!original.approved()) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_NOT_APPROVED");
        if (original.status() == TxnStatus.VOIDED) return Decline.of(Codes.INVALID_TRANSACTION, "ALREADY_VOIDED");
        if (original.status() == TxnStatus.REVERSED) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_REVERSED");
        if (!original.terminalId().equals(terminalId)) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_OTHER_TERMINAL");
        if (original.batchNo() != openBatchNo) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_BATCH_SETTLED");
        if (original.refundedAmount() > 0) return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_REFUNDED");
        if (panHash != null && !panHash.equals(original.panHash())) return Decline.of(Codes.INVALID_TRANSACTION, "CARD_MISMATCH");
        if (original.amount() != amount) return Decline.of(Codes.INVALID_AMOUNT, "AMOUNT_MISMATCH");
        return null;
    }
}
