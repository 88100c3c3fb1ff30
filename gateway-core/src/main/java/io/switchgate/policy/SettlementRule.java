package io.switchgate.policy;

import io.switchgate.model.BatchState;

/** The terminal's totals (DE 74, 76, 86, 88) must equal the gateway's for the open batch, else 95. */
public final class SettlementRule {

    private SettlementRule() {
    }

    public static Decline check(BatchState batch, long refundCount, long saleCount, long refundAmount, long saleAmount) {
        boolean equal = batch.refundCount() == refundCount && batch.saleCount() == saleCount
                && batch.refundAmount() == refundAmount && batch.saleAmount() == saleAmount;
        return equal ? null : Decline.of(Codes.RECONCILIATION_ERROR, "TOTALS_MISMATCH");
    }
}
