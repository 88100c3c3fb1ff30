package io.switchgate.txn;

import io.switchgate.model.TxnRecord;
import io.switchgate.route.AuthResult;
import io.switchgate.store.ChangeSet;

import java.util.List;
import java.util.function.Consumer;

/** What the engine does for a flow: ask an authorizer, wait for other requests, journal and answer. */
interface FlowSteps {

    /** Journals the request with its verdict and the changes in {@code cs}, and answers once they are committed. */
    void journal(Request r, ChangeSet cs, Verdict v);

    /** Journals a request whose verdict changes nothing else (a decline before any change, a reversal with nothing to undo). */
    default void journalUnchanged(Request r, Verdict v) {
        journal(r, new ChangeSet(), v);
    }

    /** Answers with a record that keeps no duplicate key and names no original (echo, sign-on without a TMK). */
    void screened(Request r, String code, String reason);

    /** The record {@link #screened} journals, for a flow that journals it with changes of its own. */
    TxnRecord screenedRecord(Request r, String code, String reason);

    /**
     * Answers a retransmission with its original's answer again (same DE 37, 38, 39; {@code de48} too when not null),
     * once that answer is durable.
     */
    void replay(Request r, TxnRecord original, String de48);

    /** Approves a network request that changes nothing (echo, keyless sign-on), or replays its last answer. */
    void network(Request r);

    /** Commits {@code cs} (which holds the request's record) and then answers {@code o}. */
    void commitAndReply(Request r, Outcome o, ChangeSet cs, String rrn);

    /** The authorizer for a request ("embedded" or a host's name), found once. */
    String route(Request r);

    /**
     * Asks the authorizer {@code target} to decide a sale, balance inquiry or refund; {@code then} runs on the engine
     * thread with its answer, now (embedded) or later (a host). {@code originalRrn}: the sale a refund is of (busy
     * while the host decides).
     */
    void authorize(Request r, String target, String originalRrn, AuthThen then);

    /** Asks the authorizer of {@code original} to undo it (void, reversal); {@code then} as for {@link #authorize}. */
    void undo(Request r, TxnRecord original, ChangeSet cs, Consumer<AuthResult> then);

    /** Decides {@code r} again, on the engine thread, once every one of {@code others} has been answered. */
    void decideAfter(List<Request> others, Request r);

    @FunctionalInterface
    interface AuthThen {
        void accept(AuthResult auth, ChangeSet cs, String host);
    }
}
