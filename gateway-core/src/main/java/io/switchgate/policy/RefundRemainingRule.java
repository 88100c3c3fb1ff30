package io.switchgate.policy;

/** The refunds of one sale (approved, and those still waiting for a host) never add up to more than the sale. */
public final class RefundRemainingRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        long remaining = c.original().amount() - c.original().refundedAmount() - c.inFlightRefunds();
        return c.amount() > remaining ? Decline.of(Codes.INVALID_AMOUNT, "EXCEEDS_REFUNDABLE") : null;
    }
}
