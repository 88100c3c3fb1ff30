package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoException;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.policy.CurrencyRule;
import io.switchgate.policy.Decline;
import io.switchgate.policy.MerchantCurrencyRule;
import io.switchgate.policy.MerchantRule;
import io.switchgate.policy.TerminalRule;
import io.switchgate.route.AuthResult;
import io.switchgate.route.Authorizer;
import io.switchgate.route.EmbeddedAuthorizer;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.CommitWriter;
import io.switchgate.store.TransactionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The transaction engine: message in, decision, journal, response out.
 *
 * <p>Parsing happens on the caller's (event loop) thread; every decision runs on one engine thread that
 * owns all mutable state ({@link EngineState}), so balances, refundable amounts and batches are changed
 * by exactly one writer with no read-then-write race. (When the engine is idle a new request is decided on the
 * caller's thread instead, holding the same ownership: {@link EngineExecutor}.) Each request's changes go to the group-commit
 * writer; its response is released only when that group is committed. The engine thread never waits
 * for a commit, so many requests are decided while earlier ones are being made durable.
 *
 * <p>What is here is the run loop and the checks every request goes through, in order ({@link #decide}); the rest is
 * in classes of one job each: {@link Admission} (kind and format, on the event loop), {@link TerminalKeys} (keys and
 * MAC), {@link PrefetchStep} (what is read before the decision), the flows ({@link SaleFlow}, {@link RefundFlow}, ...:
 * one per kind of request), {@link Authorizations} (the embedded authorizer and the hosts), {@link Commits} (to the
 * journal, and what a failed commit undoes), {@link Replies} (the answer), {@link UnparseableFrame} and
 * {@link OperatorChanges}.
 */
public final class Engine implements MessageHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final String nodeId;
    private final Map<String, Dialect> dialects;
    private final Dialect defaultDialect;
    private final CommitWriter writer;
    private final SecurityModule security;
    private final PanHasher panHasher;
    /** The embedded authorizer and the hosts: which one decides a request, and waiting for its answer. */
    private final Authorizations authorizations;
    private final EngineState state;
    private final RrnAllocator rrns;
    /** The MTIs, processing codes and currencies the journal records share (see {@link SharedStrings}). */
    private final SharedStrings recordCodes = new SharedStrings(256);
    private final Clock clock;
    private final ZoneId zone;
    /** The engine thread, or the caller's thread when the engine is idle (see {@link EngineExecutor}). */
    private final EngineExecutor thread;
    /**
     * 65,536 requests are about 5 s of work at the ~12,000 tps measured (docs/benchmarks.md), inside a terminal's
     * usual 30-60 s timeout; beyond that a terminal is better served by an immediate 91 it can retry than by an answer
     * after it gave up, and memory stays bounded (each queued request holds its message, a few KB) when terminals
     * send faster than the engine decides. {@code -Dgateway.engine.maxQueued=N} changes it.
     */
    static final int DEFAULT_MAX_QUEUED = 65_536;
    /**
     * Decisions of one request that lost a version race with another node (or rested on one that did) and were taken
     * again on fresh state, before it is answered {@code 96}. One was too few: with refunds of one sale arriving on
     * both nodes at once, about one in eight lost twice (an outside audit, eighteenth session of issue 14); each new
     * decision reads what the store holds now, so a third loss in a row needs the other node to win three times.
     */
    static final int MAX_REDECISIONS = 3;
    private final int maxQueued = io.switchgate.config.Tuning.wholeInt("gateway.engine.maxQueued", DEFAULT_MAX_QUEUED, 1, 1 << 23);
    /** The security step: keys, MAC checks, the response's MAC key (engine thread only). */
    private final TerminalKeys keys;
    /** DUKPT terminals: each bound to its device, and counters no device uses refused (engine thread only). */
    private final KsnGuard ksnGuard = new KsnGuard();
    private final TerminalAdmission terminalAdmission;
    /** Packs, MACs and hands over every answer. */
    private final Replies replies;
    /** Decisions on their way to the journal, and what a failed commit undoes. */
    private final Commits commits;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean accepting = true;
    private Instant lastSweep = Instant.EPOCH;
    /** Reads the originals of refunds and voids that are not in the working set, off the engine thread. */
    private final Prefetch prefetch;
    /** What goes to {@link #prefetch} before it is decided. */
    private final PrefetchStep prefetchStep;
    /** What the engine does for the flows (journal, authorizers, waiting), without handing them the engine. */
    private final FlowSteps steps = new Steps();
    /** The flow of each kind of request that gets past the common checks (sign-on: before the duplicate check). */
    private final Map<TxnType, Flow> flows = new java.util.EnumMap<>(TxnType.class);
    private final SignOnFlow signOn;

    /** The engine's steps as the flows see them: each delegates to the engine's own. */
    private final class Steps implements FlowSteps {
        @Override public void journal(Request r, ChangeSet cs, Verdict v) { Engine.this.journal(r, cs, v); }
        @Override public void screened(Request r, String code, String reason) { Engine.this.screened(r, code, reason); }
        @Override public TxnRecord screenedRecord(Request r, String code, String reason) { return Engine.this.screenedRecord(r, code, reason); }
        @Override public void commitAndReply(Request r, Outcome o, ChangeSet cs, String rrn) { commits.commitAndReply(r, o, cs, rrn); }
        @Override public void replay(Request r, TxnRecord original, String de48) { commits.replay(r, original, de48); }
        @Override public void network(Request r) { Engine.this.network(r); }
        @Override public String route(Request r) { return authorizations.route(r); }
        @Override public void authorize(Request r, String target, String originalRrn, AuthThen then) { authorizations.authorize(r, target, originalRrn, then); }
        @Override public void undo(Request r, TxnRecord original, ChangeSet cs, Consumer<AuthResult> then) { authorizations.undo(r, original, cs, then); }
        @Override public void decideAfter(java.util.List<Request> others, Request r) { Engine.this.decideAfter(others, r); }
    }

    public Engine(EngineSetup setup) {
        this.nodeId = setup.nodeId();
        this.dialects = Map.copyOf(setup.dialectsByListener());
        this.defaultDialect = setup.defaultDialect();
        this.writer = setup.writer();
        this.security = setup.security();
        this.keys = new TerminalKeys(security);
        this.panHasher = setup.panHasher();
        this.clock = setup.clock();
        this.zone = setup.zone();
        // Several nodes may decide on this store: said so, or a store that is its own journal and not this node's alone
        // (PostgreSQL with sharedByNodes left out is the journal nodes share). Then a retransmission may come here
        // after another node answered it, and a reversal that found no original may have come to another node: both
        // are asked of the store. Before, only the word said so, and a second node left without it approved a
        // retransmission of the first node's sale again.
        boolean shared = setup.sharedByNodes() || (setup.projection() == null && !setup.store().exclusive());
        this.state = new EngineState(setup.store(), setup.clock().instant(), shared, setup.projection());
        this.terminalAdmission = new TerminalAdmission(state::publishedTerminal, keys, panHasher);
        this.rrns = new RrnAllocator(nodeId, setup.store());
        this.prefetch = new Prefetch(setup.store(), shared ? setup.clock() : null);
        // New requests are admitted only while fewer than maxQueued tasks wait for the engine (else 91 ENGINE_BUSY); the
        // engine's own continuations (host answers, retries, operator changes) are always taken, so a full ring never
        // loses an answer that is already under way: the ring has room for as many of them again.
        this.thread = new EngineExecutor(2 * maxQueued);
        this.replies = new Replies(security);
        this.commits = new Commits(state, writer, thread, clock, replies, this::onEngine, this::process);
        Map<String, Authorizer> authorizers = new HashMap<>();
        Authorizer embedded = new EmbeddedAuthorizer(state, security);
        authorizers.put(embedded.name(), embedded);
        for (Authorizer a : setup.hostAuthorizers()) authorizers.put(a.name(), a);
        this.authorizations = new Authorizations(authorizers, setup.router(), state, clock, rrns, this::onEngine, steps::journal,
                writer::stoppedForGood);
        this.prefetchStep = new PrefetchStep(state, prefetch, clock, zone, panHasher, authorizations::route, this::backToEngine);
        this.signOn = new SignOnFlow(steps, security, keys);
        flows.put(TxnType.SALE, new SaleFlow(steps));
        flows.put(TxnType.BALANCE, new BalanceFlow(steps));
        flows.put(TxnType.REFUND, new RefundFlow(steps, zone));
        flows.put(TxnType.VOID, new VoidFlow(steps));
        flows.put(TxnType.REVERSAL, new ReversalFlow(steps, zone));
        flows.put(TxnType.SETTLEMENT, new SettlementFlow(steps));
        // Another node may write the store (PostgreSQL is never taken as this node's alone, whatever sharedByNodes says).
        if (shared || !setup.store().exclusive()) startStatusRefresh(setup.store());
        if (setup.projection() != null) {
            // What waits for the projection is looked at with every new request, and by this tick when none come.
            holdTick = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(t -> {
                Thread th = new Thread(t, "projection-hold");
                th.setDaemon(true);
                return th;
            });
            holdTick.scheduleWithFixedDelay(() -> {
                if (hold.size() == 0) return;
                try {
                    thread.execute(this::releaseHeld);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    // the engine stopped: close() answered what waited
                }
            }, HOLD_TICK_MILLIS, HOLD_TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** How often the tick looks at requests waiting for the projection when no new request comes. */
    private static final long HOLD_TICK_MILLIS = 20;
    /** Requests waiting for the projection (see {@link ProjectionHold}): at most as many as may queue for the engine. */
    private final ProjectionHold hold = new ProjectionHold(io.switchgate.config.Tuning.wholeNumber(
            ProjectionHold.HOLD_PROPERTY, ProjectionHold.DEFAULT_HOLD_MILLIS, 0, 60_000), maxQueued);
    private java.util.concurrent.ScheduledExecutorService holdTick;

    /** How often a node sharing its store reads the other nodes' status changes (the contract: within 1 second). */
    static final Duration STATUS_REFRESH = Duration.ofMillis(250);
    /** ... while the store reports them as they commit (PostgreSQL LISTEN/NOTIFY): only a safety net. */
    static final Duration STATUS_REFRESH_LISTENING = Duration.ofSeconds(5);
    private StatusRefresher statusRefresher;

    /**
     * Several nodes share the store: an operator's status change made through another node's admin API (a frozen
     * merchant, a returned terminal) must hold here within a second. The store is read off the engine thread; the
     * rows go to the engine thread, which takes those newer than its own.
     */
    private void startStatusRefresh(io.switchgate.store.TransactionStore store) {
        // -Dgateway.engine.statusPollMillis=N polls every N ms whether the store listens or not (tests: a long poll)
        Long poll = Long.getLong("gateway.engine.statusPollMillis");
        statusRefresher = new StatusRefresher(store, () -> {
            try {
                var terminals = store.listTerminals();
                var merchants = store.listMerchants();
                thread.execute(() -> state.refreshReference(terminals, merchants));
            } catch (RuntimeException e) {
                log.warn("cannot read status changes of other nodes: {}", e.toString());
            }
        }, poll == null ? STATUS_REFRESH : Duration.ofMillis(poll), poll == null ? STATUS_REFRESH_LISTENING : Duration.ofMillis(poll));
    }

    /** True while the store reports other nodes' status changes as they commit (tests wait for it). */
    boolean listensForStatusChanges() {
        return statusRefresher != null && statusRefresher.listening();
    }

    public void setListener(EngineListener listener) {
        replies.setListener(listener);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Why the store takes no write now (RRNs cannot be reserved, so every request is answered 96), or null; a failed
     * state is tried again here (one RRN left unused), so it clears once the store takes writes again. Any thread.
     */
    public String storeWriteProblem() {
        if (rrns.problem() == null || rrns.probe()) return null;
        return rrns.problem();
    }

    /** True if {@code t} is the engine's decision thread (closing the engine there would wait for itself). */
    public boolean isEngineThread(Thread t) {
        return thread.isEngineThread(t);
    }

    /**
     * New requests are answered 91 from now on (the gateway is stopping); those taken before are decided as usual
     * (those waiting for the projection excepted: they are answered 91 too, see {@code ProjectionHold}).
     */
    public void stopAccepting() {
        accepting = false;
    }

    // ------------------------------------------------------------------ entry

    @Override
    public CompletableFuture<byte[]> handle(byte[] message, String listenerName) {
        Dialect dialect = listenerName == null || dialects.isEmpty() ? defaultDialect : dialects.get(listenerName);
        if (dialect == null) {
            throw new IllegalArgumentException("no listener named '" + listenerName + "' (listeners: "
                    + String.join(", ", new java.util.TreeSet<>(dialects.keySet())) + ")");
        }
        IsoMessage msg;
        try {
            msg = dialect.unpack(message, 0, message.length);
        } catch (IsoException e) {
            return formatError(dialect, message, e);
        }
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        Request r = new Request(msg, message, dialect, answer);
        // What needs only the request and its terminal is checked here, on the caller's thread (the event loop), not
        // the engine's. What it found is answered by the engine, in order: a message that is no request too (its
        // "answer", none, comes after everything taken before it; tests and tools use that to wait for the engine).
        // First, so that even a refusal at the door is MACed under the terminal's key.
        admitHere(r);
        if (!accepting) {
            // Stopping: refused at the door. What was taken before is decided as usual (drain), not refused once the
            // engine thread gets to it (it was, and a drain answered most of what it waited for 91: an audit).
            refuse(r, "GATEWAY_STOPPING");
            return answer;
        }
        boolean alone = inFlight.incrementAndGet() == 1;
        answer.whenComplete((b, e) -> inFlight.decrementAndGet());
        if (thread.queued() >= maxQueued) {
            refuse(r, "ENGINE_BUSY"); // refused before the engine thread, like GATEWAY_STOPPING
            return answer;
        }
        try {
            // A lone request (nothing else in flight) is decided here, with no thread to wake; under load, in order
            // on the engine thread.
            if (alone) {
                thread.runHereOrExecute(() -> process(r));
            } else {
                thread.execute(() -> process(r));
            }
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            refuse(r, "GATEWAY_STOPPING"); // the executor is shut down
        }
        return answer;
    }

    /**
     * Answers {@code r} 91 before any decision (stopping, the engine's queue full, the projection too far behind):
     * nothing journaled, so no DE 37, but MACed under the key admission found for its terminal, as every response to a
     * terminal with a MAC key is (contract section 4). An overload audit saw these 91s without DE 64; a terminal
     * that checks response MACs takes such an answer for a forgery and may retry, or reverse, on its own.
     */
    private void refuse(Request r, String reason) {
        replies.reply(r, Outcome.of(Codes.HOST_UNAVAILABLE, reason), admittedResponseMacKey(r));
    }

    /** The key a 96 without a decision is MACed under: the decision's, once it found its terminal, else admission's. */
    private KeyHandle answerMacKey(Request r) {
        return r.terminal != null ? TerminalKeys.responseMacKey(r) : admittedResponseMacKey(r);
    }

    /**
     * The response MAC key admission found, while the terminal it was found for is still the one the working set
     * holds (a sign-on or key change since would make it a key the terminal no longer has): null otherwise, or for an
     * unknown terminal.
     */
    private KeyHandle admittedResponseMacKey(Request r) {
        TerminalState checked = r.securityCheckedFor;
        if (checked == null || !r.keysResolved) return null;
        return checked == state.publishedTerminal(r.terminalId()) ? r.responseMacKey : null;
    }

    /**
     * The request's admission on the calling thread (the event loop; a benchmark's setup): its kind and format
     * ({@link Admission}), then its keys, MAC and card ({@link TerminalAdmission}).
     */
    void admitHere(Request r) {
        if (Admission.check(r)) terminalAdmission.check(r);
    }

    /**
     * A frame that does not parse: answered 30 where the MTI can be read and names a request (a well-formed
     * response MTI exists), with nothing processed. The fields that could be read before (and around) the
     * failure are echoed like any response's (DE 11 and DE 41 above all, so a terminal with several requests in
     * flight can match the answer). No DE 37 (nothing is journaled). MACed under the TAK of the terminal DE 41 names,
     * as every response to a terminal with a TAK is (contract section 4): the echoed fields are those any request
     * chooses, and a request with a wrong MAC already gets a MACed 63 over them, so this hands out nothing new. The
     * terminal's keys are the engine thread's, so the answer is packed there. A DUKPT terminal's answer has no MAC:
     * its key would come from a KSN read out of a frame that does not parse.
     */
    private CompletableFuture<byte[]> formatError(Dialect dialect, byte[] message, IsoException e) {
        long started = System.nanoTime();
        IsoMessage resp = UnparseableFrame.answer(dialect, message, e);
        if (resp == null) return CompletableFuture.completedFuture(null);
        String terminalId = resp.getString(41);
        String requestMti = dialect.peekMti(message, 0, message.length);
        TxnType type = MessageKind.classify(requestMti, resp.getString(3), resp.getString(70));
        // Logged only when DE 41 names a terminal the gateway knows: out of a broken frame, "DE 41" and "DE 11" may be
        // any of its bytes, the card number's among them (a black-box audit pieced a PAN's masked digits together
        // from such lines: terminal=56789012)
        boolean known = terminalId != null && state.publishedTerminal(terminalId.trim()) != null;
        replies.answeredUnparsed(requestMti, type == null ? null : type.name(), known ? terminalId.trim() : null,
                known ? resp.getString(11) : null, resp.getString(44), started);
        // No terminal named, or the engine's queue full (a flood of bad frames must not make the event loop wait for
        // room in the ring): answered here, without a MAC.
        if (terminalId == null || thread.queued() >= maxQueued) {
            return CompletableFuture.completedFuture(UnparseableFrame.pack(dialect, resp, e, null, security));
        }
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                KeyHandle tak = null;
                try {
                    TerminalState t = state.terminal(terminalId);
                    if (t != null && t.tak() != null) tak = keys.key(KeyType.TAK, t.tak());
                } catch (RuntimeException lookupFailed) {
                    log.warn("terminal {}: no key for the answer to a frame that does not parse: {}", terminalId, lookupFailed.toString());
                }
                answer.complete(UnparseableFrame.pack(dialect, resp, e, tak, security));
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            answer.complete(UnparseableFrame.pack(dialect, resp, e, null, security)); // stopping: what can be said without the engine
        }
        return answer;
    }

    // ------------------------------------------------------------------ engine thread

    private void process(Request r) {
        try {
            commits.applyWriterFailures();
            r.now = clock.instant();
            if (Duration.between(lastSweep, r.now).getSeconds() >= 1) {
                lastSweep = r.now;
                state.beginSweep(r.now); // the rows leave a slice at a time, after requests (below)
            }
            if (!r.prefetchDone) {
                // Those already waiting go first (a terminal's requests stay in order), then this one.
                if (hold.holding()) releaseHeld();
                if (hold.holding() || state.projectionTooFarBehind()) {
                    // The tables are more than the lag limit behind the journal: the working set cannot let anything
                    // go, so new work would grow it without bound. It waits a moment for the projection (a burst),
                    // and is refused if the projection does not catch up (its database down) or too many wait.
                    if (!hold.hold(r, System.nanoTime())) refuse(r, "PROJECTION_BEHIND");
                    return;
                }
            }
            admit(r);
        } catch (io.switchgate.store.ConcurrentUpdateException e) {
            if (r.redecisions >= MAX_REDECISIONS) {
                racesLost(r, e);
                return;
            }
            // Another node changed a row this decision was reading (several nodes share the store): as when a commit
            // loses such a race.
            commits.decideAgainOnFreshState(r, e.getMessage());
        } catch (RuntimeException e) {
            failed(r, e);
        } finally {
            sweepSlice();
        }
    }

    /**
     * A slice of the working set's sweep, after a request was decided (a lone request's answer is out by then): a
     * second's evictions at once stopped the engine for milliseconds at 10,000 sales/s (SweepBenchmark).
     */
    private void sweepSlice() {
        if (!state.sweeping()) return;
        try {
            state.sweepSome(EngineState.SWEEP_SLICE);
        } catch (RuntimeException e) {
            log.error("working set sweep failed: {}", e.toString()); // nothing was decided on it; the next second retries
        }
    }

    /** The prefetch stage if the request needs it, else the decision (engine thread). */
    private void admit(Request r) {
        if (prefetchStep.sentToPrefetch(r)) return;
        decide(r);
    }

    private void failed(Request r, RuntimeException e) {
        failed(r, e, "SYSTEM_ERROR");
    }

    /**
     * A request that lost every race it was allowed ({@link #MAX_REDECISIONS}) to rows another node kept changing: 96
     * {@code CONCURRENT_UPDATE}, as when its commit loses them (it said SYSTEM_ERROR with an ERROR line: a re-audit,
     * sales racing settlements every 20 ms on the other node).
     */
    private void racesLost(Request r, io.switchgate.store.ConcurrentUpdateException e) {
        log.warn("terminal {} stan {}: lost its last allowed race ({}); answering 96 CONCURRENT_UPDATE", r.terminalId(),
                r.stan(), e.getMessage());
        failed(r, null, "CONCURRENT_UPDATE");
    }

    private void failed(Request r, RuntimeException e, String reason) {
        // Never a stack trace with card data: the class and message of our own exceptions name no PAN.
        if (e != null) log.error("engine failure on terminal {} stan {}: {}", r.terminalId(), r.stan(), e.toString());
        commits.dropUncommitted();
        // Like every request that reached the engine, it gets an RRN and a record of its 96 (contract section 4), unless
        // it was already on its way to the journal (then that record, or its own failure, answers it).
        boolean journaling = r.answer.isDone() || commits.pending(r.assignedRrn());
        if (r.type != null && !journaling) {
            try {
                // With its duplicate key when it got that far: its retransmission hears this 96 again rather than being
                // decided a second time (the failure may have come after a host was asked).
                TxnRecord rec = screenedRecord(r, Codes.SYSTEM_MALFUNCTION, reason);
                if (r.dupKey != null) rec = rec.withDuplicateKey(r.dupKey, r.fingerprint);
                journalAlone(r, rec);
                return;
            } catch (RuntimeException again) {
                log.error("terminal {} stan {}: its 96 could not be journaled either: {}", r.terminalId(), r.stan(), again.toString());
            }
        }
        replies.reply(r, Outcome.of(Codes.SYSTEM_MALFUNCTION, reason), answerMacKey(r));
    }

    /** {@code prior} is a reversal answered 96 without a decision, and {@code r} repeats it. */
    private static boolean reversalAnsweredWithoutADecision(TxnRecord prior, Request r) {
        return r.type == TxnType.REVERSAL && prior.undecidedReversal()
                && DuplicateIndex.sameRequest(prior.fingerprint(), r.fingerprint);
    }

    /** Admits what waited for the projection, as far as it allows (engine thread: each new request, and the tick). */
    private void releaseHeld() {
        hold.release(state::projectionTooFarBehind, accepting, System.nanoTime(), h -> {
            try {
                h.now = clock.instant(); // decided now, not when it arrived
                admit(h);
            } catch (RuntimeException e) {
                failed(h, e);
            }
        }, h -> refuse(h, "PROJECTION_BEHIND"), h -> refuse(h, "GATEWAY_STOPPING"));
    }

    /**
     * Decides {@code r} on the calling thread, as the engine thread would: for measuring the decision alone
     * (benchmarks). The caller must be the only thread deciding, with nothing queued for the engine thread.
     */
    void decideHere(Request r) {
        process(r);
    }

    /**
     * Loads the working set (terminals, merchants, and the last 24 hours' duplicate keys from the store) on the engine
     * thread and waits for it: the start does it before the listeners open. Left to the first request, as before, a
     * black-box audit saw that request's event loop scan 767,000 rows for 12 s after "ready", with {@code /health} UP,
     * and every connection on that loop wait with it.
     */
    public void loadWorkingSet() {
        CompletableFuture<Integer> loaded = new CompletableFuture<>();
        long started = System.nanoTime();
        thread.execute(() -> {
            try {
                loaded.complete(state.load());
            } catch (RuntimeException e) {
                loaded.completeExceptionally(e);
            }
        });
        int keys;
        try {
            keys = loaded.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
        log.info("working set loaded: {} duplicate key(s) of the last 24 hours in {} ms", keys,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Whether the working set is loaded (tests; a request or {@link #loadWorkingSet} loads it). */
    boolean workingSetLoaded() {
        CompletableFuture<Boolean> seen = new CompletableFuture<>();
        thread.execute(() -> seen.complete(state.loaded()));
        return seen.join();
    }

    /** Runs {@code task} on the engine thread, after what is queued (tests: hold the thread at a chosen point). */
    void runOnEngineThread(Runnable task) {
        thread.execute(task);
    }

    private void backToEngine(Request r) {
        try {
            thread.execute(() -> process(r));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            replies.reply(r, Outcome.of(Codes.HOST_UNAVAILABLE, "GATEWAY_STOPPING"), answerMacKey(r));
        }
    }

    /**
     * Every request that reaches this point is answered with DE 11, 41 (as received) and DE 37, and is journaled
     * with its outcome. Requests refused before the duplicate check (format, unknown terminal, MAC, duplicate 94)
     * are journaled "screened": they keep no duplicate key and name no original, so they never stand in for the
     * real request (its retransmission still replays its own answer; a correctly MACed request after a 63 is
     * processed) and no reversal can find them. The response carries a MAC whenever the terminal has a MAC key.
     */
    private void decide(Request r) {
        IsoMessage m = r.msg;
        String mti = m.getMti();
        if (!Admission.check(r)) { // done on the event loop already (unless the request came another way: benchmarks)
            // Not a request (a response MTI, or not four digits): nothing to answer, nothing journaled.
            r.answer.complete(null);
            return;
        }
        // Known terminal and its keys first, so that even a format error's answer is MACed for it. The keys and MAC
        // the event loop found stand if they were found for this very terminal; else they are found again here.
        r.terminal = state.terminal(r.terminalId());
        boolean checkedEarly = r.terminal != null && r.securityCheckedFor == r.terminal;
        if (!checkedEarly && r.securityCheckedFor != null) {
            r.securityCheckedFor = null;
            r.macKey = null;
            r.responseMacKey = null;
            r.pinKey = null;
        }
        boolean keysResolved = r.terminal == null || (checkedEarly ? r.keysResolved : keys.resolve(r));
        // From here the keys are the decision's own: the terminal may change in it (a registered terminal's first
        // sale activates it) and its answer is still MACed under them (TerminalKeys.responseMacKey)
        r.securityCheckedFor = null;
        Decline d = r.formatDecline;
        if (d != null) {
            screened(r, d.code(), d.reason());
            return;
        }
        if (r.terminal == null) {
            screened(r, Codes.NOT_PERMITTED_TO_TERMINAL, "UNKNOWN_TERMINAL");
            return;
        }
        if (!keysResolved) {
            screened(r, Codes.FORMAT_ERROR, r.msg.hasField(62) ? "BAD_FIELD_62" : "MISSING_FIELD_62");
            return;
        }
        boolean macValid = checkedEarly ? r.macValid : keys.macValid(r);
        // a retransmitted sign-on is MACed under the keys it replaced: its answer is the first one again
        if (r.type == TxnType.SIGNON && signOn.replayed(r)) return;
        if (!macValid) {
            screened(r, Codes.SECURITY_VIOLATION, "MAC_INVALID");
            return;
        }
        if (r.type == TxnType.ECHO) {
            network(r);
            return;
        }
        if (r.type == TxnType.SIGNON) {
            // contract section 5: suspended and returned terminals are refused 58; a sign-on would issue them keys
            Decline refused = TerminalRule.check(r.terminal, r.type);
            // a DUKPT terminal's sign-on (one with a TMK too) from another device of its BDK would replace its keys
            if (refused == null && r.terminal.bdk() != null) refused = ksnGuard.check(r.terminal.id(), m.getString(62), macCarried(m));
            if (refused != null) {
                screened(r, refused.code(), refused.reason());
                return;
            }
            signOn.decide(r, state);
            return;
        }
        if (r.namesCard()) {
            if (r.readCard() == null) {
                screened(r, Codes.FORMAT_ERROR, "BAD_FIELD_35");
                return;
            }
            if (r.panHash == null) r.panHash = panHasher.hash(r.card.pan());
        }
        String de4 = m.getString(4);
        r.amount = de4 == null ? 0 : FormatCheck.parseAmount(de4);
        // Found at admission for a request with a card (the event loop's work); the same strings either way.
        r.dupKey = r.admittedDupKey != null ? r.admittedDupKey : DuplicateIndex.keyOf(r.terminal.id(), mti, r.stan(), m.getString(7));
        r.fingerprint = r.admittedFingerprint != null ? r.admittedFingerprint
                : DuplicateIndex.fingerprintOf(m, r.panHash);

        Request inFlightTwin = state.atHostWithKey(r.dupKey);
        if (inFlightTwin != null) {
            // The same request is waiting for a host: decide this one again once that one is answered.
            decideAfter(java.util.List.of(inFlightTwin), r);
            return;
        }
        TxnRecord prior = state.answered(r.terminal.id(), r.stan(), r.dupKey, r.now, r.dupChecked);
        r.dupChecked = null;
        if (prior != null && reversalAnsweredWithoutADecision(prior, r)) {
            // A reversal answered 96 decided nothing (a race lost every time, a journal fault): its repeat (0401, 0421)
            // is decided, not told 96 again. Replayed, a terminal repeating it the standard way could never undo its
            // sale (a re-audit on two PostgreSQL nodes: 6 of 6 such sales stayed debited). Nothing of the first was
            // committed but its 96, so nothing is undone twice; the new record takes the duplicate key over.
            log.info("terminal {} stan {}: the reversal was answered 96 {} ({}); its repeat is decided", r.terminal.id(),
                    r.stan(), prior.reason(), prior.rrn());
            prior = null;
        }
        if (prior != null) {
            if (DuplicateIndex.sameRequest(prior.fingerprint(), r.fingerprint)) {
                commits.replay(r, prior);
            } else {
                screened(r, Codes.DUPLICATE, "DUPLICATE_TRANSMISSION");
            }
            return;
        }
        // after the duplicate check: a retransmission is answered as the first request was, whatever its KSN
        d = r.terminal.bdk() == null ? null : ksnGuard.check(r.terminal.id(), m.getString(62), macCarried(m));
        if (d != null) {
            screened(r, d.code(), d.reason());
            return;
        }
        d = TerminalRule.check(r.terminal, r.type);
        MerchantState merchant = null;
        if (d == null) {
            merchant = state.merchant(r.terminal.merchantId());
            d = MerchantRule.check(r.merchantId(), r.terminal, merchant, r.type);
        }
        String originalRrn = null;
        if (d == null && r.namesCard()) {
            d = MerchantCurrencyRule.check(r.currency(), merchant == null ? null : merchant.currencies());
            if (d == null && (r.type == TxnType.REFUND || r.type == TxnType.VOID)) {
                TxnRecord original = state.txn(m.getString(37).trim());
                d = CurrencyRule.check(r.currency(), original);
                if (original != null) originalRrn = original.rrn();
            }
        }
        if (d != null) {
            if (originalRrn == null && (r.type == TxnType.REFUND || r.type == TxnType.VOID)) {
                // refused before its sale was looked at (terminal, merchant, currency): the record still names the
                // sale, so the admin API lists the refusal with it, as it lists the refusals made after the lookup
                String named = m.getString(37);
                TxnRecord original = named == null || named.isBlank() ? null : state.txn(named.trim());
                if (original != null) originalRrn = original.rrn();
            }
            steps.journalUnchanged(r, Verdict.declined(d).on(originalRrn, null));
            return;
        }
        Flow flow = flows.get(r.type);
        if (flow == null) {
            replies.reply(r, Outcome.of(Codes.INVALID_TRANSACTION, "UNSUPPORTED_MESSAGE"), TerminalKeys.responseMacKey(r));
            return;
        }
        flow.decide(r, state);
    }

    /** Decides {@code r} again, on the engine thread, once every one of {@code others} has been answered. */
    private void decideAfter(java.util.List<Request> others, Request r) {
        CompletableFuture<?>[] answers = new CompletableFuture<?>[others.size()];
        for (int i = 0; i < answers.length; i++) answers[i] = others.get(i).answer;
        CompletableFuture.allOf(answers).whenComplete((v, e) -> onEngine(r, () -> process(r)));
    }

    // ------------------------------------------------------------------ authorizers

    /**
     * Runs {@code task} for {@code r} on the engine thread. If the engine no longer takes work (stopped, or its queue
     * is full), the request is answered 96 at once: nothing will decide it, and a host approval it holds is reversed.
     */
    private void onEngine(Request r, Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    commits.applyWriterFailures();
                    task.run();
                } catch (io.switchgate.store.ConcurrentUpdateException e) {
                    // another node changed what the continuation read (its terminal's batch settled there while a host
                    // decided): decided again on fresh state, the host's answer kept, as a commit's lost race is. It
                    // was answered 96 SYSTEM_ERROR (a re-audit: 15 in 1,637 sales racing settlements on another node)
                    if (r.answer.isDone() || commits.pending(r.assignedRrn())) {
                        log.error("engine failure on terminal {} stan {} after its answer was on its way: {}", r.terminalId(),
                                r.stan(), e.toString());
                        commits.dropUncommitted();
                    } else if (r.redecisions >= MAX_REDECISIONS) {
                        racesLost(r, e);
                    } else {
                        commits.decideAgainOnFreshState(r, e.getMessage());
                    }
                } catch (RuntimeException e) {
                    log.error("engine failure on terminal {} stan {}: {}", r.terminalId(), r.stan(), e.toString());
                    commits.dropUncommitted();
                    replies.reply(r, Outcome.of(Codes.SYSTEM_MALFUNCTION, "SYSTEM_ERROR"), answerMacKey(r));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            log.warn("terminal {} stan {}: the engine no longer takes work; answering 96 GATEWAY_STOPPING (lost if its"
                    + " connection has closed already: a drain that ran out closes them)", r.terminalId(), r.stan());
            replies.reply(r, Outcome.of(Codes.SYSTEM_MALFUNCTION, "GATEWAY_STOPPING"), answerMacKey(r));
        }
    }

    // ------------------------------------------------------------------ journal and reply

    /**
     * Journals a request answered before (or instead of) its processing: format errors, unknown terminal, MAC
     * failures, duplicates answered 94, echo and sign-on. It gets an RRN and a record, and its answer leaves once
     * that record is committed, MACed when the terminal has a MAC key. It changes nothing else.
     */
    private void screened(Request r, String code, String reason) {
        journalAlone(r, screenedRecord(r, code, reason));
    }

    /** The record of a screened request (see {@link TxnRecords#screened}). */
    private TxnRecord screenedRecord(Request r, String code, String reason) {
        return TxnRecords.screened(r, r.rrn(rrns), nodeId, code, reason);
    }

    /**
     * An echo, or a sign-on that issues no keys: {@code 00}, journaled screened. A retransmission of the terminal's last
     * one of that kind (same DE 11 and DE 7) hears that answer again, same DE 37 and 38 (contract section 5). Terminals
     * echo every minute or so when idle, so these stay out of the 24-hour duplicate index, which they would fill; the
     * one a terminal resends because it lost the answer is its last (kept in the working set, forgotten with it).
     */
    private void network(Request r) {
        TxnRecord last = state.lastNetwork(r.terminal.id(), r.type);
        if (last != null && last.stan().equals(r.stan()) && java.util.Objects.equals(last.transmissionTime(), r.msg.getString(7))) {
            commits.replay(r, last);
            return;
        }
        TxnRecord rec = screenedRecord(r, Codes.APPROVED, null);
        state.networkAnswered(rec);
        journalAlone(r, rec);
    }

    /** Journals {@code rec}, a record that changes nothing else, and answers with its code and reason once committed. */
    private void journalAlone(Request r, TxnRecord rec) {
        state.put(rec);
        commits.commitAndReply(r, new Outcome(rec.responseCode(), rec.reason(), rec.authCode(), rec, null, null), new ChangeSet().txn(rec), rec.rrn());
    }

    /** Journals a flow's verdict as the request's record (with the flow's changes) and answers once it is committed. */
    private void journal(Request r, ChangeSet cs, Verdict v) {
        CardAccount known = state.cachedCard(r.panHash);
        if (known != null) {
            // the card's own strings: the record, kept by the working set, then holds no copies of its own
            r.panHash = known.panHash();
            r.adoptMaskedPan(known.maskedPan());
        }
        TxnRecord rec = TxnRecords.decided(r, r.rrn(rrns), nodeId, v, r.currency(), recordCodes);
        state.put(rec);
        cs.txn(rec);
        commits.commitAndReply(r, new Outcome(v.code(), v.reason(), rec.authCode(), rec, v.balance(), null), cs, rec.rrn());
    }

    // ------------------------------------------------------------------ operator actions

    /** Changes a terminal's status (admin API), recorded in its audit trail; null if there is no such terminal. */
    public CompletableFuture<TerminalState> changeTerminalStatus(String id, TerminalStatus status, String reason) {
        return operatorChange(now -> OperatorChanges.terminalStatus(state, id, status, reason, now));
    }

    /**
     * Resets a terminal that lost its keys (admin API): it keeps its TMK and loses its TPK and TAK, so its next
     * sign-on needs no MAC and is issued new working keys. Null if there is no such terminal.
     */
    public CompletableFuture<TerminalState> resetTerminalKeys(String id, String reason) {
        CompletableFuture<TerminalState> reset = operatorChange(now -> OperatorChanges.resetKeys(state, id, reason, now));
        // once the reset is committed: a DUKPT terminal's next device binds here (its PIN pad replaced)
        return reset.thenApply(t -> {
            if (t != null) thread.execute(() -> ksnGuard.forget(id));
            return t;
        });
    }

    /**
     * True if the request carries a MAC (DE 64 or 128): by the time it is asked, a MAC carried was verified, so its
     * KSN is the device's own and may bind the terminal ({@link KsnGuard}); a request without one (a terminal whose
     * {@code macRequired} is false) proves no device.
     */
    private static boolean macCarried(io.switchgate.iso.IsoMessage m) {
        return m.hasField(64) || m.hasField(128);
    }

    /**
     * Undoes here, at start, a transaction whose undo (a void or reversal) its host had when the gateway stopped and
     * the journal does not show ({@link io.switchgate.route.Authorizer#undoneWhileStopped}): the host has it undone
     * for certain now (its 0420 released), so the sale's status, batch and refundable amount follow, with a record of
     * the reversal itself (reason {@code UNDONE_AT_HOST_ON_RESTART}, no terminal request behind it: no duplicate
     * key). Before, the kill left the sale approved here and reversed at the host, and a later refund credited the
     * card a second time (an outside audit). Completes with false if there was nothing to undo (not approved, or gone).
     * For a host's transaction only: the embedded authorizer's card balances are its undo's to restore, not this.
     */
    /** The reason of the reversal record {@link #undoAfterRestart} journals. */
    public static final String UNDONE_AT_RESTART = "UNDONE_AT_HOST_ON_RESTART";

    public CompletableFuture<Boolean> undoAfterRestart(String originalRrn) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                commits.applyWriterFailures();
                TxnRecord original = state.txn(originalRrn);
                if (original == null || original.status() != io.switchgate.model.TxnStatus.APPROVED || !original.approved()
                        || !EmbeddedAuthorizer.isUpstreamHost(original.host())) {
                    result.complete(false);
                    return;
                }
                Instant now = clock.instant();
                ChangeSet cs = new ChangeSet();
                ((ReversalFlow) flows.get(TxnType.REVERSAL)).undone(state, original, cs, now);
                TxnRecord undone = new TxnRecord(rrns.next(), nodeId, TxnType.REVERSAL, "0420", original.processingCode(),
                        original.terminalId(), original.merchantId(), null, null, null, null, original.amount(),
                        original.currency(), original.panHash(), original.maskedPan(), Codes.APPROVED,
                        UNDONE_AT_RESTART, original.authCode(), io.switchgate.model.TxnStatus.APPROVED, 0,
                        original.rrn(), original.stan(), original.batchNo(), original.host(), null, null, now, now, 1);
                state.put(undone);
                cs.txn(undone);
                commits.submitOperatorChange(cs).whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(true);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The reason of the record {@link #recordLostHostAnswer} journals. */
    public static final String HOST_ANSWER_LOST = "HOST_ANSWER_LOST";

    /**
     * Journals, at start, a request a host had when the gateway stopped and whose answer no record shows (see
     * {@link io.switchgate.route.LostHostAnswer}): declined {@code 91 HOST_ANSWER_LOST}, under the RRN the host saw and
     * the request's duplicate key, so that its retransmission hears that answer instead of going to the host again.
     * Completes with false if a record of that RRN is there already (nothing to do).
     */
    public CompletableFuture<Boolean> recordLostHostAnswer(io.switchgate.route.LostHostAnswer l) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                commits.applyWriterFailures();
                if (state.txn(l.rrn()) != null) {
                    result.complete(false);
                    return;
                }
                Instant now = clock.instant();
                TerminalState t = state.terminal(l.terminalId());
                String pc = l.processingCode();
                TxnType type = MessageKind.classify(l.mti(), pc, null); // a hold is a sale's or a refund's
                if (type == null) type = TxnType.SALE;
                TxnRecord lost = new TxnRecord(l.rrn(), nodeId, type, l.mti(), pc, l.terminalId(), l.merchantId(), l.stan(),
                        l.transmissionTime(), l.dupKey(), l.fingerprint(), l.amount(), l.currency(), l.panHash(), l.maskedPan(),
                        Codes.HOST_UNAVAILABLE, HOST_ANSWER_LOST, null, io.switchgate.model.TxnStatus.DECLINED, 0,
                        l.originalRrn(), null, t == null ? 0 : t.batchNo(), l.host(), null, null, now, now, 1);
                state.put(lost);
                ChangeSet cs = new ChangeSet();
                cs.txn(lost);
                commits.submitOperatorChange(cs).whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(true);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Changes a merchant's status (admin API), recorded in its audit trail; null if there is no such merchant. */
    public CompletableFuture<MerchantState> changeMerchantStatus(String id, MerchantStatus status, String reason) {
        return operatorChange(now -> OperatorChanges.merchantStatus(state, id, status, reason, now));
    }

    /**
     * Runs an operator's change on the engine thread (like any request, so it cannot race one) and completes
     * once it is committed; a failed commit reloads the working set.
     */
    private <T> CompletableFuture<T> operatorChange(java.util.function.Function<Instant, OperatorChanges.Change<T>> change) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                commits.applyWriterFailures();
                OperatorChanges.Change<T> c = change.apply(clock.instant());
                if (c == null) {
                    result.complete(null);
                    return;
                }
                commits.submitOperatorChange(c.changes()).whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(c.updated());
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Commits the working set counts as in flight ({@link CommitHorizon}): what holds its rows back from eviction. One
     * that stays up means a commit that does not end (a journal or database that hangs), and a working set that grows.
     */
    public int commitsInFlight() {
        return state.commitHorizon.inFlight();
    }

    /** Decisions taken again because one lost a race (several nodes on one store, or a failed commit), since the start. */
    public long lostRaces() {
        return commits.lostRaces();
    }

    /** Transactions the working set holds now (read from any thread: a gauge, not exact while the engine works). */
    public int workingSetRows() {
        return state.cachedTransactions();
    }

    /** Waits until every request taken so far is answered, up to {@code timeout}. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * Stops taking requests, waits up to {@code idle} for those taken to be answered (what waits for the projection is
     * answered by the tick meanwhile), then stops. An answer that comes from a host after that is not committed: the
     * request hears 96 (if anyone still listens), and a host approval gets its stored reversal (see
     * {@link Replies#release}). A server whose drain gave up passes zero: its terminals are gone, and an approval
     * committed then would be money taken for an answer nobody hears.
     */
    public void close(Duration idle) {
        accepting = false;
        if (statusRefresher != null) statusRefresher.close();
        awaitIdle(idle);
        if (holdTick != null) holdTick.shutdownNow();
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        prefetch.close();
    }
}
