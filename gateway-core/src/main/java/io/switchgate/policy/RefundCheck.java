package io.switchgate.policy;

import io.switchgate.store.MerchantState;
import io.switchgate.store.TxnRecord;

import java.time.Instant;
import java.util.List;

/**
 * What the refund rules look at.
 *
 * @param original      the sale named by DE 37, or null if none was found
 * @param priorRefunds  every refund already journaled against that sale (any status)
 * @param merchantRefundsToday approved refund amount of this merchant today, before this one
 */
public record RefundCheck(
        long amount,
        String merchantId,
        String panHash,
        MerchantState merchant,
        TxnRecord original,
        List<TxnRecord> priorRefunds,
        long merchantRefundsToday,
        Instant now) {
}
