package io.switchgate.server.host;

import io.switchgate.iso.IsoMessage;

/**
 * How one request to a host ended.
 *
 * @param outcome  {@link Outcome#ANSWERED} (response and its packed bytes set), or why not
 * @param response the host's answer, unpacked in the host's dialect
 * @param raw      the packed answer (for its MAC)
 */
public record HostExchange(Outcome outcome, IsoMessage response, byte[] raw) {

    public enum Outcome {
        /** The host answered. */
        ANSWERED,
        /** Written to the host, no answer in time: the host may have acted on it. */
        TIMEOUT,
        /** Written to the host, then the connection was lost before the answer: the host may have acted on it. */
        LINK_LOST,
        /** Never reached the host (no connection, circuit open, write failed): nothing to undo. */
        NOT_SENT,
        /** Could not be packed in the host's dialect: never sent, and sending it again will not help by itself. */
        UNPACKABLE
    }

    static HostExchange of(Outcome o) {
        return new HostExchange(o, null, null);
    }

    /** The host may have processed the request without us knowing its answer. */
    public boolean uncertain() {
        return outcome == Outcome.TIMEOUT || outcome == Outcome.LINK_LOST;
    }
}
