package io.switchgate.policy;

/** A merchant's approved refunds of one calendar day stay within its {@code dailyAmountLimit}. */
public final class RefundDailyLimitRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        long limit = c.merchant().dailyRefundLimit();
        return limit > 0 && c.merchantRefundsToday() + c.amount() > limit
                ? Decline.of(Codes.EXCEEDS_LIMIT, "DAILY_REFUND_LIMIT") : null;
    }
}
