package io.switchgate.policy;

import io.switchgate.model.TxnType;

import java.util.Collection;

/**
 * Operations on one sale that wait for a host must not be decided on top of each other: while a void or a reversal
 * of the sale is at the host, what it will leave of the sale is unknown, so a refund or void of it is refused
 * {@code 12 ORIGINAL_BUSY} (the terminal may try again once it is answered). Refunds of one sale may be in flight
 * together: each has reserved its amount. A void waits for nothing: it needs the sale untouched. (A reversal is not
 * refused: the engine decides it after the operations in flight end.)
 */
public final class OriginalBusyRule {

    private OriginalBusyRule() {
    }

    /**
     * @param request  the refund or void being decided
     * @param inFlight the types of the operations on the same original still waiting for a host
     */
    public static Decline check(TxnType request, Collection<TxnType> inFlight) {
        if (inFlight.isEmpty()) return null;
        if (request == TxnType.VOID) return busy();
        if (request == TxnType.REFUND && (inFlight.contains(TxnType.VOID) || inFlight.contains(TxnType.REVERSAL))) return busy();
        return null;
    }

    private static Decline busy() {
        return Decline.of(Codes.INVALID_TRANSACTION, "ORIGINAL_BUSY");
    }
}
