package io.switchgate.policy;

import io.switchgate.model.MerchantState;
import io.switchgate.model.TxnRecord;

import java.time.Instant;
import java.util.List;

/**
 * What the refund rules look at.
 *
 * @param original      the sale named by DE 37, or null if none was found
 * @param priorRefunds  every refund already journaled against that sale (any status)
 * @param merchantRefundsToday approved refund amount of this merchant today, before this one
 * @param inFlightRefunds refunds of the same sale sent to a host and not yet answered: they count
 *                        against the refundable amount until they are declined
 * @param inFlightRefundAmounts the amount of each of those, one entry a refund (a refund of the same amount is the
 *                        same refund keyed twice as surely as one already approved)
 */
public record RefundCheck(
        long amount,
        String merchantId,
        String panHash,
        MerchantState merchant,
        TxnRecord original,
        List<TxnRecord> priorRefunds,
        long merchantRefundsToday,
        Instant now,
        long inFlightRefunds,
        List<Long> inFlightRefundAmounts) {

    /** A check with nothing in flight (the embedded authorizer answers at once). */
    public RefundCheck(long amount, String merchantId, String panHash, MerchantState merchant, TxnRecord original,
                       List<TxnRecord> priorRefunds, long merchantRefundsToday, Instant now) {
        this(amount, merchantId, panHash, merchant, original, priorRefunds, merchantRefundsToday, now, 0, List.of());
    }
}
