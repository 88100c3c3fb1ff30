package io.switchgate.txn;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.route.AuthResult;
import io.switchgate.security.KeyHandle;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.CommitWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Decisions on their way to the journal: each is submitted with the lineage it rests on, its answer leaves once it is
 * committed, and a failed commit is undone in the working set before the engine decides anything else (its request
 * and every retransmission of it hear {@code 96}, never an answer that was not committed). Also the answer to a
 * retransmission, which waits for its original's commit. The engine thread submits and drops; the writer's threads
 * complete.
 */
final class Commits {
    private static final Logger log = LoggerFactory.getLogger(Commits.class);

    private final EngineState state;
    private final CommitWriter writer;
    private final EngineExecutor thread;
    private final Clock clock;
    private final Replies replies;
    /** Runs a task for a request on the engine thread (answering 96 if it no longer takes work). */
    private final BiConsumer<Request, Runnable> onEngine;
    /** Decides a request again from the start (engine thread). */
    private final Consumer<Request> decideAgain;
    /** Decisions that lost a race (another node, or an earlier failed commit) and were taken again. */
    private final java.util.concurrent.atomic.LongAdder lostRaces = new java.util.concurrent.atomic.LongAdder();
    /** RRN -> commit of the change set that created it, while in flight (duplicate replays wait on it). */
    private final Map<String, CompletableFuture<Void>> pendingCommits = new ConcurrentHashMap<>();

    /**
     * The lineage of the decisions taken since the working set was last dropped (see {@link ChangeSet#lineage}): each
     * decision builds on the uncommitted effects of the ones before it, so when one of them fails, the writer refuses
     * every later set of its lineage (they are decided again), never commits one that rests on a failed change.
     */
    private long lineage = 1;

    /** Commits that failed, for the engine thread to forget what they decided (see {@link #applyWriterFailures}). */
    private final java.util.Queue<FailedCommit> writerFailures = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A commit that failed: its request's record, and the reason its terminal was told (journaled with the 96). */
    private record FailedCommit(String rrn, CompletableFuture<Void> commit, TxnRecord record, String reason) { }

    Commits(EngineState state, CommitWriter writer, EngineExecutor thread, Clock clock, Replies replies,
            BiConsumer<Request, Runnable> onEngine, Consumer<Request> decideAgain) {
        this.state = state;
        this.writer = writer;
        this.thread = thread;
        this.clock = clock;
        this.replies = replies;
        this.onEngine = onEngine;
        this.decideAgain = decideAgain;
    }

    /** True while the record with this RRN is on its way to the journal. */
    boolean pending(String rrn) {
        return rrn != null && pendingCommits.containsKey(rrn);
    }

    /**
     * An operator's change (engine thread): committed in the current lineage; a failed commit drops the working set
     * like a request's.
     */
    CompletableFuture<Void> submitOperatorChange(ChangeSet cs) {
        // the returned stage completes after the failure is queued, so the caller's next request finds it
        CompletableFuture<Void> commit = writer.submit(cs.lineage(lineage));
        int epoch = state.commitHorizon.submitted(clock.millis()); // after submit: a submit that throws counts nothing
        return commit.whenComplete((v, e) -> {
            state.commitHorizon.completed(epoch);
            if (e != null) {
                writerFailures.add(new FailedCommit(null, null, null, null));
                nudgeEngine();
            }
        });
    }

    /**
     * Submits {@code cs} (the request's record among its changes) to the journal, and answers {@code o} once it is
     * committed: {@code 96} if the commit fails, or a new decision if another node won a race on a row it read.
     */
    void commitAndReply(Request r, Outcome o, ChangeSet cs, String rrn) {
        KeyHandle tak = TerminalKeys.responseMacKey(r);
        // Pack and MAC here, on the engine thread: the writer thread only commits and releases.
        byte[] ready = replies.pack(r, o, tak);
        cs.lineage(lineage);
        // Deciding a lone request on the event loop: the journal may be written right here too (write durability).
        CompletableFuture<Void> commit = thread.runningHere() ? writer.submitWritingIfIdle(cs) : writer.submit(cs);
        int epoch = state.commitHorizon.submitted(r.now != null ? r.now.toEpochMilli() : clock.millis());
        if (rrn != null) pendingCommits.put(rrn, commit);
        commit.whenComplete((v, err) -> {
            state.commitHorizon.completed(epoch);
            if (err == null) {
                if (rrn != null) pendingCommits.remove(rrn, commit);
                AuthResult approval = r.hostApproval;
                if (approval != null && Codes.APPROVED.equals(o.code())) {
                    r.hostApproval = null; // committed: the approval stands, its held reversal is not needed
                    if (r.authorizer != null) r.authorizer.committed(r.authRequest, approval);
                }
                io.switchgate.route.Authorizer undoneAt = r.undoneAt;
                if (undoneAt != null && Codes.APPROVED.equals(o.code())) {
                    r.undoneAt = null;
                    undoneAt.undoCommitted(r.undoneOriginal, r.undoResult);
                }
                replies.release(r, o, ready);
            } else if (cause(err) instanceof io.switchgate.store.ConcurrentUpdateException
                    && (r.redecisions < Engine.MAX_REDECISIONS
                        // another node answered this very request: decided again, it replays that answer (bounded all
                        // the same, should the store keep saying so)
                        || cause(err) instanceof io.switchgate.store.AnsweredElsewhereException && r.redecisions < Engine.MAX_REDECISIONS + 3)) {
                // Another node changed a row this decision read (or an earlier decision on it failed): decide
                // again, from what the store holds now. Nothing of the lost decision was committed; a host's
                // answer is kept on the request, so the host is not asked again.
                onEngine.accept(r, () -> {
                    if (rrn != null) pendingCommits.remove(rrn, commit);
                    decideAgainOnFreshState(r, cause(err).getMessage());
                });
            } else if (cause(err) instanceof io.switchgate.store.ConcurrentUpdateException && rrn != null
                    && o.record() != null && o.record().dupKey() != null) {
                // Out of new decisions: the request is answered 96, but only once that 96 is journaled under its
                // duplicate key. Answered at once, the 96 named an RRN no node ever journaled while the other node's
                // copy of the request stood approved (an audit on two PostgreSQL nodes); journaled first, a 96 that
                // loses to another node's answer of the same request is decided again and replays that answer.
                log.warn("terminal {} stan {}: lost its last allowed race ({}); answering 96 once that is journaled",
                        r.terminal.id(), r.stan(), cause(err).getMessage());
                onEngine.accept(r, () -> answer96Journaled(r, rrn, commit, o.record(), tak));
            } else {
                if (cause(err) instanceof io.switchgate.store.ConcurrentUpdateException) {
                    // a race lost to another node, not a fault of the journal (an audit counted 20,000 such ERROR lines)
                    log.warn("terminal {} stan {}: lost its last allowed race: {}", r.terminal.id(), r.stan(), cause(err).getMessage());
                } else {
                    log.error("journal commit failed for terminal {} stan {}: {}", r.terminal.id(), r.stan(), err.toString());
                }
                // A decision that lost its race every time is not a journal fault: say which it was (to the terminal,
                // and in the 96 journaled for it).
                String why = cause(err) instanceof io.switchgate.store.ConcurrentUpdateException ? "CONCURRENT_UPDATE" : "JOURNAL_UNAVAILABLE";
                // The working set holds this decision as if it stood: the engine thread drops it before it decides
                // anything else. Until then the failed future stays in pendingCommits, so a retransmission that
                // finds the record in memory waits on it and hears 96 too, never an answer that was not committed.
                writerFailures.add(new FailedCommit(rrn, commit, o.record(), why));
                nudgeEngine();
                Outcome failed = new Outcome(Codes.SYSTEM_MALFUNCTION, why, null, o.record(), null, null);
                replies.release(r, failed, replies.pack(r, failed, tak));
            }
        });
    }

    /**
     * A request that lost its last allowed race: its 96 CONCURRENT_UPDATE is journaled (its RRN and duplicate key, so a
     * retransmission hears it again), then answered. If another node answered the same request meanwhile, the 96 loses
     * to that answer and the request is decided again, which replays it; if the 96 cannot be journaled for another
     * reason, it is answered all the same (as a journal failure is). Engine thread.
     */
    private void answer96Journaled(Request r, String rrn, CompletableFuture<Void> failedCommit, TxnRecord record, KeyHandle tak) {
        dropUncommitted();
        TxnRecord answered = record.asUncommitted(Codes.SYSTEM_MALFUNCTION, "CONCURRENT_UPDATE", clock.instant());
        // a retransmission that waited on the failed commit now waits on this one (same RRN)
        pendingCommits.remove(rrn, failedCommit);
        CompletableFuture<Void> commit = journal96(answered);
        Outcome failed = new Outcome(Codes.SYSTEM_MALFUNCTION, "CONCURRENT_UPDATE", null, answered, null, null);
        commit.whenComplete((v, err) -> {
            if (err == null) {
                pendingCommits.remove(rrn, commit);
                replies.release(r, failed, replies.pack(r, failed, tak));
            } else if (cause(err) instanceof io.switchgate.store.AnsweredElsewhereException
                    && r.redecisions < Engine.MAX_REDECISIONS + 3) {
                onEngine.accept(r, () -> {
                    pendingCommits.remove(rrn, commit);
                    decideAgainOnFreshState(r, cause(err).getMessage());
                });
            } else if (cause(err) instanceof io.switchgate.store.AnsweredElsewhereException) {
                // Out of new decisions, and the key holds another node's answer (its own 96, say): that answer, under
                // its journaled RRN, not a 96 under one no node journaled (a re-audit, 1 in 900 rounds)
                onEngine.accept(r, () -> {
                    pendingCommits.remove(rrn, commit);
                    dropUncommitted();
                    TxnRecord held = r.dupKey == null ? null : state.answered(r.terminal.id(), r.stan(), r.dupKey, r.now);
                    if (held != null && !held.rrn().equals(answered.rrn())) {
                        log.info("terminal {} stan {}: answered as another node journaled it ({})", r.terminal.id(), r.stan(), held.rrn());
                        replay(r, held);
                    } else {
                        log.error("terminal {} stan {}: its 96 could not be journaled: {}", r.terminal.id(), r.stan(), err.toString());
                        replies.release(r, failed, replies.pack(r, failed, tak));
                    }
                });
            } else {
                onEngine.accept(r, () -> {
                    pendingCommits.remove(rrn, commit);
                    dropUncommitted(); // the 96 held in memory did not commit
                    log.error("terminal {} stan {}: its 96 could not be journaled: {}", r.terminal.id(), r.stan(), err.toString());
                    replies.release(r, failed, replies.pack(r, failed, tak));
                });
            }
        });
    }

    /**
     * After a lost race (another node changed a row the decision read): forgets every uncommitted effect and decides
     * {@code r} again on what the store holds now. Engine thread only.
     */
    void decideAgainOnFreshState(Request r, String why) {
        lostRaces.increment();
        // the first lost race of a request at INFO, its further ones at DEBUG: under contention between nodes every
        // race lost was a line (an audit: 41,000 lines for 4,500 transactions); gateway_engine_lost_races_total counts them all
        if (r.redecisions == 0) {
            log.info("terminal {} stan {}: {}; deciding again on fresh state", r.terminalId(), r.stan(), why);
        } else {
            log.debug("terminal {} stan {}: {}; deciding again on fresh state ({})", r.terminalId(), r.stan(), why, r.redecisions + 1);
        }
        dropUncommitted();
        r.redecisions++;
        decideAgain.accept(r);
    }

    /** Decisions taken again after a lost race, since the start (any thread). */
    long lostRaces() {
        return lostRaces.sum();
    }

    /** Forgets every uncommitted effect (the store is the truth again) and starts a new lineage. Engine thread only. */
    void dropUncommitted() {
        state.invalidate();
        lineage++;
    }

    /** On the engine thread, before any decision: a failed commit's decisions are dropped from the working set. */
    void applyWriterFailures() {
        if (writerFailures.isEmpty()) return;
        dropUncommitted();
        FailedCommit f;
        while ((f = writerFailures.poll()) != null) {
            if (f.rrn() != null) pendingCommits.remove(f.rrn(), f.commit());
            if (f.record() != null && f.record().dupKey() != null) recordUncommittedAnswer(f.record(), f.reason());
        }
    }

    /**
     * The request was answered 96: that is its answer now, and a retransmission of it gets 96 again (same DE 37), never
     * a second, different decision the terminal could take for the first one's. The 96 is journaled (best effort: the
     * journal may still be failing; then only this node's memory has it, which holds while it runs).
     */
    private void recordUncommittedAnswer(TxnRecord failed, String reason) {
        TxnRecord answered = failed.asUncommitted(Codes.SYSTEM_MALFUNCTION, reason, clock.instant());
        CompletableFuture<Void> commit = journal96(answered);
        commit.whenComplete((v, e) -> pendingCommits.remove(answered.rrn(), commit));
    }

    /**
     * Puts {@code answered} (a 96) in the working set and submits it alone, pending under its RRN (a retransmission
     * waits on it). No lineage: it rests on nothing uncommitted, and if it fails the decisions after it need not be
     * taken again. Engine thread.
     */
    private CompletableFuture<Void> journal96(TxnRecord answered) {
        state.put(answered);
        CompletableFuture<Void> commit = writer.submit(new ChangeSet().txn(answered));
        int epoch = state.commitHorizon.submitted(answered.updatedAt().toEpochMilli());
        pendingCommits.put(answered.rrn(), commit);
        commit.whenComplete((v, e) -> state.commitHorizon.completed(epoch));
        return commit;
    }

    /** Makes the engine thread apply writer failures now rather than at the next request (best effort). */
    private void nudgeEngine() {
        try {
            thread.execute(this::applyWriterFailures);
        } catch (java.util.concurrent.RejectedExecutionException full) {
            // the next task applies them first
        }
    }

    private static Throwable cause(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** The same answer again (same DE 37, 38, 39), once the original answer is durable. */
    void replay(Request r, TxnRecord prior) {
        replay(r, prior, null);
    }

    /** As {@link #replay(Request, TxnRecord)}, with {@code de48} (a sign-on's issued keys) when not null. */
    void replay(Request r, TxnRecord prior, String de48) {
        KeyHandle tak = TerminalKeys.responseMacKey(r);
        Long balance = null;
        if (prior.type() == TxnType.BALANCE && prior.approved()) {
            if (io.switchgate.route.EmbeddedAuthorizer.isUpstreamHost(prior.host())) {
                balance = state.hostBalances().of(prior.rrn()); // the host's, not the embedded authorizer's (HostBalances)
            } else {
                var card = state.find(prior.panHash());
                if (card != null) balance = card.balance();
            }
        }
        if (prior.type() == TxnType.SETTLEMENT && Codes.RECONCILIATION_ERROR.equals(prior.responseCode())
                && r.terminal != null) {
            // A 95 carries the gateway's totals (contract section 4), its retransmission too: those of the batch it
            // named, as they are now while it is open, its settled totals once it is closed (without them, a
            // black-box audit saw the repeat of a 95 lose DE 74/76/86/88 once the terminal had settled)
            r.openBatchForResponse = r.terminal.batchNo() == prior.batchNo() ? state.openBatch(r.terminal, r.now)
                    : state.settledBatch(r.terminal.id(), prior.batchNo());
        }
        Outcome o = new Outcome(prior.responseCode(), prior.reason(), prior.authCode(), prior, balance, de48);
        CompletableFuture<Void> commit = pendingCommits.get(prior.rrn());
        if (commit == null) {
            replies.reply(r, o, tak);
        } else {
            commit.whenComplete((v, err) -> {
                if (err == null) {
                    replies.reply(r, o, tak);
                } else {
                    onEngine.accept(r, () -> decideOnceFailureHandled(r, prior.rrn(), commit, tak, 0));
                }
            });
        }
    }

    /** How many milliseconds a retransmission waits, at most, for its request's failure to be dealt with. */
    private static final int MAX_WAITS_FOR_FAILURE = 2_000;

    /**
     * A retransmission that waited on its request's commit, which failed: decided again once the engine thread has dealt
     * with that failure (the request decided again after a lost race, or its 96 recorded), so that it hears what the
     * request hears, with the same DE 37. Answered {@code 96} at once, as before, it was told "failed" of a request that
     * a new decision approved (a black-box audit on two PostgreSQL nodes). Engine thread.
     */
    private void decideOnceFailureHandled(Request r, String rrn, CompletableFuture<Void> failed, KeyHandle tak, int waits) {
        if (pendingCommits.get(rrn) == failed) {
            // The failure's own task has not run yet: it is queued by the same completion, but a future runs its later
            // dependents first, so it may not even be queued. A millisecond later, again (a lost race is rare).
            if (waits < MAX_WAITS_FOR_FAILURE) {
                CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS).execute(
                        () -> onEngine.accept(r, () -> decideOnceFailureHandled(r, rrn, failed, tak, waits + 1)));
            } else {
                replies.reply(r, Outcome.of(Codes.SYSTEM_MALFUNCTION, "JOURNAL_UNAVAILABLE"), tak);
            }
            return;
        }
        decideAgain.accept(r);
    }
}
