package io.switchgate.txn;

import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.route.AuthRequest;
import io.switchgate.route.AuthResult;
import io.switchgate.route.Authorizer;
import io.switchgate.route.EmbeddedAuthorizer;
import io.switchgate.route.Router;
import io.switchgate.security.KeyHandle;
import io.switchgate.store.ChangeSet;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The authorizers as the flows use them (engine thread): which one decides a request (routes, or the authorizer of its
 * original), asking it, and what a request is while a host decides: "at the host", so that its repeat joins it, a
 * reversal waits for it and a void or refund of its original is refused busy. A host's answer comes back onto the
 * engine thread as a task, and is kept on the request: decided again after a lost race, the host is not asked twice.
 */
final class Authorizations {
    /** How a verdict is journaled and answered (the engine's). */
    interface Journal {
        void journal(Request r, ChangeSet cs, Verdict v);
    }

    private final Map<String, Authorizer> authorizers;
    private final Router router;
    private final EngineState state;
    private final Clock clock;
    private final RrnAllocator rrns;
    /** Runs a task for a request on the engine thread (answering 96 if it no longer takes work). */
    private final BiConsumer<Request, Runnable> onEngine;
    private final Journal journal;
    /** True once the journal has stopped for good: no host is asked any more (see {@link #awaitAnswer}). */
    private final java.util.function.BooleanSupplier journalStopped;

    Authorizations(Map<String, Authorizer> authorizers, Router router, EngineState state, Clock clock, RrnAllocator rrns,
                   BiConsumer<Request, Runnable> onEngine, Journal journal, java.util.function.BooleanSupplier journalStopped) {
        this.journalStopped = journalStopped;
        this.authorizers = new java.util.HashMap<>(authorizers); // get(null) is null, as the routes may ask
        this.router = router;
        this.state = state;
        this.clock = clock;
        this.rrns = rrns;
        this.onEngine = onEngine;
        this.journal = journal;
    }

    /** The authorizer for a request, found once (the prefetch stage asks first, the decision after it). */
    String route(Request r) {
        if (r.route == null) {
            r.route = router.route(r.card == null ? null : r.card.pan(), r.msg.getString(3), r.terminal.merchantId(), r.terminal.id());
        }
        return r.route;
    }

    /**
     * Asks the authorizer (embedded or a host) to decide a sale, balance inquiry or refund, then continues with its
     * answer on the engine thread. {@code originalRrn}: the sale a refund is of (it is busy while the host decides).
     */
    void authorize(Request r, String target, String originalRrn, FlowSteps.AuthThen k) {
        ChangeSet cs = new ChangeSet();
        Authorizer a = authorizers.get(target);
        if (a == null) {
            journal.journal(r, cs, Verdict.declined(Codes.HOST_UNAVAILABLE, "NO_HOST_LINK").by(target, null));
            return;
        }
        if (r.authRequest == null) {
            byte[] pinBlock = r.msg.getBytes(52);
            KeyHandle pinKey = pinBlock == null ? null : r.pinKey;
            r.authRequest = new AuthRequest(r.type, r.card, r.panHash, r.amount, r.currency(), pinBlock, pinKey,
                    r.terminal.id(), r.terminal.merchantId(), r.stan(), r.rrn(rrns), cs, r.now, r.msg);
            r.authorizer = a;
        }
        // The embedded authorizer writes its card changes into the change set it was given: a request decided again
        // (after a lost race) is asked again with a fresh one. A host keeps its first answer (asked once).
        AuthRequest req = r.authRequest.changes() == cs ? r.authRequest : r.authRequest.withChanges(cs);
        awaitAnswer(r, originalRrn, isHost(a), () -> a.authorize(req), auth -> {
            r.hostStan = auth.hostStan();
            r.hostRrn = auth.hostRrn();
            k.accept(auth, cs, a.name());
        });
    }

    /** Asks the authorizer that decided {@code original} to undo it (a reversal or void), then continues with its answer. */
    void undo(Request r, TxnRecord original, ChangeSet cs, Consumer<AuthResult> k) {
        Authorizer a = authorizers.get(original.host() == null ? EmbeddedAuthorizer.NAME : original.host());
        if (a == null) {
            k.accept(AuthResult.decline(Codes.HOST_UNAVAILABLE, "NO_HOST_LINK"));
            return;
        }
        boolean host = isHost(a);
        awaitAnswer(r, original.rrn(), host, () -> a.undo(original, cs, r.now), auth -> {
            // a host's approved undo: told once it is committed (Commits), so that it drops its held 0420
            if (host && auth.approved()) {
                r.undoneAt = a;
                r.undoneOriginal = original;
                r.undoResult = auth;
            }
            k.accept(auth);
        });
    }

    /**
     * Runs the continuation now if the authorizer answered at once (embedded), else once it answers, back on the
     * engine thread. While it waits, the request is "at the host": a repeat of it joins it, a reversal of it or of
     * its original waits for it, and a void or refund of its original is refused busy. A host's answer is kept on
     * the request: decided again after a lost race, it is not asked a second time.
     */
    private void awaitAnswer(Request r, String originalRrn, boolean host,
                             java.util.function.Supplier<CompletableFuture<AuthResult>> ask, Consumer<AuthResult> k) {
        if (r.hostAnswer != null) {
            k.accept(r.hostAnswer);
            return;
        }
        if (host && journalStopped.getAsBoolean()) {
            // Nothing can be committed any more, so whatever the host approved would be answered 96 and reversed: a
            // hold on the cardholder's account for nothing (a black-box audit, with the journal's disk full). Not asked.
            k.accept(AuthResult.decline(Codes.SYSTEM_MALFUNCTION, "JOURNAL_UNAVAILABLE"));
            return;
        }
        CompletableFuture<AuthResult> f = ask.get();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            // Answered already (the embedded authorizer always; a host, when it was quicker than this thread).
            AuthResult answer = f.join();
            if (host) remember(r, answer);
            k.accept(answer);
            return;
        }
        String stanKey = r.terminal.id() + '|' + r.stan();
        state.markAtHost(r, stanKey, originalRrn);
        f.whenComplete((auth, err) -> {
            AuthResult answer = err == null ? auth : AuthResult.decline(Codes.HOST_UNAVAILABLE, "HOST_ERROR");
            remember(r, answer);
            onEngine.accept(r, () -> {
                r.answeredLater = true;
                // Decided as of now: the rules re-read the state and the clock, and the record carries the time of
                // its commit (its batch and day are those open when it is committed).
                r.now = clock.instant();
                try {
                    TerminalState now = state.terminal(r.terminal.id());
                    if (now != null) r.terminal = now;
                    k.accept(answer);
                } finally {
                    state.hostAnswered(r, stanKey, originalRrn);
                }
            });
        });
    }

    private static boolean isHost(Authorizer a) {
        return !EmbeddedAuthorizer.NAME.equals(a.name());
    }

    /**
     * Keeps a host's answer on the request: decided again, it is not asked twice; and from here on an approval that is
     * not committed gets a stored reversal (see {@link Replies#release}).
     */
    private static void remember(Request r, AuthResult answer) {
        r.hostAnswer = answer;
        if (answer.approved() && r.authRequest != null && r.type != TxnType.BALANCE) r.hostApproval = answer;
    }
}
