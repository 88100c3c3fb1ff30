package io.switchgate.policy;

/** A refund has a positive amount. */
public final class RefundAmountRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        return c.amount() <= 0 ? Decline.of(Codes.INVALID_AMOUNT, "INVALID_AMOUNT") : null;
    }
}
