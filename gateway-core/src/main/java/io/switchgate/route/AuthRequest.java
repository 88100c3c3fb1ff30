package io.switchgate.route;

import io.switchgate.model.TxnType;
import io.switchgate.security.KeyHandle;
import io.switchgate.store.ChangeSet;

import java.time.Instant;

/**
 * What the engine asks an authorizer to decide (sale, balance inquiry, refund).
 * The clear PAN is only in memory, for the time of the call.
 *
 * @param pinBlock DE 52 (ISO 9564 format 0 under {@code pinKey}), or null when none was sent
 * @param changes  where an authorizer with state in our store (the embedded one) records what it changed
 * @param rrn      the RRN the gateway assigned to this request (journaled with it)
 * @param request  the terminal's message as received (a host authorizer builds its own message from it:
 *                 it must never forward it as is, and must not keep it after the call)
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
        Instant now,
        io.switchgate.iso.IsoMessage request) {

    /** The same request writing its effects into another change set (a request decided again starts a fresh one). */
    public AuthRequest withChanges(ChangeSet other) {
        return new AuthRequest(type, card, panHash, amount, currency, pinBlock, pinKey, terminalId, merchantId, stan, rrn,
                other, now, request);
    }
}
