package io.switchgate.route;

import io.switchgate.security.KeyHandle;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.TxnType;

import java.time.Instant;

/**
 * What the engine asks an authorizer to decide (sale, balance inquiry, refund).
 * The clear PAN is only in memory, for the time of the call.
 *
 * @param pinBlock DE 52 (ISO 9564 format 0 under {@code pinKey}), or null when none was sent
 * @param changes  where an authorizer with state in our store (the embedded one) records what it changed
 */
public record AuthRequest(
        TxnType type,
        CardData card,
        String panHash,
        long amount,
        String currency,
        byte[] pinBlock,
        KeyHandle pinKey,
        String terminalId,
        String merchantId,
        String stan,
        String rrn,
        ChangeSet changes,
        Instant now) {
}
