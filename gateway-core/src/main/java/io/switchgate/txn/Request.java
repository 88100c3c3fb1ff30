package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnType;
import io.switchgate.route.CardData;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One request on its way through the engine: the message, what has been learned about it, and where the answer goes. */
final class Request {
    final IsoMessage msg;
    final byte[] raw;
    final Dialect dialect;
    final CompletableFuture<byte[]> answer;
    final long startNanos;
    Instant now;
    TxnType type;
    /** {@link Admission} has classified it and checked its format (on the event loop, or the engine's if not). */
    boolean admitted;
    /** What its format earns (see {@link Admission}), or null if nothing. */
    io.switchgate.policy.Decline formatDecline;
    /** The request went through the {@link Prefetch} stage, or needed nothing from it (at most once per request). */
    boolean prefetchDone;
    /** When it began to wait for the projection ({@link ProjectionHold}); engine thread. */
    long heldSinceNanos;
    /** Out at the prefetch stage, counted in the engine's per-terminal tally until it is back. */
    boolean atPrefetch;
    /** What the prefetch stage read, for the engine thread to adopt; null once adopted, or if nothing was read. */
    Prefetch.Prefetched prefetched;
    /** What the prefetch stage read for this reversal; null if nothing (then the engine reads itself). */
    Prefetch.ReversalCandidates reversalCandidates;
    /** What the prefetch stage read of this request's duplicate key; null if it read nothing for it. */
    Prefetch.DupChecked dupChecked;
    TerminalState terminal;
    CardData card;
    /** Where the request is authorized ("embedded" or a host), once asked: see {@link Authorizations#route}. */
    String route;
    String panHash;
    long amount;
    String dupKey;
    String fingerprint;
    /**
     * The duplicate key and fingerprint {@link TerminalAdmission} computed on the event loop (they depend on the request
     * alone), for the engine to take when the request reaches its duplicate step; not {@link #dupKey} itself, whose
     * being set says the request got that far.
     */
    String admittedDupKey;
    String admittedFingerprint;
    /** For a settlement that closed the batch: the batch as closed (its totals go in the response). */
    io.switchgate.model.BatchState settledBatch;
    /** For a settlement refused 95: the gateway's totals of the open batch. */
    io.switchgate.model.BatchState openBatchForResponse;

    Request(IsoMessage msg, byte[] raw, Dialect dialect, CompletableFuture<byte[]> answer) {
        this.msg = msg;
        this.raw = raw;
        this.dialect = dialect;
        this.answer = answer;
        this.startNanos = System.nanoTime();
    }

    /** A sale, balance inquiry, refund or void: a request that names a card. */
    boolean namesCard() {
        return type == TxnType.SALE || type == TxnType.BALANCE || type == TxnType.REFUND || type == TxnType.VOID;
    }

    /** The card of DE 2, 35 and 14, read the first time it is asked for (at admission, mostly); null if they hold none. */
    CardData readCard() {
        if (card == null) card = CardData.from(msg.getString(2), msg.getString(35), msg.getString(14));
        return card;
    }

    String terminalId() {
        String t = msg.getString(41);
        return t == null ? null : t.trim();
    }

    String merchantId() {
        String m = msg.getString(42);
        return m == null ? null : m.trim();
    }

    /** Keys for this request: the terminal's TAK/TPK, or DUKPT keys derived from its BDK and the KSN in DE 62. */
    io.switchgate.security.KeyHandle macKey;
    io.switchgate.security.KeyHandle responseMacKey;
    io.switchgate.security.KeyHandle pinKey;
    /**
     * The terminal whose keys {@link TerminalAdmission} resolved (and checked the MAC under) on the event loop, or null:
     * the engine takes {@link #keysResolved} and {@link #macValid} only while it decides with this very terminal.
     */
    TerminalState securityCheckedFor;
    boolean keysResolved;
    boolean macValid;
    /** How many times it was decided again after a decision lost a concurrent update (see {@link Engine#MAX_REDECISIONS}). */
    int redecisions;
    private String rrn;
    /** What was put to the authorizer, and which one: kept so that a request decided again is not asked twice. */
    io.switchgate.route.AuthRequest authRequest;
    io.switchgate.route.Authorizer authorizer;
    /** A host's answer that came after the request was first decided (null: none, or the authorizer answered at once). */
    volatile io.switchgate.route.AuthResult hostAnswer;
    /** An undo (void, reversal) its host approved, to be told once it is committed (its held 0420 dropped then). */
    io.switchgate.route.Authorizer undoneAt;
    io.switchgate.model.TxnRecord undoneOriginal;
    io.switchgate.route.AuthResult undoResult;
    /** A host's approval not committed yet: if the request ends any other way, it gets a stored reversal. */
    volatile io.switchgate.route.AuthResult hostApproval;
    /** The authorizer's answer came after other requests ran: the decision re-reads what it depends on. */
    boolean answeredLater;
    /** STAN and RRN used towards an upstream host, when one authorized this request. */
    String hostStan;
    String hostRrn;

    /** The RRN of this request, assigned on first use (before a host call, so the host sees the one we journal). */
    String rrn(RrnAllocator rrns) {
        if (rrn == null) rrn = rrns.next();
        return rrn;
    }

    /** The RRN assigned so far, or null (nothing has asked for one yet). */
    String assignedRrn() {
        return rrn;
    }

    private String maskedPan;

    /** First 6 + last 4 of the card, computed once (journal and log line both need it); null without a card. */
    String maskedPan() {
        if (maskedPan == null && card != null) maskedPan = io.switchgate.iso.PanMask.mask(card.pan());
        return maskedPan;
    }

    /** The masked card as the working set already holds it (the same PAN gives the same mask): nothing to build. */
    void adoptMaskedPan(String masked) {
        if (maskedPan == null) maskedPan = masked;
    }

    String stan() {
        return msg.getString(11);
    }

    /** DE 49, or the contract's default currency when absent. */
    String currency() {
        String c = msg.getString(49);
        return c == null ? io.switchgate.policy.CurrencyRule.DEFAULT_CURRENCY : c;
    }
}
