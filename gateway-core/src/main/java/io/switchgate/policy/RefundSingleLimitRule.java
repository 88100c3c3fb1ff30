package io.switchgate.policy;

/** One refund is at most the merchant's {@code maxSingleAmount}. */
public final class RefundSingleLimitRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        long max = c.merchant().maxSingleRefund();
        return max > 0 && c.amount() > max ? Decline.of(Codes.EXCEEDS_LIMIT, "SINGLE_REFUND_LIMIT") : null;
    }
}
