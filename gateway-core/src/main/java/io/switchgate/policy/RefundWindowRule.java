package io.switchgate.policy;

import java.time.Duration;

/** A refund comes within the merchant's {@code windowDays} of the sale (a sale half a year old is past a 180-day window). */
public final class RefundWindowRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        Duration window = Duration.ofDays(c.merchant().refundWindowDays());
        return c.original().createdAt().plus(window).isBefore(c.now())
                ? Decline.of(Codes.INVALID_TRANSACTION, "REFUND_WINDOW_EXPIRED") : null;
    }
}
