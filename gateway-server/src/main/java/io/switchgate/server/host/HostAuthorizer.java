package io.switchgate.server.host;

import io.switchgate.iso.ActionCodes;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.route.AuthRequest;
import io.switchgate.route.AuthResult;
import io.switchgate.route.Authorizer;
import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SecurityModule;
import io.switchgate.store.ChangeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * An upstream acquirer host as an {@link Authorizer}: maps the terminal's request to the host's message (see
 * {@link HostMessages}), sends it on the {@link HostClient}, and maps the answer back (DE 39, DE 38, DE 54).
 *
 * <p>When the host's answer is unknown (timeout, connection lost after the write, answer with a bad MAC or another
 * RRN) a sale or refund may have moved money at the host: a reversal advice (0420) for it is stored in the
 * {@link SafQueue} <em>before</em> the terminal gets {@code 91} ({@code HOST_TIMEOUT}, {@code HOST_LINK_LOST},
 * {@code HOST_MAC_INVALID}); the {@link SafSender} delivers it. A late approval is thereby undone at the host.
 * A balance inquiry moves no money and gets no reversal. Nothing sent (no connection, circuit open): {@code 91}
 * {@code HOST_UNAVAILABLE} at once.
 *
 * <p>{@link #undo} (a void or terminal reversal of a transaction this host approved) sends a 0400 built from the
 * journaled record (host STAN, RRN, amount, DE 90); 0410 with {@code 00} or {@code 25} (nothing to reverse) is
 * approved, another code is passed on. If the host does not answer, the same reversal is stored as a 0420 advice
 * and the terminal is answered {@code 00}: delivery is then the SAF queue's job, and the terminal's own
 * reversal must not be refused because the host is down (see docs/hosts.md).
 */
public final class HostAuthorizer implements Authorizer, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostAuthorizer.class);

    private final String name;
    private final String acquirerId;
    private final HostClient client;
    private final SecurityModule security;
    private final KeyHandle zpk;
    private final KeyHandle zak;
    private final SafQueue saf;
    private final Supplier<String> stans;
    private final Executor blocking;
    private final Clock clock;
    private final Runnable onStored;
    private final Runnable onClose;
    private final String node;
    /** Where this node's held reversals are kept: the queue's HELD rows or its own journal. */
    private final HeldReversalStore holds;

    HostAuthorizer(String name, String acquirerId, HostClient client, SecurityModule security, KeyHandle zpk, KeyHandle zak,
                   SafQueue saf, Supplier<String> stans, Executor blocking, Clock clock, Runnable onStored, Runnable onClose,
                   String node, HeldReversalStore holds) {
        this.node = node;
        this.holds = holds;
        this.name = name;
        this.acquirerId = acquirerId;
        this.client = client;
        this.security = security;
        this.zpk = zpk;
        this.zak = zak;
        this.saf = saf;
        this.stans = stans;
        this.blocking = blocking;
        this.clock = clock;
        this.onStored = onStored;
        this.onClose = onClose;
        client.onUnmatched(m -> {
            String mti = m.getMti();
            if (mti != null && mti.startsWith("04")) {
                // a reversal's answer after its own timeout: not taken as delivery (nothing waits for it any more);
                // the reversal is still stored and goes again as an 0421, which a host answers as a repeat
                log.warn("host={} late answer {} stan {} code {} to a reversal: it stays stored and is sent again (0421)",
                        name, mti, m.getString(11), m.getString(39));
            } else {
                // a second answer to one already taken is told apart (HostClient): this one came after its timeout,
                // or names a request unknown here
                log.warn("host={} late answer {} stan {} code {}: no request waits for it (one that timed out got 91, and"
                        + " its stored reversal undoes whatever this approves)", name, mti, m.getString(11), m.getString(39));
            }
        });
    }

    @Override
    public String name() {
        return name;
    }

    public HostClient client() {
        return client;
    }

    /** UP, DOWN or OPEN (circuit open), for metrics and the admin API. */
    public HostClient.State state() {
        return client.state();
    }

    public SafQueue safQueue() {
        return saf;
    }

    /** Where this node keeps its held reversals (tests). */
    HeldReversalStore holds() {
        return holds;
    }

    /** Why this node cannot hold reversals now (its host sales and refunds are refused), or null. */
    public String holdsProblem() {
        return holds.problem();
    }

    /** Stored messages still waiting for this host. */
    public long safDepth() {
        return saf.depth(name);
    }

    /**
     * Stored reversals this node's sender had refused for good by a host (05, 12, ...: the original may stand there),
     * for {@code /metrics}; set by the factory once the sender exists.
     */
    volatile java.util.function.LongSupplier refusedReversals = () -> 0;

    // ------------------------------------------------------------------ authorize

    @Override
    public CompletableFuture<AuthResult> authorize(AuthRequest req) {
        if (!client.available()) return done(AuthResult.decline(Codes.HOST_UNAVAILABLE, "HOST_UNAVAILABLE"));
        String stan;
        IsoMessage m;
        byte[] packed;
        try {
            stan = stans.get();
            m = HostMessages.request(req, client.dialect(), stan, acquirerId);
            if (req.pinBlock() != null) {
                if (zpk == null || req.pinKey() == null) return done(AuthResult.decline(Codes.SYSTEM_MALFUNCTION, "NO_HOST_PIN_KEY"));
                m.set(52, security.translatePin(req.pinKey(), PinFormat.ISO0, req.pinBlock(), req.card().pan(), zpk, PinFormat.ISO0));
            }
            packed = HostMessages.pack(m, client.dialect(), zak, security);
        } catch (RuntimeException e) {
            // our exceptions name no PAN or PIN; the class and message are enough to find it
            log.error("host={} cannot build the request for terminal {} stan {}: {}", name, req.terminalId(), req.stan(), e.toString());
            return done(AuthResult.decline(Codes.SYSTEM_MALFUNCTION, "HOST_MAPPING_FAILED"));
        }
        String de7 = m.getString(7);
        if (req.type() == TxnType.BALANCE) return client.exchange(m, packed).thenCompose(x -> answered(req, m.getMti(), stan, de7, x));
        // A sale or refund may move money at the host: its reversal is stored, held, before the request leaves, so
        // that a gateway that dies while the host decides still reverses what the host approved (settled at the next
        // start, HeldReversals). Nothing is sent if it cannot be stored.
        SafMessage hold = heldReversalOf(req, m.getMti(), stan, de7);
        return holds.hold(hold, lostAnswerOf(req)).thenCompose(held -> held
                ? client.exchange(m, packed).thenCompose(x -> answered(req, m.getMti(), stan, de7, x))
                : done(AuthResult.decline(Codes.SYSTEM_MALFUNCTION, "REVERSAL_NOT_STORED")));
    }

    private SafMessage heldReversalOf(AuthRequest req, String mti, String stan, String de7) {
        Instant now = clock.instant();
        return SafMessage.held(node, name, stans.get(), req.rrn(), HostMessages.de7(now), req.request().getString(3),
                req.amount(), req.currency(), acquirerId, req.terminalId(), req.merchantId(),
                HostMessages.originalData(mti, stan, de7, acquirerId), req.rrn(), now);
    }

    /** The terminal's request as a start after a crash would journal it, should its answer be lost (no PAN kept). */
    private io.switchgate.route.LostHostAnswer lostAnswerOf(AuthRequest req) {
        io.switchgate.iso.IsoMessage t = req.request();
        if (t == null || req.terminalId() == null) return null;
        String pan = req.card() == null ? null : req.card().pan();
        String named = req.type() == TxnType.REFUND ? t.getString(37) : null;
        return new io.switchgate.route.LostHostAnswer(req.rrn(), name, req.terminalId(), req.merchantId(), t.getMti(),
                t.getString(3), t.getString(11), t.getString(7), req.amount(), req.currency(), req.panHash(),
                pan == null ? null : io.switchgate.iso.PanMask.mask(pan), io.switchgate.txn.RequestKeys.duplicateKey(req.terminalId(), t),
                io.switchgate.txn.RequestKeys.fingerprint(t, req.panHash()), named == null ? null : named.trim());
    }

    private final java.util.List<io.switchgate.route.LostHostAnswer> lostWhileStopped = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Set at start ({@link HeldReversals}): requests at this host when the gateway stopped, with no answer journaled. */
    void lostWhileStopped(java.util.List<io.switchgate.route.LostHostAnswer> lost) {
        lostWhileStopped.addAll(lost);
    }

    @Override
    public java.util.List<io.switchgate.route.LostHostAnswer> lostWhileStopped() {
        java.util.List<io.switchgate.route.LostHostAnswer> out = java.util.List.copyOf(lostWhileStopped);
        lostWhileStopped.clear();
        return out;
    }

    @Override
    public void lostRecordedAfterRestart(String rrn) {
        String id = SafMessage.heldId(rrn);
        if (holds.release(id, clock.instant(), "GATEWAY_RESTARTED")) {
            log.warn("host={} rrn {}: journaled as 91 HOST_ANSWER_LOST after the restart; its reversal released (saf id {})", name, rrn, id);
        }
        onStored.run();
    }

    /** The host declined, or nothing was sent: the held reversal is not needed (best effort; a start settles it too). */
    private void dropHeld(AuthRequest req, String result) {
        if (req.type() == TxnType.BALANCE) return;
        String id = SafMessage.heldId(req.rrn());
        blocking.execute(() -> {
            try {
                holds.drop(id, clock.instant(), result);
            } catch (RuntimeException e) {
                log.warn("host={} rrn {}: held reversal not dropped ({}); the next start settles it", name, req.rrn(), e.toString());
            }
        });
    }

    /**
     * The held reversal becomes due, for {@code why}. True if it did; false if there was none to release (then the
     * caller stores a new one).
     */
    private boolean releaseHeld(AuthRequest req, String why) {
        try {
            boolean released = holds.release(SafMessage.heldId(req.rrn()), clock.instant(), why);
            if (released) {
                log.info("host={} {} for rrn {}: its held reversal released (saf id {})", name, why, req.rrn(),
                        SafMessage.heldId(req.rrn()));
                onStored.run();
            }
            return released;
        } catch (RuntimeException e) {
            log.warn("host={} rrn {}: held reversal not released ({}); storing another", name, req.rrn(), e.toString());
            return false;
        }
    }

    @Override
    public void committed(AuthRequest req, AuthResult approval) {
        dropHeld(req, "APPROVAL_RECORDED");
    }

    private CompletableFuture<AuthResult> answered(AuthRequest req, String mti, String stan, String de7, HostExchange x) {
        switch (x.outcome()) {
            case NOT_SENT -> {
                dropHeld(req, "NOT_SENT");
                return done(AuthResult.decline(Codes.HOST_UNAVAILABLE, "HOST_UNAVAILABLE"));
            }
            case TIMEOUT -> {
                return uncertain(req, mti, stan, de7, "HOST_TIMEOUT");
            }
            case LINK_LOST -> {
                return uncertain(req, mti, stan, de7, "HOST_LINK_LOST");
            }
            default -> {
            }
        }
        IsoMessage resp = x.response();
        if (!HostMessages.macValid(resp, x.raw(), zak, security)) {
            log.warn("host={} answer to stan {} has a bad or missing MAC; treated as no answer", name, stan);
            return uncertain(req, mti, stan, de7, "HOST_MAC_INVALID");
        }
        String rrn = resp.getString(37);
        if (rrn != null && !rrn.trim().equals(req.rrn())) {
            log.warn("host={} answer to stan {} carries another RRN; treated as no answer", name, stan);
            return uncertain(req, mti, stan, de7, "HOST_RRN_MISMATCH");
        }
        String code = ActionCodes.fromWire(client.dialect(), resp.getMti(), resp.getString(39));
        if (code == null) {
            // No code, or one that says neither a plain yes nor a plain no (a 1993 approval with conditions, such as
            // a partial amount): the host may have acted, so as with no answer, its reversal is stored and the
            // terminal hears 91. Taken as a decline, an approval would stand at the host with nothing to undo it.
            log.warn("host={} answer to stan {} has DE 39 that cannot be read as approved or declined; treated as no answer", name, stan);
            return uncertain(req, mti, stan, de7, "HOST_CODE_UNREADABLE");
        }
        boolean approved = Codes.APPROVED.equals(code);
        if (approved && req.type() != TxnType.BALANCE && !HostMessages.sameMoney(resp, req.amount(), req.currency())) {
            // An approval of another amount or currency than asked: the host's books and ours would differ with nothing
            // to reconcile them (a black-box audit saw 53.02 approved at the host journaled as 53.01). As with a partial
            // approval, the host may have acted: its reversal is stored and the terminal hears 91.
            log.warn("host={} answer to stan {} approves DE 4 {} DE 49 {}, not what was asked; treated as no answer", name,
                    stan, resp.getString(4), resp.getString(49));
            return uncertain(req, mti, stan, de7, "HOST_AMOUNT_MISMATCH");
        }
        String authCode = approved ? resp.getString(38) : null;
        Long balance = HostMessages.balance(resp.getString(54));
        // a "try again" code (91, 96, 68, ...) is no decline of the request: said so when the host gives no reason
        String reason = approved ? null : HostMessages.reason(resp.getString(44),
                SafSender.TRY_AGAIN.contains(code) ? "HOST_UNAVAILABLE_" + code : "HOST_DECLINED");
        if (!approved) dropHeld(req, "DECLINED_" + code);
        return done(new AuthResult(code, reason, authCode, balance, stan, req.rrn()));
    }

    /**
     * The host may have acted: store the reversal (committed) and only then answer 91. If it cannot be stored, the
     * terminal hears 96 (the gateway cannot vouch for what happened) and the gateway keeps trying to store it.
     */
    private CompletableFuture<AuthResult> uncertain(AuthRequest req, String mti, String stan, String de7, String reason) {
        AuthResult result = new AuthResult(Codes.HOST_UNAVAILABLE, reason, null, null, stan, req.rrn());
        if (req.type() == TxnType.BALANCE) return done(result);
        return CompletableFuture.supplyAsync(() -> releaseHeld(req, reason), blocking).thenCompose(released -> {
            if (released) return done(result);
            SafMessage rev = reversalOf(req, mti, stan, de7, reason);
            return storeReversal(rev, reason).thenApply(stored -> stored ? result
                    : new AuthResult(Codes.SYSTEM_MALFUNCTION, "REVERSAL_NOT_STORED", null, null, stan, req.rrn()));
        });
    }

    @Override
    public CompletableFuture<Void> reverseUncommitted(AuthRequest req, AuthResult approval, String why) {
        if (req.type() == TxnType.BALANCE || approval == null || approval.hostStan() == null) return done(null);
        return CompletableFuture.supplyAsync(() -> releaseHeld(req, why), blocking).thenCompose(released -> {
            if (released) return done(null);
            SafMessage rev = reversalOf(req, req.request().getMti(), approval.hostStan(), HostMessages.de7(req.now()), why);
            return storeReversal(rev, why).thenApply(stored -> null);
        });
    }

    private SafMessage reversalOf(AuthRequest req, String mti, String stan, String de7, String reason) {
        Instant now = clock.instant();
        return SafMessage.reversal(name, stans.get(), req.rrn(), HostMessages.de7(now), req.request().getString(3),
                req.amount(), req.currency(), acquirerId, req.terminalId(), req.merchantId(),
                HostMessages.originalData(mti, stan, de7, acquirerId), req.rrn(), reason, now);
    }

    /**
     * Stores a reversal for the SAF sender; completes true once it is durable, false if the first attempt failed, in
     * which case it is tried again (1 s, 2 s, ... up to 30 s apart) until it is stored: a host approval is never left
     * standing because the queue was briefly unavailable.
     */
    private CompletableFuture<Boolean> storeReversal(SafMessage rev, String reason) {
        return CompletableFuture.supplyAsync(() -> tryStore(rev, reason, 0), blocking);
    }

    private boolean tryStore(SafMessage rev, String reason, int attempt) {
        try {
            saf.enqueue(rev);
            log.info("host={} {} for rrn {}: reversal stored (saf id {}{})", name, reason, rev.txnRrn(), rev.id(),
                    attempt == 0 ? "" : ", attempt " + (attempt + 1));
            onStored.run();
            return true;
        } catch (RuntimeException e) {
            long delay = Math.min(30, 1L << Math.min(attempt, 5));
            log.error("host={} {} for rrn {}: REVERSAL NOT STORED ({}); trying again in {} s", name, reason, rev.txnRrn(),
                    e.toString(), delay);
            CompletableFuture.runAsync(() -> tryStore(rev, reason, attempt + 1),
                    CompletableFuture.delayedExecutor(delay, java.util.concurrent.TimeUnit.SECONDS, blocking));
            return false;
        }
    }

    // ------------------------------------------------------------------ undo

    @Override
    public CompletableFuture<AuthResult> undo(TxnRecord original, ChangeSet changes, Instant now) {
        if (original.hostStan() == null) return done(new AuthResult(Codes.APPROVED, null, null, null));
        SafMessage rev;
        try {
            rev = SafMessage.reversal(name, stans.get(), original.hostRrn() == null ? original.rrn() : original.hostRrn(),
                    HostMessages.de7(now), original.processingCode(), original.amount(), original.currency(), acquirerId,
                    original.terminalId(), original.merchantId(),
                    HostMessages.originalData(original.mti(), original.hostStan(), HostMessages.de7(original.createdAt()), acquirerId),
                    original.rrn(), "UNDO", now);
        } catch (RuntimeException e) {
            log.error("host={} cannot build the reversal of rrn {}: {}", name, original.rrn(), e.toString());
            return done(AuthResult.decline(Codes.SYSTEM_MALFUNCTION, "HOST_MAPPING_FAILED"));
        }
        if (!client.available()) return store(rev, "HOST_UNAVAILABLE");
        IsoMessage m = HostMessages.reversal(rev, "0400", client.dialect());
        byte[] packed = HostMessages.pack(m, client.dialect(), zak, security);
        // As a sale's reversal, the undo's 0420 is held before the 0400 leaves: a gateway killed while the host decides
        // releases it at its next start and undoes the transaction in its own books too (Gateway, at start). Before,
        // nothing was held, and the kill left the sale reversed at the host and approved here (an outside audit).
        SafMessage hold = rev.heldUndo(node, now);
        return holds.hold(hold).thenCompose(held -> {
            if (!held) return done(AuthResult.decline(Codes.SYSTEM_MALFUNCTION, "REVERSAL_NOT_STORED"));
            return client.exchange(m, packed).thenCompose(x -> {
                if (x.outcome() != HostExchange.Outcome.ANSWERED) return releaseOrStore(hold, rev, "UNDO_" + x.outcome());
                if (!HostMessages.macValid(x.response(), x.raw(), zak, security)) return releaseOrStore(hold, rev, "UNDO_MAC_INVALID");
                // An answer for another reversal (another RRN, amount or currency) is no answer to this one: sent again.
                // Taken as this one's, the sale stayed charged at the host and reversed here (a black-box audit).
                String answeredRrn = x.response().getString(37);
                if (answeredRrn != null && rev.rrn() != null && !answeredRrn.trim().equals(rev.rrn())) {
                    return releaseOrStore(hold, rev, "UNDO_RRN_MISMATCH");
                }
                if (!HostMessages.sameMoney(x.response(), rev.amount(), rev.currency())) {
                    return releaseOrStore(hold, rev, "UNDO_AMOUNT_MISMATCH");
                }
                String code = ActionCodes.fromWire(client.dialect(), x.response().getMti(), x.response().getString(39));
                // an answer that says neither yes nor no: the reversal may not have been done, so it is sent again
                if (code == null) return releaseOrStore(hold, rev, "UNDO_CODE_UNREADABLE");
                // "try again" (96, 91, ...): the host did not take it, as with no answer, so its 0420 goes until it does.
                // Passed on, the terminal heard 96, the answer stood for its repeats, and the sale stayed charged at
                // the host and here (a black-box audit of reversals).
                if (SafSender.TRY_AGAIN.contains(code)) return releaseOrStore(hold, rev, "UNDO_HOST_" + code);
                if (Codes.APPROVED.equals(code) || Codes.NO_ORIGINAL.equals(code)) {
                    // its hold is dropped once the gateway commits the undo (undoCommitted)
                    return done(new AuthResult(Codes.APPROVED, null, null, null, rev.stan(), rev.rrn()));
                }
                dropHeldUndo(hold.id(), "DECLINED_" + code);
                return done(new AuthResult(code, HostMessages.reason(x.response().getString(44), "HOST_DECLINED"), null, null,
                        rev.stan(), rev.rrn()));
            });
        });
    }

    @Override
    public void undoCommitted(TxnRecord original, AuthResult result) {
        if (result.hostStan() != null) dropHeldUndo(SafMessage.undoHeldId(result.hostStan(), original.rrn()), "UNDO_RECORDED");
    }

    private void dropHeldUndo(String id, String result) {
        blocking.execute(() -> {
            try {
                holds.drop(id, clock.instant(), result);
            } catch (RuntimeException e) {
                log.warn("host={} held 0420 {} not dropped ({}); the next start settles it", name, id, e.toString());
            }
        });
    }

    /**
     * No (usable) answer to the undo's 0400: its held 0420 becomes due (the same message a stored one would be), and
     * the terminal is answered 00 once it is; if it cannot be released, a new one is stored as before.
     */
    private CompletableFuture<AuthResult> releaseOrStore(SafMessage hold, SafMessage online, String why) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return holds.release(hold.id(), clock.instant(), why);
            } catch (RuntimeException e) {
                log.warn("host={} held 0420 {} not released ({}); storing another", name, hold.id(), e.toString());
                return false;
            }
        }, blocking).thenCompose(released -> {
            if (!released) return store(online, why);
            log.info("host={} reversal of rrn {} not answered ({}): its held 0420 released for store-and-forward (saf id {})",
                    name, online.txnRrn(), why, hold.id());
            onStored.run();
            return done(new AuthResult(Codes.APPROVED, null, null, null, online.stan(), online.rrn()));
        });
    }

    /** Undos this node held when it stopped, still held, for the gateway to undo here and then release (HeldReversals). */
    private final java.util.Map<String, java.util.List<SafMessage>> undoneWhileStopped = new java.util.concurrent.ConcurrentHashMap<>();

    void undoneWhileStopped(java.util.List<SafMessage> held) {
        for (SafMessage h : held) undoneWhileStopped.computeIfAbsent(h.txnRrn(), k -> new java.util.ArrayList<>()).add(h);
    }

    @Override
    public java.util.List<String> undoneWhileStopped() {
        return java.util.List.copyOf(undoneWhileStopped.keySet());
    }

    @Override
    public void undoneHereAfterRestart(String rrn) {
        java.util.List<SafMessage> held = undoneWhileStopped.remove(rrn);
        if (held == null) return;
        for (SafMessage h : held) {
            if (holds.release(h.id(), clock.instant(), "GATEWAY_RESTARTED")) {
                log.warn("host={} rrn {}: undone here after the restart; its 0420 released (saf id {})", name, rrn, h.id());
            }
        }
        onStored.run();
    }

    /** The reversal goes to the SAF queue (as an 0420 advice with the same STAN); the terminal is answered 00 once it is stored. */
    private CompletableFuture<AuthResult> store(SafMessage online, String why) {
        SafMessage advice = new SafMessage(online.id(), online.host(), online.kind(), "0420", online.stan(), online.rrn(),
                online.transmissionTime(), online.processingCode(), online.amount(), online.currency(), online.acquirerId(),
                online.terminalId(), online.merchantId(), online.originalData(), online.txnRrn(), why, online.status(),
                0, clock.instant(), null, null, null, online.createdAt(), online.updatedAt());
        return CompletableFuture.supplyAsync(() -> {
            try {
                saf.enqueue(advice);
                log.info("host={} reversal of rrn {} not answered ({}): stored for store-and-forward (saf id {})",
                        name, online.txnRrn(), why, advice.id());
                onStored.run();
                return new AuthResult(Codes.APPROVED, null, null, null, advice.stan(), advice.rrn());
            } catch (RuntimeException e) {
                log.error("host={} reversal of rrn {} could not be stored: {}", name, online.txnRrn(), e.toString());
                return AuthResult.decline(Codes.HOST_UNAVAILABLE, "SAF_UNAVAILABLE");
            }
        }, blocking);
    }

    // ------------------------------------------------------------------ SAF delivery

    /** Sends a stored message (0420 first, 0421 for repeats) and completes with the host's answer or why there is none. */
    CompletableFuture<HostExchange> sendStored(SafMessage s) {
        IsoMessage m = HostMessages.reversal(s, s.mtiToSend(), client.dialect());
        byte[] packed;
        try {
            packed = HostMessages.pack(m, client.dialect(), zak, security);
        } catch (RuntimeException e) {
            // Counted as an attempt (SafSender reschedules it with a growing backoff), not postponed at the base delay:
            // the message stays stored, and the error is not logged every second or two.
            log.error("host={} cannot pack stored message {} (attempt {}): {}", name, s.id(), s.attempts() + 1, e.toString());
            return done(HostExchange.of(HostExchange.Outcome.UNPACKABLE));
        }
        return client.exchange(m, packed);
    }

    boolean answerMacValid(HostExchange x) {
        return HostMessages.macValid(x.response(), x.raw(), zak, security);
    }

    private static <T> CompletableFuture<T> done(T v) {
        return CompletableFuture.completedFuture(v);
    }

    @Override
    public void close() {
        client.close();
        onClose.run();
    }

    @Override
    public String toString() {
        return "HostAuthorizer[" + name + " " + client.state() + "]";
    }
}
