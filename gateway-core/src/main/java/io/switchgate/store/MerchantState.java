package io.switchgate.store;

import java.time.Instant;

/** A merchant and its refund limits (amounts in minor units). */
public record MerchantState(
        String id,
        MerchantStatus status,
        int refundWindowDays,
        long maxSingleRefund,
        long dailyRefundLimit,
        Instant updatedAt,
        long version) implements java.io.Serializable {

    public MerchantState withStatus(MerchantStatus s, Instant at) {
        return new MerchantState(id, s, refundWindowDays, maxSingleRefund, dailyRefundLimit, at, version + 1);
    }
}
