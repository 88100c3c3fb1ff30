package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoException;
import io.switchgate.iso.IsoMessage;
import io.switchgate.policy.Codes;
import io.switchgate.policy.Decline;
import io.switchgate.policy.LateOriginalRule;
import io.switchgate.policy.MerchantRule;
import io.switchgate.policy.RefundCheck;
import io.switchgate.policy.RefundRules;
import io.switchgate.policy.ReversalRules;
import io.switchgate.policy.SettlementRule;
import io.switchgate.policy.TerminalRule;
import io.switchgate.policy.VoidRules;
import io.switchgate.route.AuthRequest;
import io.switchgate.route.AuthResult;
import io.switchgate.route.Authorizer;
import io.switchgate.route.CardData;
import io.switchgate.route.EmbeddedAuthorizer;
import io.switchgate.route.Router;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SignOnKeys;
import io.switchgate.store.BatchState;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.GroupCommitWriter;
import io.switchgate.store.MerchantDayTotal;
import io.switchgate.store.MerchantState;
import io.switchgate.store.MerchantStatus;
import io.switchgate.store.StatusEvent;
import io.switchgate.store.TerminalState;
import io.switchgate.store.TerminalStatus;
import io.switchgate.store.TxnRecord;
import io.switchgate.store.TxnStatus;
import io.switchgate.store.TxnType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The transaction engine: message in, decision, journal, response out.
 *
 * <p>Parsing happens on the caller's (event loop) thread; every decision runs on one engine thread that
 * owns all mutable state ({@link EngineState}), so balances, refundable amounts and batches are changed
 * by exactly one writer with no read-then-write race. Each request's changes go to the group-commit
 * writer; its response is released only when that group is committed. The engine thread never waits
 * for a commit, so many requests are decided while earlier ones are being made durable.
 */
public final class Engine implements MessageHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final String nodeId;
    private final Map<String, Dialect> dialects;
    private final Dialect defaultDialect;
    private final GroupCommitWriter writer;
    private final SecurityModule security;
    private final PanHasher panHasher;
    private final Router router;
    private final Map<String, Authorizer> authorizers = new HashMap<>();
    private final EngineState state;
    private final RrnAllocator rrns;
    private final Clock clock;
    private final ZoneId zone;
    private final ExecutorService thread;
    /**
     * The engine thread's queue. New requests are admitted only while it holds fewer than {@link #maxQueued} tasks
     * (else {@code 91 ENGINE_BUSY}); the engine's own continuations (host answers, retries, operator changes) are
     * always queued, so a full queue never loses an answer that is already under way.
     */
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    /**
     * 65,536 requests are about 5 s of work at the ~12,000 tps measured (docs/benchmarks.md), inside a terminal's
     * usual 30-60 s timeout; beyond that a terminal is better served by an immediate 91 it can retry than by an answer
     * after it gave up, and memory stays bounded (each queued request holds its message, a few KB) when terminals
     * send faster than the engine decides. {@code -Dgateway.engine.maxQueued=N} changes it.
     */
    static final int DEFAULT_MAX_QUEUED = 65_536;
    private final int maxQueued = Math.max(1, Integer.getInteger("gateway.engine.maxQueued", DEFAULT_MAX_QUEUED));
    private final Map<String, KeyHandle> keys = new HashMap<>();
    /** RRN -> commit of the change set that created it, while in flight (duplicate replays wait on it). */
    private final Map<String, CompletableFuture<Void>> pendingCommits = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile EngineListener listener = EngineListener.NONE;
    private volatile boolean accepting = true;
    private Instant lastSweep = Instant.EPOCH;

    public Engine(EngineSetup setup) {
        this.nodeId = setup.nodeId();
        this.dialects = Map.copyOf(setup.dialectsByListener());
        this.defaultDialect = setup.defaultDialect();
        this.writer = setup.writer();
        this.security = setup.security();
        this.panHasher = setup.panHasher();
        this.router = setup.router();
        this.clock = setup.clock();
        this.zone = setup.zone();
        this.state = new EngineState(setup.store(), setup.clock().instant(), setup.sharedByNodes());
        this.rrns = new RrnAllocator(nodeId, setup.store());
        Authorizer embedded = new EmbeddedAuthorizer(state, security);
        authorizers.put(embedded.name(), embedded);
        for (Authorizer a : setup.hostAuthorizers()) authorizers.put(a.name(), a);
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, "engine");
            t.setDaemon(true);
            return t;
        });
    }

    public void setListener(EngineListener listener) {
        this.listener = listener == null ? EngineListener.NONE : listener;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** New requests are answered 91 from now on (the gateway is stopping); in-flight ones complete. */
    public void stopAccepting() {
        accepting = false;
    }

    // ------------------------------------------------------------------ entry

    @Override
    public CompletableFuture<byte[]> handle(byte[] message, String listenerName) {
        Dialect dialect = listenerName == null ? defaultDialect : dialects.getOrDefault(listenerName, defaultDialect);
        IsoMessage msg;
        try {
            msg = dialect.unpack(message, 0, message.length);
        } catch (IsoException e) {
            return CompletableFuture.completedFuture(formatErrorResponse(dialect, message, e));
        }
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        Request r = new Request(msg, message, dialect, answer);
        inFlight.incrementAndGet();
        answer.whenComplete((b, e) -> inFlight.decrementAndGet());
        if (queue.size() >= maxQueued) {
            reply(r, Outcome.of(Codes.HOST_UNAVAILABLE, "ENGINE_BUSY"), null); // refused before the engine thread, like GATEWAY_STOPPING
            return answer;
        }
        try {
            thread.execute(() -> process(r));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            reply(r, Outcome.of(Codes.HOST_UNAVAILABLE, "GATEWAY_STOPPING"), null); // the executor is shut down
        }
        return answer;
    }

    /** A frame that does not parse: answered 30 where the MTI can be read, with nothing processed. */
    private static byte[] formatErrorResponse(Dialect dialect, byte[] message, IsoException e) {
        String mti = dialect.peekMti(message, 0, message.length);
        if (mti == null || responseMti(mti) == null) return null;
        try {
            IsoMessage resp = new IsoMessage(responseMti(mti));
            resp.set(39, Codes.FORMAT_ERROR);
            resp.set(44, e.field() > 0 ? "BAD_FIELD_" + e.field() : "BAD_MESSAGE");
            return dialect.pack(resp);
        } catch (RuntimeException packFailed) {
            return null;
        }
    }

    static String responseMti(String mti) {
        if (mti.length() != 4) return null;
        char c = mti.charAt(2);
        if (c < '0' || c > '9' || (c - '0') % 2 != 0) return null;
        return mti.substring(0, 2) + (char) (c + 1) + mti.charAt(3);
    }

    // ------------------------------------------------------------------ engine thread

    private void process(Request r) {
        try {
            r.now = clock.instant();
            if (Duration.between(lastSweep, r.now).getSeconds() >= 1) {
                lastSweep = r.now;
                state.sweep(r.now);
            }
            if (!accepting) {
                reply(r, Outcome.of(Codes.HOST_UNAVAILABLE, "GATEWAY_STOPPING"), null);
                return;
            }
            decide(r);
        } catch (RuntimeException e) {
            // Never a stack trace with card data: the class and message of our own exceptions name no PAN.
            log.error("engine failure on terminal {} stan {}: {}", r.terminalId(), r.stan(), e.toString());
            state.invalidate();
            reply(r, Outcome.of(Codes.SYSTEM_MALFUNCTION, "SYSTEM_ERROR"), null);
        }
    }

    private void decide(Request r) {
        IsoMessage m = r.msg;
        String mti = m.getMti();
        r.type = MessageKind.classify(mti, m.getString(3), m.getString(70));
        if (r.type == null && ("0200".equals(mti) && !m.hasField(3) || "0800".equals(mti) && !m.hasField(70))) {
            reply(r, Outcome.of(Codes.FORMAT_ERROR, "MISSING_FIELD_" + ("0200".equals(mti) ? 3 : 70)), null);
            return;
        }
        if (r.type == null) {
            reply(r, Outcome.of(Codes.INVALID_TRANSACTION, "UNSUPPORTED_MESSAGE"), null);
            return;
        }
        Decline d = FormatCheck.check(r.type, m);
        if (d != null) {
            reply(r, Outcome.of(d.code(), d.reason()), null);
            return;
        }
        r.terminal = state.terminal(r.terminalId());
        if (r.terminal == null) {
            reply(r, Outcome.of(Codes.NOT_PERMITTED_TO_TERMINAL, "UNKNOWN_TERMINAL"), null);
            return;
        }
        if (!resolveKeys(r)) {
            reply(r, Outcome.of(Codes.FORMAT_ERROR, "BAD_FIELD_62"), null);
            return;
        }
        if (!macValid(r)) {
            reply(r, Outcome.of(Codes.SECURITY_VIOLATION, "MAC_INVALID"), null);
            return;
        }
        if (r.type == TxnType.ECHO) {
            reply(r, Outcome.of(Codes.APPROVED, null), null);
            return;
        }
        if (r.type == TxnType.SIGNON) {
            signOn(r);
            return;
        }
        if (r.type == TxnType.SALE || r.type == TxnType.BALANCE || r.type == TxnType.REFUND || r.type == TxnType.VOID) {
            r.card = CardData.from(m.getString(2), m.getString(35), m.getString(14));
            if (r.card == null) {
                reply(r, Outcome.of(Codes.FORMAT_ERROR, "BAD_FIELD_35"), null);
                return;
            }
            r.panHash = panHasher.hash(r.card.pan());
        }
        String de4 = m.getString(4);
        r.amount = de4 == null ? 0 : FormatCheck.parseAmount(de4);
        r.dupKey = r.terminal.id() + '|' + mti.charAt(1) + '|' + r.stan() + '|' + m.getString(7);
        r.fingerprint = m.getString(3) + '|' + (de4 == null ? "" : de4) + '|' + (r.panHash == null ? "" : r.panHash);

        Request inFlightTwin = state.awaitingHost.get(r.dupKey);
        if (inFlightTwin != null) {
            // The same request is waiting for a host: decide this one again once that one is answered.
            inFlightTwin.answer.whenCompleteAsync((b, e) -> process(r), thread);
            return;
        }
        TxnRecord prior = state.answered(r.terminal.id(), r.stan(), r.dupKey, r.now);
        if (prior != null) {
            if (prior.fingerprint().equals(r.fingerprint)) replay(r, prior);
            else reply(r, Outcome.of(Codes.DUPLICATE, "DUPLICATE_TRANSMISSION"), null);
            return;
        }
        d = TerminalRule.check(r.terminal, r.type);
        if (d == null) {
            MerchantState merchant = state.merchant(r.terminal.merchantId());
            d = MerchantRule.check(r.merchantId(), r.terminal, merchant, r.type);
        }
        if (d != null) {
            declineJournaled(r, d, null, null);
            return;
        }
        switch (r.type) {
            case SALE -> sale(r);
            case BALANCE -> balance(r);
            case REFUND -> refund(r);
            case VOID -> voidSale(r);
            case REVERSAL -> reversal(r);
            case SETTLEMENT -> settlement(r);
            default -> reply(r, Outcome.of(Codes.INVALID_TRANSACTION, "UNSUPPORTED_MESSAGE"), null);
        }
    }

    // ------------------------------------------------------------------ security step

    private KeyHandle key(KeyType type, String stored) {
        if (stored == null) return null;
        // Keyed on role and value: the same key material configured for two roles gets two handles.
        return keys.computeIfAbsent(type.name() + ':' + stored, s -> security.importStored(type, stored));
    }

    /**
     * The keys this request is checked with: the terminal's TAK and TPK, or, for a DUKPT terminal (a BDK
     * configured) sending its KSN in DE 62, the per-transaction keys derived from the BDK. False when
     * DE 62 is not a KSN.
     */
    private boolean resolveKeys(Request r) {
        TerminalState t = r.terminal;
        String ksnHex = t.bdk() == null ? null : r.msg.getString(62);
        if (ksnHex != null) {
            ksnHex = ksnHex.trim();
            if ((ksnHex.length() != 20 && ksnHex.length() != 24) || !isHex(ksnHex)) return false;
            byte[] ksn = java.util.HexFormat.of().parseHex(ksnHex);
            KeyHandle bdk = key(KeyType.BDK, t.bdk());
            r.macKey = security.deriveDukptKey(bdk, ksn, io.switchgate.security.DukptUsage.MAC_REQUEST);
            r.responseMacKey = security.deriveDukptKey(bdk, ksn, io.switchgate.security.DukptUsage.MAC_RESPONSE);
            r.pinKey = security.deriveDukptKey(bdk, ksn, io.switchgate.security.DukptUsage.PIN);
            return true;
        }
        r.macKey = key(KeyType.TAK, t.tak());
        r.responseMacKey = r.macKey;
        r.pinKey = key(KeyType.TPK, t.tpk());
        return true;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

    /** MAC over the packed request up to the MAC field (X9.19, padding 1) when the terminal has a MAC key. */
    private boolean macValid(Request r) {
        boolean hasMacKey = r.terminal.tak() != null || r.terminal.bdk() != null;
        if (!hasMacKey) return true;
        int macField = r.msg.hasField(128) ? 128 : r.msg.hasField(64) ? 64 : -1;
        boolean network = r.type == TxnType.ECHO || r.type == TxnType.SIGNON;
        if (macField < 0) return network || !r.terminal.macRequired();
        return Boolean.TRUE.equals(MessageMac.verify(r.raw, r.msg, r.macKey, security));
    }

    private KeyHandle responseMacKey(Request r) {
        if (r.terminal == null || r.type == null || r.type == TxnType.ECHO || r.type == TxnType.SIGNON) return null;
        return r.responseMacKey;
    }

    // ------------------------------------------------------------------ message types

    private void signOn(Request r) {
        TerminalState t = r.terminal;
        if (t.tmk() == null) {
            reply(r, Outcome.of(Codes.APPROVED, null), null);
            return;
        }
        SignOnKeys.Issued issued = SignOnKeys.issue(security, key(KeyType.TMK, t.tmk()));
        TerminalState updated = t.withWorkingKeys(issued.tpk().toStoredForm(), issued.tak().toStoredForm(), r.now);
        state.put(updated);
        ChangeSet cs = new ChangeSet().terminal(updated)
                .event(new StatusEvent("terminal", t.id(), t.status().wireName(), t.status().wireName(),
                        "KEYS_ISSUED tpk=" + issued.tpk().kcv() + " tak=" + issued.tak().kcv(), r.now));
        commitAndReply(r, new Outcome(Codes.APPROVED, null, null, null, null, issued.de48()), cs, null);
    }

    private void sale(Request r) {
        if (r.amount <= 0) {
            declineJournaled(r, Decline.of(Codes.INVALID_AMOUNT, "INVALID_AMOUNT"), null, null);
            return;
        }
        Decline late = LateOriginalRule.check(state.reversedBeforeArrival(r.terminal.id(), r.stan()));
        if (late != null) {
            declineJournaled(r, late, null, null);
            return;
        }
        authorize(r, route(r), (auth, cs, host) -> {
            if (!auth.approved()) {
                journal(r, cs, auth.code(), auth.reason(), null, TxnStatus.DECLINED, null, null, host, auth.balance());
                return;
            }
            TerminalState t = r.terminal;
            if (t.status() == TerminalStatus.REGISTERED) {
                TerminalState active = t.withStatus(TerminalStatus.ACTIVE, r.now);
                state.put(active);
                cs.terminal(active).event(new StatusEvent("terminal", t.id(), "registered", "active", "ACTIVATED_BY_FIRST_SALE", r.now));
                r.terminal = active;
            }
            BatchState batch = state.openBatch(r.terminal, r.now).plusSale(r.amount);
            state.put(batch);
            cs.batch(batch);
            journal(r, cs, Codes.APPROVED, null, auth.authCode(), TxnStatus.APPROVED, null, null, host, auth.balance());
        });
    }

    private void balance(Request r) {
        authorize(r, route(r), (auth, cs, host) -> journal(r, cs, auth.code(), auth.reason(), auth.authCode(),
                auth.approved() ? TxnStatus.APPROVED : TxnStatus.DECLINED, null, null, host, auth.balance()));
    }

    private void refund(Request r) {
        String originalRrn = r.msg.getString(37).trim();
        TxnRecord original = state.txn(originalRrn);
        MerchantState merchant = state.merchant(r.terminal.merchantId());
        LocalDate today = LocalDate.ofInstant(r.now, zone);
        MerchantDayTotal day = state.dayTotal(merchant.id(), today);
        var prior = original == null ? java.util.List.<TxnRecord>of()
                : state.childrenOf(original.rrn()).stream().filter(t -> t.type() == TxnType.REFUND).toList();
        String dayKey = merchant.id() + '|' + today;
        long saleInFlight = original == null ? 0 : state.refundsInFlight.getOrDefault(original.rrn(), 0L);
        long dayInFlight = state.dayRefundsInFlight.getOrDefault(dayKey, 0L);
        Decline d = RefundRules.check(new RefundCheck(r.amount, merchant.id(), r.panHash, merchant, original, prior,
                day.refundAmount() + dayInFlight, r.now, saleInFlight));
        if (d != null) {
            declineJournaled(r, d, original == null ? null : original.rrn(), null);
            return;
        }
        // Reserve the amount while the authorizer decides (a host answers later; others may ask meanwhile).
        state.refundsInFlight.merge(original.rrn(), r.amount, Long::sum);
        state.dayRefundsInFlight.merge(dayKey, r.amount, Long::sum);
        authorize(r, original.host(), (auth, cs, host) -> {
            release(state.refundsInFlight, original.rrn(), r.amount);
            release(state.dayRefundsInFlight, dayKey, r.amount);
            if (!auth.approved()) {
                journal(r, cs, auth.code(), auth.reason(), null, TxnStatus.DECLINED, original.rrn(), null, host, auth.balance());
                return;
            }
            // Re-read: the working set is the truth on this thread, and nothing ran in between for the embedded authorizer.
            TxnRecord sale = state.txn(original.rrn());
            TxnRecord refunded = sale.withRefundedAmount(sale.refundedAmount() + r.amount, r.now);
            state.put(refunded);
            MerchantDayTotal newDay = state.dayTotal(merchant.id(), today).plus(r.amount);
            state.put(newDay);
            BatchState batch = state.openBatch(r.terminal, r.now).plusRefund(r.amount);
            state.put(batch);
            cs.txn(refunded).dayTotal(newDay).batch(batch);
            journal(r, cs, Codes.APPROVED, null, auth.authCode(), TxnStatus.APPROVED, sale.rrn(), null, host, auth.balance());
        });
    }

    private static void release(Map<String, Long> reservations, String key, long amount) {
        reservations.computeIfPresent(key, (k, v) -> v - amount == 0 ? null : v - amount);
    }

    private void voidSale(Request r) {
        String originalRrn = r.msg.getString(37).trim();
        TxnRecord original = state.txn(originalRrn);
        Decline d = VoidRules.check(original, r.terminal.id(), r.terminal.batchNo(), r.amount, r.panHash);
        if (d != null) {
            declineJournaled(r, d, original == null ? null : original.rrn(), null);
            return;
        }
        ChangeSet cs = new ChangeSet();
        undo(original, cs, r.now, auth -> {
            if (!auth.approved()) {
                journal(r, cs, auth.code(), auth.reason(), null, TxnStatus.DECLINED, original.rrn(), null, original.host(), null);
                return;
            }
            TxnRecord voided = state.txn(original.rrn()).withStatus(TxnStatus.VOIDED, r.now);
            state.put(voided);
            BatchState batch = state.openBatch(r.terminal, r.now).minusSale(original.amount());
            state.put(batch);
            cs.txn(voided).batch(batch);
            journal(r, cs, Codes.APPROVED, null, auth.authCode(), TxnStatus.APPROVED, original.rrn(), null, original.host(), auth.balance());
        });
    }

    private void reversal(Request r) {
        String de90 = r.msg.getString(90);
        String originalStan = de90 != null ? de90.substring(4, 10) : r.stan();
        Request stillAtHost = state.awaitingHostByStan.get(r.terminal.id() + '|' + originalStan);
        if (stillAtHost != null) {
            // The terminal gave up on a request the host has not answered yet: reverse it once it is answered
            // (and journaled), rather than record "no original" and let a late approval stand.
            stillAtHost.answer.whenCompleteAsync((b, e) -> process(r), thread);
            return;
        }
        TxnRecord original = state.reversalTarget(r.terminal.id(), originalStan);
        long refunds = 0;
        if (original != null && original.type() == TxnType.SALE) {
            for (TxnRecord c : state.childrenOf(original.rrn())) {
                if (c.type() == TxnType.REFUND && c.approved() && c.status() == TxnStatus.APPROVED) refunds += c.amount();
            }
        }
        ReversalRules.Verdict v = ReversalRules.check(original, r.msg.hasField(4) ? r.amount : -1, refunds);
        switch (v.action()) {
            case DECLINE -> declineJournaled(r, v.decline(), original == null ? null : original.rrn(), originalStan);
            case NOTHING_TO_UNDO -> journal(r, new ChangeSet(), Codes.APPROVED, null, null, TxnStatus.APPROVED,
                    original.rrn(), originalStan, original.host(), null);
            case UNDO -> {
                ChangeSet cs = new ChangeSet();
                undo(original, cs, r.now, auth -> {
                    if (!auth.approved()) {
                        journal(r, cs, auth.code(), auth.reason(), null, TxnStatus.DECLINED, original.rrn(), originalStan, original.host(), null);
                        return;
                    }
                    applyReversal(state.txn(original.rrn()), cs, r.now);
                    journal(r, cs, Codes.APPROVED, null, null, TxnStatus.APPROVED, original.rrn(), originalStan, original.host(), null);
                });
            }
        }
    }

    /** Takes an approved request's effect back out of the refundable amount, the batch and the day total. */
    private void applyReversal(TxnRecord original, ChangeSet cs, Instant now) {
        TxnRecord reversed = original.withStatus(TxnStatus.REVERSED, now);
        state.put(reversed);
        cs.txn(reversed);
        TerminalState t = state.terminal(original.terminalId());
        switch (original.type()) {
            case SALE -> {
                BatchState b = state.openBatchIfCurrent(t, original.batchNo(), now);
                if (b != null) {
                    b = b.minusSale(original.amount());
                    state.put(b);
                    cs.batch(b);
                }
            }
            case REFUND -> {
                TxnRecord sale = state.txn(original.originalRrn());
                if (sale != null) {
                    TxnRecord restored = sale.withRefundedAmount(sale.refundedAmount() - original.amount(), now);
                    state.put(restored);
                    cs.txn(restored);
                }
                BatchState b = state.openBatchIfCurrent(t, original.batchNo(), now);
                if (b != null) {
                    b = b.minusRefund(original.amount());
                    state.put(b);
                    cs.batch(b);
                }
                MerchantDayTotal day = state.dayTotal(original.merchantId(), LocalDate.ofInstant(original.createdAt(), zone))
                        .plus(-original.amount());
                state.put(day);
                cs.dayTotal(day);
            }
            case VOID -> {
                TxnRecord sale = state.txn(original.originalRrn());
                if (sale != null) {
                    TxnRecord again = sale.withStatus(TxnStatus.APPROVED, now);
                    state.put(again);
                    cs.txn(again);
                    BatchState b = state.openBatchIfCurrent(t, sale.batchNo(), now);
                    if (b != null) {
                        b = b.plusSale(sale.amount());
                        state.put(b);
                        cs.batch(b);
                    }
                }
            }
            default -> { }
        }
    }

    private void settlement(Request r) {
        IsoMessage m = r.msg;
        BatchState batch = state.openBatch(r.terminal, r.now);
        Decline d = SettlementRule.check(batch, FormatCheck.parseAmount(m.getString(74)), FormatCheck.parseAmount(m.getString(76)),
                FormatCheck.parseAmount(m.getString(86)), FormatCheck.parseAmount(m.getString(88)));
        ChangeSet cs = new ChangeSet();
        r.openBatchForResponse = batch;
        if (d != null) {
            journal(r, cs, d.code(), d.reason(), null, TxnStatus.DECLINED, null, null, null, null);
            return;
        }
        BatchState closed = batch.closed(r.now);
        TerminalState next = r.terminal.withBatchNo(r.terminal.batchNo() + 1, r.now);
        state.put(next);
        state.put(BatchState.open(next.id(), next.batchNo(), r.now));
        cs.batch(closed).terminal(next);
        r.settledBatch = closed;
        journal(r, cs, Codes.APPROVED, null, null, TxnStatus.APPROVED, null, null, null, null);
    }

    // ------------------------------------------------------------------ authorizers

    private String route(Request r) {
        return router.route(r.card == null ? null : r.card.pan(), r.msg.getString(3), r.terminal.merchantId(), r.terminal.id());
    }

    @FunctionalInterface
    private interface AuthContinuation {
        void accept(AuthResult auth, ChangeSet cs, String host);
    }

    private void authorize(Request r, String target, AuthContinuation k) {
        ChangeSet cs = new ChangeSet();
        Authorizer a = authorizers.get(target);
        if (a == null) {
            journal(r, cs, Codes.HOST_UNAVAILABLE, "NO_HOST_LINK", null, TxnStatus.DECLINED, null, null, target, null);
            return;
        }
        byte[] pinBlock = r.msg.getBytes(52);
        KeyHandle pinKey = pinBlock == null ? null : r.pinKey;
        AuthRequest req = new AuthRequest(r.type, r.card, r.panHash, r.amount, currency(r), pinBlock, pinKey,
                r.terminal.id(), r.terminal.merchantId(), r.stan(), r.rrn(rrns), cs, r.now, r.msg);
        CompletableFuture<AuthResult> pending = a.authorize(req);
        boolean async = !pending.isDone() && r.dupKey != null;
        String stanKey = r.terminal.id() + '|' + r.stan();
        if (async) {
            state.awaitingHost.put(r.dupKey, r);
            state.awaitingHostByStan.put(stanKey, r);
        }
        onEngineThread(pending, auth -> {
            r.hostStan = auth.hostStan();
            r.hostRrn = auth.hostRrn();
            try {
                k.accept(auth, cs, a.name());
            } finally {
                // Only now is the request in the duplicate index; until now its twins wait for it.
                if (async) {
                    state.awaitingHost.remove(r.dupKey, r);
                    state.awaitingHostByStan.remove(stanKey, r);
                }
            }
        });
    }

    private void undo(TxnRecord original, ChangeSet cs, Instant now, Consumer<AuthResult> k) {
        Authorizer a = authorizers.get(original.host() == null ? EmbeddedAuthorizer.NAME : original.host());
        if (a == null) {
            k.accept(AuthResult.decline(Codes.HOST_UNAVAILABLE, "NO_HOST_LINK"));
            return;
        }
        onEngineThread(a.undo(original, cs, now), k);
    }

    /** Runs the continuation now if the answer is already there (embedded), else back on the engine thread. */
    private void onEngineThread(CompletableFuture<AuthResult> f, Consumer<AuthResult> k) {
        if (f.isDone() && !f.isCompletedExceptionally()) {
            k.accept(f.join());
            return;
        }
        f.whenCompleteAsync((auth, err) -> k.accept(err == null ? auth
                : AuthResult.decline(Codes.HOST_UNAVAILABLE, "HOST_ERROR")), thread);
    }

    private static String currency(Request r) {
        String c = r.msg.getString(49);
        return c == null ? "156" : c;
    }

    // ------------------------------------------------------------------ journal and reply

    private void declineJournaled(Request r, Decline d, String originalRrn, String originalStan) {
        journal(r, new ChangeSet(), d.code(), d.reason(), null, TxnStatus.DECLINED, originalRrn, originalStan, null, null);
    }

    private void journal(Request r, ChangeSet cs, String code, String reason, String authCode, TxnStatus status,
                         String originalRrn, String originalStan, String host, Long balance) {
        boolean approved = Codes.APPROVED.equals(code);
        TxnRecord rec = new TxnRecord(r.rrn(rrns), nodeId, r.type, r.msg.getMti(), r.msg.getString(3), r.terminal.id(),
                r.terminal.merchantId(), r.stan(), r.msg.getString(7), r.dupKey, r.fingerprint, r.amount, currency(r),
                r.panHash, r.maskedPan(), code, reason, approved ? authCode : null,
                approved ? status : TxnStatus.DECLINED, 0, originalRrn, originalStan, r.terminal.batchNo(), host,
                r.hostStan, r.hostRrn, r.now, r.now, 1);
        state.put(rec);
        cs.txn(rec);
        commitAndReply(r, new Outcome(code, reason, approved ? authCode : null, rec, balance, null), cs, rec.rrn());
    }

    private void commitAndReply(Request r, Outcome o, ChangeSet cs, String rrn) {
        KeyHandle tak = responseMacKey(r);
        // Pack and MAC here, on the engine thread: the writer thread only commits and releases.
        byte[] ready = pack(r, o, tak);
        CompletableFuture<Void> commit = writer.submit(cs);
        if (rrn != null) {
            pendingCommits.put(rrn, commit);
            commit.whenComplete((v, e) -> pendingCommits.remove(rrn));
        }
        commit.whenComplete((v, err) -> {
            if (err == null) {
                release(r, o, ready);
            } else if (cause(err) instanceof io.switchgate.store.ConcurrentUpdateException && !r.retried) {
                // Another node changed a row this decision read (or an earlier decision on it failed): decide
                // again once, from what the store holds now. Nothing of the first decision was committed.
                log.info("terminal {} stan {}: {}; deciding again on fresh state", r.terminal.id(), r.stan(), cause(err).getMessage());
                thread.execute(() -> {
                    state.invalidate();
                    r.retried = true;
                    process(r);
                });
            } else {
                log.error("journal commit failed for terminal {} stan {}: {}", r.terminal.id(), r.stan(), err.toString());
                thread.execute(state::invalidate);
                Outcome failed = Outcome.of(Codes.SYSTEM_MALFUNCTION, "JOURNAL_UNAVAILABLE");
                release(r, failed, pack(r, failed, tak));
            }
        });
    }

    private static Throwable cause(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** The same answer again (same DE 37, 38, 39), once the original answer is durable. */
    private void replay(Request r, TxnRecord prior) {
        KeyHandle tak = responseMacKey(r);
        Long balance = null;
        if (prior.type() == TxnType.BALANCE && prior.approved()) {
            var card = state.find(prior.panHash());
            if (card != null) balance = card.balance();
        }
        Outcome o = new Outcome(prior.responseCode(), prior.reason(), prior.authCode(), prior, balance, null);
        CompletableFuture<Void> commit = pendingCommits.get(prior.rrn());
        if (commit == null) {
            reply(r, o, tak);
        } else {
            commit.whenComplete((v, err) -> reply(r, err == null ? o : Outcome.of(Codes.SYSTEM_MALFUNCTION, "JOURNAL_UNAVAILABLE"), tak));
        }
    }

    private void reply(Request r, Outcome o, KeyHandle tak) {
        release(r, o, pack(r, o, tak));
    }

    private byte[] pack(Request r, Outcome o, KeyHandle tak) {
        try {
            return ResponseBuilder.build(r, o, tak, security);
        } catch (RuntimeException e) {
            log.error("cannot pack response for terminal {} stan {}: {}", r.terminalId(), r.stan(), e.toString());
            try {
                return ResponseBuilder.build(r, Outcome.of(Codes.SYSTEM_MALFUNCTION, "RESPONSE_PACK_FAILED"), null, security);
            } catch (RuntimeException again) {
                return null;
            }
        }
    }

    /** Hands the answer to the transport and tells the listener (metrics, transaction log). */
    private void release(Request r, Outcome o, byte[] bytes) {
        TxnRecord rec = o.record();
        try {
            listener.answered(r.msg.getMti(), r.type == null ? "UNKNOWN" : r.type.name(), r.terminalId(), r.stan(),
                    rec == null ? null : rec.rrn(), r.amount, r.maskedPan(),
                    o.code(), o.reason(), System.nanoTime() - r.startNanos);
        } catch (RuntimeException e) {
            log.warn("engine listener failed: {}", e.toString());
        }
        r.answer.complete(bytes);
    }

    // ------------------------------------------------------------------ operator actions

    /** Changes a terminal's status (admin API), recorded in its audit trail; null if there is no such terminal. */
    public CompletableFuture<TerminalState> changeTerminalStatus(String id, TerminalStatus status, String reason) {
        return operatorChange(now -> {
            TerminalState t = state.terminal(id);
            if (t == null) return null;
            TerminalState updated = t.withStatus(status, now);
            state.put(updated);
            ChangeSet cs = new ChangeSet().terminal(updated)
                    .event(new StatusEvent("terminal", id, t.status().wireName(), status.wireName(), reason, now));
            return new OperatorChange<>(updated, cs);
        });
    }

    /**
     * Resets a terminal that lost its keys (admin API): it keeps its TMK and loses its TPK and TAK, so its next
     * sign-on needs no MAC and is issued new working keys. Recorded in its audit trail as an event whose status
     * stays the same and whose reason starts {@code KEYS_RESET}; null if there is no such terminal.
     */
    public CompletableFuture<TerminalState> resetTerminalKeys(String id, String reason) {
        return operatorChange(now -> {
            TerminalState t = state.terminal(id);
            if (t == null) return null;
            TerminalState updated = t.withoutWorkingKeys(now);
            state.put(updated);
            String why = reason == null || reason.isBlank() ? "KEYS_RESET" : "KEYS_RESET: " + reason;
            ChangeSet cs = new ChangeSet().terminal(updated)
                    .event(new StatusEvent("terminal", id, t.status().wireName(), t.status().wireName(),
                            why.length() > 64 ? why.substring(0, 64) : why, now));
            return new OperatorChange<>(updated, cs);
        });
    }

    /** Changes a merchant's status (admin API), recorded in its audit trail; null if there is no such merchant. */
    public CompletableFuture<MerchantState> changeMerchantStatus(String id, MerchantStatus status, String reason) {
        return operatorChange(now -> {
            MerchantState m = state.merchant(id);
            if (m == null) return null;
            MerchantState updated = m.withStatus(status, now);
            state.put(updated);
            ChangeSet cs = new ChangeSet().merchant(updated)
                    .event(new StatusEvent("merchant", id, m.status().wireName(), status.wireName(), reason, now));
            return new OperatorChange<>(updated, cs);
        });
    }

    private record OperatorChange<T>(T updated, ChangeSet changes) { }

    /**
     * Runs an operator's change on the engine thread (like any request, so it cannot race one) and completes
     * once it is committed; a failed commit reloads the working set.
     */
    private <T> CompletableFuture<T> operatorChange(java.util.function.Function<Instant, OperatorChange<T>> change) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                OperatorChange<T> c = change.apply(clock.instant());
                if (c == null) {
                    result.complete(null);
                    return;
                }
                writer.submit(c.changes()).whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(c.updated());
                    } else {
                        thread.execute(state::invalidate);
                        result.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
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
        accepting = false;
        awaitIdle(Duration.ofSeconds(10));
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
