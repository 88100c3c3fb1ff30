package io.switchgate.route;

import io.switchgate.model.TxnRecord;
import io.switchgate.store.ChangeSet;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Who decides: the embedded authorizer (an issuer simulator with card balances) or an upstream host.
 * The embedded one answers at once, on the caller's thread; a host answers when it answers.
 */
public interface Authorizer {

    /** "embedded" or the host's name; journaled with the transaction so refunds and reversals follow it. */
    String name();

    /** Sale, balance inquiry or refund. */
    CompletableFuture<AuthResult> authorize(AuthRequest request);

    /** Undoes an approved sale or refund (for a void or a reversal). */
    CompletableFuture<AuthResult> undo(TxnRecord original, ChangeSet changes, Instant now);

    /**
     * This authorizer approved {@code request} ({@code approval}), and the gateway did not commit it (journal failure,
     * a rule that no longer held when the answer came back, shutdown): the approval must not stay. Completes once a
     * reversal is durably stored for delivery (a host), or at once when there is nothing outside the gateway to undo
     * (the embedded authorizer's effect lives in the working set, which a failed commit discards). Never asks the
     * authorizer to decide again: a request is authorized once.
     */
    default CompletableFuture<Void> reverseUncommitted(AuthRequest request, AuthResult approval, String why) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * This authorizer's approval of {@code request} is committed (durable in the journal): whatever was kept ready to
     * undo it, should the gateway die before recording it, is not needed (a host's held reversal). Best effort, never
     * blocks the caller; the default has nothing to drop.
     */
    default void committed(AuthRequest request, AuthResult approval) {
    }

    /**
     * This authorizer's approval of an {@link #undo} of {@code original} ({@code result}) is committed: whatever was
     * kept ready should the gateway die before recording it is not needed (a host's held 0420). Best effort.
     */
    default void undoCommitted(TxnRecord original, AuthResult result) {
    }

    /**
     * RRNs of transactions this authorizer had an undo of (a void or reversal) out for when the gateway last stopped,
     * which the journal does not show undone: the authorizer has made sure the undo reaches its far end (a host's
     * released 0420), so the gateway must undo them in its own books as well before it serves. Asked once, at start.
     */
    default java.util.List<String> undoneWhileStopped() {
        return java.util.List.of();
    }

    /**
     * Requests this authorizer had at its far end when the gateway last stopped, with no answer of them journaled: their
     * reversal is on its way (a host's released 0420), and the gateway journals each as answered {@code 91
     * HOST_ANSWER_LOST} before it serves ({@link LostHostAnswer}). Asked once, at start.
     */
    default java.util.List<LostHostAnswer> lostWhileStopped() {
        return java.util.List.of();
    }

    /**
     * The gateway has journaled {@code rrn}, one of {@link #lostWhileStopped}: its reversal may go to the far end now
     * (a host's held 0420 released). Only now: released first, a kill before the record left the retransmission to be
     * authorized at the host a second time (a re-audit).
     */
    default void lostRecordedAfterRestart(String rrn) {
    }

    /**
     * The gateway has undone {@code rrn} in its own books (committed), one of {@link #undoneWhileStopped}: the undo may
     * go to the far end now (a host's held 0420 released). Only now: released first, a kill before the gateway's own
     * undo left the host undone and the gateway not, with nothing held any more to say so.
     */
    default void undoneHereAfterRestart(String rrn) {
    }
}
