package io.switchgate.store;

import java.time.LocalDate;

/** Approved refund amount of one merchant on one calendar day (for {@code dailyAmountLimit}). */
public record MerchantDayTotal(String merchantId, LocalDate day, long refundAmount, long version) {

    public MerchantDayTotal plus(long amount) {
        return new MerchantDayTotal(merchantId, day, refundAmount + amount, version + 1);
    }
}
