package io.switchgate.policy;

import io.switchgate.model.TxnStatus;

import java.time.Duration;

/**
 * The same amount refunded on the same sale within 10 minutes of an approved refund is most likely the
 * same refund keyed twice: refused, so the merchant has to look before money goes out twice.
 */
public final class SuspectedDuplicateRefundRule implements RefundRule {
    static final Duration WINDOW = Duration.ofMinutes(10);

    @Override
    public Decline check(RefundCheck c) {
        for (var r : c.priorRefunds()) {
            if (r.approved() && r.status() == TxnStatus.APPROVED && r.amount() == c.amount()
                    && !r.createdAt().plus(WINDOW).isBefore(c.now())) {
                return Decline.of(Codes.INVALID_TRANSACTION, "SUSPECTED_DUPLICATE");
            }
        }
        return null;
    }
}
