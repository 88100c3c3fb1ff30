package io.switchgate.route;

import io.switchgate.store.ChangeSet;
import io.switchgate.store.TxnRecord;

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
}
