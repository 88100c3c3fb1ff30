package io.switchgate.policy;

import io.switchgate.model.TxnStatus;

import java.time.Duration;

/**
 * The same amount refunded on the same sale within 10 minutes of an approved refund is most likely the
 * same refund keyed twice: refused, so the merchant has to look before money goes out twice. So is one while a refund
 * of that amount is still at the host: let through, it held its amount against the sale (a legitimate refund of
 * another amount was refused 13 meanwhile) and, approved there too, was refused when the host's answer came back,
 * with a reversal to send (a black-box audit).
 */
public final class SuspectedDuplicateRefundRule implements RefundRule {
    static final Duration WINDOW = Duration.ofMinutes(10);

    @Override
    public Decline check(RefundCheck c) {
        if (c.inFlightRefundAmounts().contains(c.amount())) return Decline.of(Codes.INVALID_TRANSACTION, "SUSPECTED_DUPLICATE");
        for (var r : c.priorRefunds()) {
            if (r.approved() && r.status() == TxnStatus.APPROVED && r.amount() == c.amount()
                    && !r.createdAt().plus(WINDOW).isBefore(c.now())) {
                return Decline.of(Codes.INVALID_TRANSACTION, "SUSPECTED_DUPLICATE");
            }
        }
        return null;
    }
}
