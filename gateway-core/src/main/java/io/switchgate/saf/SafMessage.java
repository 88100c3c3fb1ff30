package io.switchgate.saf;

import java.time.Instant;
import java.util.UUID;

/**
 * One stored message waiting for a host: a reversal advice (0420, repeated as 0421) of a request whose answer
 * never came or came too late, or of a void/reversal the host did not answer. It holds what is needed to rebuild
 * the message, and nothing else: never a clear PAN, track data or PIN block (a reversal does not need them).
 *
 * @param id              unique id (a UUID)
 * @param host            the host's name ({@code hosts[].name})
 * @param kind            {@link Kind#REVERSAL} or {@link Kind#ADVICE}
 * @param mti             the first transmission's MTI ({@code 0420}); repeats use {@link #mtiToSend()}
 * @param stan            DE 11 of this advice (the gateway's own STAN towards the host, kept for every repeat)
 * @param rrn             DE 37 (the RRN of the request being reversed, as the host saw it)
 * @param transmissionTime DE 7 of this advice (MMddHHmmss, UTC)
 * @param processingCode  DE 3 of the original request
 * @param amount          DE 4 (minor units)
 * @param currency        DE 49
 * @param acquirerId      DE 32
 * @param terminalId      DE 41
 * @param merchantId      DE 42
 * @param originalData    DE 90: original MTI (4) + original STAN (6) + original DE 7 (10) + acquirer (11) + forwarding (11)
 * @param txnRrn          the gateway's RRN of the transaction this undoes (for operators)
 * @param reason          why it was stored (e.g. {@code HOST_TIMEOUT})
 * @param status          {@link Status#PENDING} until the host answers, then {@link Status#DONE}; {@link Status#HELD}
 *                        for a reversal written before its request was sent, not to be sent unless released
 * @param attempts        transmissions so far
 * @param nextAttemptAt   not sent before this time
 * @param leaseOwner      the node sending it now (null when not leased)
 * @param leaseUntil      the lease ends at this time; another node may take it afterwards
 * @param lastResult      the last outcome (e.g. {@code TIMEOUT}, {@code 0430/00})
 */
public record SafMessage(
        String id,
        String host,
        Kind kind,
        String mti,
        String stan,
        String rrn,
        String transmissionTime,
        String processingCode,
        long amount,
        String currency,
        String acquirerId,
        String terminalId,
        String merchantId,
        String originalData,
        String txnRrn,
        String reason,
        Status status,
        int attempts,
        Instant nextAttemptAt,
        String leaseOwner,
        Instant leaseUntil,
        String lastResult,
        Instant createdAt,
        Instant updatedAt) {

    public enum Kind { REVERSAL, ADVICE }

    /**
     * PENDING: to be sent until the host answers; DONE: delivered (or no longer needed); HELD: written before its
     * request went to the host and never sent as it is: released (PENDING) if the host's approval may stand
     * unrecorded, cancelled (DONE) once it cannot.
     */
    public enum Status { PENDING, DONE, HELD, REFUSED }

    /**
     * The reversal of a request about to be sent to a host, held: stored (durably) before the request leaves, so
     * that a gateway that dies while the host decides still reverses whatever the host approved. Its id is made of
     * the request's RRN (one per request: a request goes to one host, once); {@code node} (kept as its lease owner) is
     * the node that sent the request, the only one that may settle it after a restart.
     */
    public static SafMessage held(String node, String host, String stan, String rrn, String transmissionTime,
                                  String processingCode, long amount, String currency, String acquirerId, String terminalId,
                                  String merchantId, String originalData, String txnRrn, Instant now) {
        return new SafMessage(heldId(txnRrn), host, Kind.REVERSAL, "0420", stan, rrn, transmissionTime,
                processingCode, amount, currency, acquirerId, terminalId, merchantId, originalData, txnRrn, "HOST_IN_FLIGHT",
                Status.HELD, 0, now, node, null, null, now, now);
    }

    /**
     * This reversal, held (see {@link #held}) by {@code node}: the 0420 of an undo (a void or reversal sent to a host as
     * 0400), stored before the 0400 leaves, so that a gateway that dies while the host decides still gets the undo to
     * the host and into its own books (at its next start). Id {@link #undoHeldId}.
     */
    public SafMessage heldUndo(String node, Instant now) {
        return new SafMessage(undoHeldId(stan, txnRrn), host, kind, "0420", stan, rrn, transmissionTime, processingCode,
                amount, currency, acquirerId, terminalId, merchantId, originalData, txnRrn, "UNDO_IN_FLIGHT", Status.HELD,
                0, now, node, null, null, now, now);
    }

    /** The id of the held 0420 of an undo of {@code txnRrn} sent under host STAN {@code stan} (24 of the id's 40). */
    public static String undoHeldId(String stan, String txnRrn) {
        return UNDO_HELD_PREFIX + stan + "-" + txnRrn;
    }

    /** True if this is the held 0420 of an undo (a void or reversal), not of a sale or refund. */
    public boolean isHeldUndo() {
        return id.startsWith(UNDO_HELD_PREFIX);
    }

    private static final String UNDO_HELD_PREFIX = "undo-";

    /** The id of the held reversal of the request with this RRN (DE 37: 12 characters, within the id's 40). */
    public static String heldId(String txnRrn) {
        return "held-" + txnRrn;
    }

    /** A new pending reversal advice (0420), due at once. */
    public static SafMessage reversal(String host, String stan, String rrn, String transmissionTime, String processingCode,
                                      long amount, String currency, String acquirerId, String terminalId, String merchantId,
                                      String originalData, String txnRrn, String reason, Instant now) {
        return new SafMessage(UUID.randomUUID().toString(), host, Kind.REVERSAL, "0420", stan, rrn, transmissionTime,
                processingCode, amount, currency, acquirerId, terminalId, merchantId, originalData, txnRrn, reason,
                Status.PENDING, 0, now, null, null, null, now, now);
    }

    /** The MTI of the next transmission: the stored one first (0420), its repeat form afterwards (0421). */
    public String mtiToSend() {
        if (attempts == 0 || mti.length() != 4) return mti;
        return mti.substring(0, 3) + '1';
    }

    /** The original's STAN (DE 90 positions 5-10), or null. */
    public String originalStan() {
        return originalData == null || originalData.length() < 10 ? null : originalData.substring(4, 10);
    }

    SafMessage leased(String owner, Instant until, Instant now) {
        return new SafMessage(id, host, kind, mti, stan, rrn, transmissionTime, processingCode, amount, currency, acquirerId,
                terminalId, merchantId, originalData, txnRrn, reason, status, attempts, nextAttemptAt, owner, until,
                lastResult, createdAt, now);
    }

    SafMessage done(String result, Instant now) {
        return new SafMessage(id, host, kind, mti, stan, rrn, transmissionTime, processingCode, amount, currency, acquirerId,
                terminalId, merchantId, originalData, txnRrn, reason, Status.DONE, attempts + 1, nextAttemptAt, null, null,
                result, createdAt, now);
    }

    /** Refused by the host for good: kept, never sent again, for an operator to settle with the acquirer. */
    SafMessage refused(String result, Instant now) {
        return new SafMessage(id, host, kind, mti, stan, rrn, transmissionTime, processingCode, amount, currency, acquirerId,
                terminalId, merchantId, originalData, txnRrn, reason, Status.REFUSED, attempts + 1, nextAttemptAt, null, null,
                result, createdAt, now);
    }

    SafMessage retry(Instant next, String result, Instant now) {
        return new SafMessage(id, host, kind, mti, stan, rrn, transmissionTime, processingCode, amount, currency, acquirerId,
                terminalId, merchantId, originalData, txnRrn, reason, Status.PENDING, attempts + 1, next, null, null,
                result, createdAt, now);
    }

    SafMessage postponed(Instant next, String result, Instant now) {
        return new SafMessage(id, host, kind, mti, stan, rrn, transmissionTime, processingCode, amount, currency, acquirerId,
                terminalId, merchantId, originalData, txnRrn, reason, Status.PENDING, attempts, next, null, null,
                result, createdAt, now);
    }

    /** Held no more: due at {@code now}, for {@code why}, not leased. */
    public SafMessage released(String why, Instant now) {
        return new SafMessage(id, host, kind, mti, stan, rrn, transmissionTime, processingCode, amount, currency, acquirerId,
                terminalId, merchantId, originalData, txnRrn, why, Status.PENDING, 0, now, null, null, null, createdAt, now);
    }

    /** Whether {@code node} may take it at {@code now}: pending, due, and not leased by anyone else (or the lease ran out). */
    boolean available(Instant now) {
        return status == Status.PENDING && !nextAttemptAt.isAfter(now) && (leaseUntil == null || leaseUntil.isBefore(now));
    }
}
