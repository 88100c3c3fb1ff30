package io.switchgate.policy;

/** A sale is refunded by its own merchant (from any of the merchant's terminals). */
public final class RefundMerchantRule implements RefundRule {
    @Override
    public Decline check(RefundCheck c) {
        return c.original().merchantId().equals(c.merchantId()) ? null
                : Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_OTHER_MERCHANT");
    }
}
