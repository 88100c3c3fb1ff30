package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;

/**
 * A terminal request's duplicate key and fingerprint, as the engine makes them (contract section 5, "Duplicate"), for
 * code outside the engine that must name the request the same way: a host authorizer holding the request's reversal,
 * whose start after a crash journals the request so that its retransmission is answered, not decided again.
 */
public final class RequestKeys {
    private RequestKeys() {
    }

    /** Terminal, message class, DE 11 and DE 7. */
    public static String duplicateKey(String terminalId, IsoMessage request) {
        return DuplicateIndex.keyOf(terminalId, request.getMti(), request.getString(11), request.getString(7));
    }

    /** DE 3, DE 4, the card (its keyed hash) and the fields that say which operation it is. */
    public static String fingerprint(IsoMessage request, String panHash) {
        return DuplicateIndex.fingerprintOf(request, panHash);
    }
}
