package io.switchgate.model;

import java.time.LocalDate;

/** Approved refund amount of one merchant on one calendar day (for {@code dailyAmountLimit}). */
public record MerchantDayTotal(String merchantId, LocalDate day, long refundAmount, long version) implements java.io.Serializable {

    /** A day with nothing refunded yet, not yet in the store (version 0). */
    public static MerchantDayTotal empty(String merchantId, LocalDate day) {
        return new MerchantDayTotal(merchantId, day, 0, 0);
    }

    /** Adds (or, for a reversed refund, subtracts) an amount. */
    public MerchantDayTotal plus(long amount) {
        return new MerchantDayTotal(merchantId, day, refundAmount + amount, version + 1);
    }
}
