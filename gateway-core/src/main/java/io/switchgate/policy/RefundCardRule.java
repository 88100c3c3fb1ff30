package io.switchgate.policy;

/** Money goes back to the card that paid: the keyed PAN hashes must match. */
public final class RefundCardRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        String sale = c.original().panHash();
        return sale != null && sale.equals(c.panHash()) ? null : Decline.of(Codes.INVALID_TRANSACTION, "CARD_MISMATCH");
    }
}
