package io.switchgate.policy;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;

/**
 * What a reversal does to the request it names. It undoes an approved request exactly once;
 * a reversal of something already reversed, or of something that was declined, is answered 00
 * and changes nothing.
 */
public final class ReversalRules {

    /** What to do with the original. */
    public enum Action { UNDO, NOTHING_TO_UNDO, DECLINE }

    public record Verdict(Action action, Decline decline) { }

    private ReversalRules() {
    }

    /**
     * @param amount DE 4 of the reversal, or -1 when absent
     * @param approvedRefundsOfSale approved, unreversed refunds against the original (when it is a sale)
     */
    public static Verdict check(TxnRecord original, long amount, long approvedRefundsOfSale) {
        return check(original, amount, approvedRefundsOfSale, original == null ? 0 : original.batchNo());
    }

    /**
     * @param openBatchNo the number of the terminal's open batch: only an original counted in it is reversed (a
     *                    settled batch never changes; after settlement the way back is a refund)
     */
    public static Verdict check(TxnRecord original, long amount, long approvedRefundsOfSale, long openBatchNo) {
        if (original == null) return new Verdict(Action.DECLINE, Decline.of(Codes.NO_ORIGINAL, "ORIGINAL_NOT_FOUND"));
        if (!original.approved() || original.status() == TxnStatus.REVERSED || original.status() == TxnStatus.DECLINED) {
            return new Verdict(Action.NOTHING_TO_UNDO, null);
        }
        if (original.type() == TxnType.SALE && original.status() == TxnStatus.VOIDED) {
            return new Verdict(Action.NOTHING_TO_UNDO, null);
        }
        if (original.batchNo() != openBatchNo) {
            return new Verdict(Action.DECLINE, Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_BATCH_SETTLED"));
        }
        if (amount >= 0 && original.type() != TxnType.BALANCE && amount != original.amount()) {
            return new Verdict(Action.DECLINE, Decline.of(Codes.INVALID_AMOUNT, "AMOUNT_MISMATCH"));
        }
        if (original.type() == TxnType.SALE && (approvedRefundsOfSale > 0 || original.refundedAmount() > 0)) {
            // Reversing the sale would hand the refunded money back a second time.
            return new Verdict(Action.DECLINE, Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_REFUNDED"));
        }
        return new Verdict(Action.UNDO, null);
    }
}
