package io.switchgate.model;

import java.time.Instant;

/** A terminal's batch: the approved sales and refunds since its last settlement, net of voids and reversals. */
public record BatchState(
        String terminalId,
        long batchNo,
        boolean open,
        int saleCount,
        long saleAmount,
        int refundCount,
        long refundAmount,
        Instant openedAt,
        Instant closedAt,
        long version) implements java.io.Serializable {

    /** A batch not yet in the store (version 0): its first change inserts it. */
    public static BatchState open(String terminalId, long batchNo, Instant at) {
        return new BatchState(terminalId, batchNo, true, 0, 0, 0, 0, at, null, 0);
    }

    public BatchState plusSale(long amount) {
        return new BatchState(terminalId, batchNo, open, saleCount + 1, saleAmount + amount, refundCount, refundAmount, openedAt, closedAt, version + 1);
    }

    public BatchState minusSale(long amount) {
        return new BatchState(terminalId, batchNo, open, saleCount - 1, saleAmount - amount, refundCount, refundAmount, openedAt, closedAt, version + 1);
    }

    public BatchState plusRefund(long amount) {
        return new BatchState(terminalId, batchNo, open, saleCount, saleAmount, refundCount + 1, refundAmount + amount, openedAt, closedAt, version + 1);
    }

    public BatchState minusRefund(long amount) {
        return new BatchState(terminalId, batchNo, open, saleCount, saleAmount, refundCount - 1, refundAmount - amount, openedAt, closedAt, version + 1);
    }

    public BatchState closed(Instant at) {
        return new BatchState(terminalId, batchNo, false, saleCount, saleAmount, refundCount, refundAmount, openedAt, at, version + 1);
    }
}
