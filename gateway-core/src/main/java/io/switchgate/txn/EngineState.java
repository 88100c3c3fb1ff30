package io.switchgate.txn;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.route.CardBook;
import io.switchgate.store.StoreException;
import io.switchgate.store.TransactionStore;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The engine's working set: the newest version of every row it has touched, including changes whose
 * group commit is still in flight, so that the next request sees them. Owned by the engine thread
 * alone (no locks); what is not here is loaded from the store on first use.
 *
 * <p>If a commit fails, {@link #invalidate()} drops everything and the next request reloads from the store:
 * the row versions make any decision taken on stale state fail its commit instead of moving money. With a file
 * journal there are no row versions, and the tables may lack what the journal holds: nothing is read from them again
 * until they have every record appended before the drop (see {@link #tablesCurrent()}).
 */
final class EngineState implements CardBook {
    /** Committed rows older than this leave the transaction cache (they stay in the store). */
    private static final Duration TXN_CACHE_AGE = Duration.ofMinutes(2);
    /**
     * ... or sooner when the cache holds more than this many (2 minutes at 15,000 tps would be ~1.8 million rows,
     * more than a 1 GB heap), but never a row changed by a commit that may still be in flight ({@link CommitHorizon}):
     * only the working set knows that change until the commit completes.
     */
    static final int TXN_CACHE_MAX = 100_000;
    /** Overrides {@link #TXN_CACHE_MAX} (read when the engine starts): the working set's bound, for an operator's tuning. */
    static final String WORKING_SET_PROPERTY = "gateway.engine.workingSet";
    private final int txnCacheMax = io.switchgate.config.Tuning.wholeInt(WORKING_SET_PROPERTY, TXN_CACHE_MAX, 1_000, 10_000_000);
    private static final Duration DUPLICATE_WINDOW = Duration.ofHours(24);

    private final TransactionStore store;
    /**
     * Written only by the thread deciding (the engine thread, or an event loop deciding a lone request under the
     * executor's lock); concurrent because every event loop reads it at admission ({@link #publishedTerminal}).
     */
    private final Map<String, TerminalState> terminals = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, MerchantState> merchants = new HashMap<>();
    private final Map<String, CardAccount> cards = new HashMap<>();
    private final Map<String, BatchState> openBatches = new HashMap<>();
    /** The batch each terminal settled last: what a retransmitted 95 of that batch answers with once it is closed. */
    private final Map<String, BatchState> settledBatches = new HashMap<>();
    private final Map<String, MerchantDayTotal> dayTotals = new HashMap<>();
    /** In insertion order, so the sweep finds the oldest first (see {@link #sweep}). */
    private final java.util.LinkedHashMap<String, TxnRecord> txns = new java.util.LinkedHashMap<>(1 << 16);
    /**
     * dupKey -> RRN of the answered request (last 24 hours), in the order they were answered; at most
     * {@link #defaultDuplicateKeys} keys. Under a sustained load that answers more than this in 24 hours, the oldest go
     * first and {@link #dupHorizonMillis} says from when the index is no longer complete: a key it does not have is then
     * asked of the store (through its (terminal, STAN) index) instead of being taken as new.
     */
    private final DuplicateIndex dupIndex;
    /** The check {@link DuplicateIndex#find} asks for, kept so that a lookup allocates nothing. */
    private final RecordOfKey recordOfKey = new RecordOfKey();

    /** Overrides {@link #defaultDuplicateKeys} (read when the engine starts): an operator's tuning, and tests. */
    static final String DUPLICATE_KEYS_PROPERTY = "gateway.engine.duplicateKeys";

    /**
     * One key per 250 bytes of heap (4.3 million on a 1 GB heap: 24 hours at 50 tps, 7 minutes at 10,000), at least
     * 100,000: at ~32 bytes a key in {@link DuplicateIndex} (its ring and table) an eighth of the heap. Once the index
     * has let a key go, each new request's key is asked of the store until 24 hours later (by the prefetch stage, the
     * keys of the requests queued together in one query), so the bound is as high as the heap allows. (It was one key
     * per 1,000 bytes while a key took ~250 bytes of objects.)
     */
    static int defaultDuplicateKeys(long maxHeapBytes) {
        return (int) Math.min(100_000_000L, Math.max(100_000L, maxHeapBytes / 250));
    }

    /**
     * With a projection, a key the index lets go is looked up in the tables from then on, so it must be in them by
     * then. New requests wait once the tables are the lag limit behind the journal, so the lag stays under that plus
     * what was already queued for the engine ({@link Engine#DEFAULT_MAX_QUEUED} as shipped), and each record has at
     * most one key: an index of twice that lets go only keys whose records the tables have. An operator's small
     * {@code duplicateKeys} (or large lag limit) is raised to it.
     */
    static int duplicateKeysWithProjection(int configured, long lagLimit) {
        long lag = Math.min(lagLimit, 50_000_000L) + Engine.DEFAULT_MAX_QUEUED;
        return (int) Math.min(100_000_000L, Math.max(configured, 2 * lag));
    }

    /** How many duplicate keys this working set holds at most. */
    int duplicateKeyBound() {
        return dupIndex.max();
    }

    /** Keys answered before this instant may have left the index (0: none has). */
    private long dupHorizonMillis;
    /** (terminal, STAN) -> RRN of the newest non-reversal request (what a reversal names). */
    private final StanIndex byTerminalStan = new StanIndex();
    /**
     * terminal|STAN -> RRNs of this working set's older requests with that STAN, which {@link #byTerminalStan} no
     * longer names (the terminal reused the STAN: a reboot reset its counter). A reversal that names one of them by its
     * DE 7 finds it here while the tables may not have it yet. Empty unless a STAN came twice; rows leave it with the
     * working set.
     */
    private final Map<String, List<String>> olderWithStan = new HashMap<>();
    /**
     * terminal|STAN -> when a reversal came that found no original: a late original with that STAN is refused for
     * the 24-hour duplicate window, no longer (the STAN is then free for the terminal's next cycle).
     */
    private final Map<String, Long> orphanReversals = new HashMap<>();
    /** original RRN -> RRNs of refunds, voids and reversals this process journaled against it (always kept). */
    private final Map<String, List<String>> localChildren = new HashMap<>();
    /**
     * RRNs in {@link #txns} that came from the store rather than from this process's own journaling (first seen in
     * an earlier run, on another node, or dropped by a sweep and loaded again): what this process indexed against
     * them may be incomplete, so their children are always asked of the store.
     */
    private final java.util.Set<String> reloaded = new java.util.HashSet<>();
    /** original RRN -> RRNs of refunds, voids and reversals against it; present once loaded. */
    private final Map<String, List<String>> children = new HashMap<>();
    /** dupKey -> request waiting for an upstream host's answer (a duplicate waits for it, then replays). */
    private final Map<String, Request> awaitingHost = new HashMap<>();
    /** terminal|STAN -> request waiting for an upstream host's answer (a reversal naming it waits for it). */
    private final Map<String, Request> awaitingHostByStan = new HashMap<>();
    /**
     * original RRN -> the refunds, voids and reversals of it waiting for a host's answer. A reversal of that original
     * waits for them to end; a void, or a refund while a void or reversal is pending, is refused ORIGINAL_BUSY.
     */
    private final Map<String, List<Request>> hostOpsByOriginal = new HashMap<>();
    /** sale RRN -> amount of its refunds waiting for a host's answer. */
    private final Map<String, Long> refundsInFlight = new HashMap<>();
    /** merchant|day -> amount of refunds waiting for a host's answer. */
    private final Map<String, Long> dayRefundsInFlight = new HashMap<>();
    private boolean referenceLoaded;
    private boolean indexesLoaded;

    /** When this working set started: records created since were journaled by this process. */
    private final Instant openedAt;

    /** Several nodes share the store: a duplicate key unknown here is also looked up there. */
    private final boolean sharedByNodes;

    /**
     * The journal's projection, when the store's tables are one (null when commits go to the tables): a row leaves the
     * working set only once the tables have every record that changed it, since a row read back from them must be its
     * newest version.
     */
    private final ProjectionProgress projection;
    /** Before which instant every commit the engine submitted has completed (see {@link CommitHorizon}). */
    final CommitHorizon commitHorizon = new CommitHorizon();
    /** {when (epoch millis), last sequence appended by then}, oldest first: taken at each sweep. */
    private final java.util.ArrayDeque<long[]> appendedAt = new java.util.ArrayDeque<>();
    /** Every record appended before this instant is in the tables (Long.MAX_VALUE without a projection). */
    private long projectedBeforeMillis;

    EngineState(TransactionStore store, Instant openedAt, boolean sharedByNodes) {
        this(store, openedAt, sharedByNodes, null);
    }

    EngineState(TransactionStore store, Instant openedAt, boolean sharedByNodes, ProjectionProgress projection) {
        this(store, openedAt, sharedByNodes, io.switchgate.config.Tuning.wholeInt(DUPLICATE_KEYS_PROPERTY,
                defaultDuplicateKeys(Runtime.getRuntime().maxMemory()), 1_000, 100_000_000), projection);
    }

    EngineState(TransactionStore store, Instant openedAt, boolean sharedByNodes, int dupIndexMax) {
        this(store, openedAt, sharedByNodes, dupIndexMax, null);
    }

    EngineState(TransactionStore store, Instant openedAt, boolean sharedByNodes, int dupIndexMax,
                ProjectionProgress projection) {
        this.store = store;
        this.openedAt = openedAt;
        this.sharedByNodes = sharedByNodes;
        this.dupIndex = new DuplicateIndex(projection == null ? dupIndexMax
                : duplicateKeysWithProjection(dupIndexMax, projectionLagLimit));
        this.projection = projection;
        this.projectedBeforeMillis = projection == null ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    /**
     * Journal records the tables may lack before new requests wait for them ({@link ProjectionHold}; then
     * {@code 91 PROJECTION_BEHIND}): the
     * working set keeps every row the tables lack, so a projection that stopped would otherwise grow it until the heap
     * is gone; and a restart after a crash applies that lag before it serves (20,000 records: 1.6 s here, median of 3,
     * docs/benchmarks.md "Restart"; 50,000 took 4-5 s, too much of the 10 s a restart may take). At full load on two
     * cores the projection was at most ~3,400 records behind (twenty samples of /metrics at 9,000 tps), so the limit
     * leaves it six times that; an operator who prefers a longer restart to a 91 raises it.
     */
    static final long PROJECTION_LAG_LIMIT = 20_000;
    /** Overrides {@link #PROJECTION_LAG_LIMIT} (read when the engine starts): tests, and an operator's tuning. */
    static final String PROJECTION_LAG_LIMIT_PROPERTY = "gateway.projection.lagLimit";

    private final long projectionLagLimit = io.switchgate.config.Tuning.wholeNumber(PROJECTION_LAG_LIMIT_PROPERTY, PROJECTION_LAG_LIMIT, 1, Long.MAX_VALUE);

    /** True if the tables are more than the lag limit ({@link #PROJECTION_LAG_LIMIT}) records behind the journal. */
    boolean projectionTooFarBehind() {
        return projection != null && projection.appendedSequence() - projection.projectedSequence() > projectionLagLimit;
    }

    /**
     * Before which instant every change the engine made is in the tables (engine thread, at each sweep). The sweep
     * notes the last appended sequence with the time; once the projection passes that sequence, rows last changed
     * before that time may go. A projection that stalls (its database down) stops eviction, never correctness.
     */
    private long projectedBefore(long nowMillis) {
        if (projection == null) return Long.MAX_VALUE;
        appendedAt.addLast(new long[] {nowMillis, projection.appendedSequence()});
        long projected = projection.projectedSequence();
        while (!appendedAt.isEmpty() && appendedAt.peekFirst()[1] <= projected) {
            projectedBeforeMillis = Math.max(projectedBeforeMillis, appendedAt.pollFirst()[0]);
        }
        return projectedBeforeMillis;
    }

    /**
     * After the working set was dropped with a projection: the journal sequence the tables must have applied before a
     * row is read from them again (0: nothing to wait for). Rows appended before the drop are newer in the journal
     * than in the tables until the tailer applies them; a card read back earlier would be debited again from a balance
     * without those sales, and their money would come back to it.
     */
    private long reloadFloor;

    /** How long a read after a drop waits for the tables to catch up before the request is answered 96. */
    static final Duration RELOAD_WAIT = Duration.ofSeconds(5);

    /**
     * Before every read of the store: once the working set was dropped with a projection, waits (bounded) until the
     * tables hold every record appended before that, then moves {@link #evictionEpoch} so that nothing the prefetch
     * stage read meanwhile is taken.
     *
     * @throws StoreException if the tables do not catch up in time (the request is answered 96)
     */
    private void tablesCurrent() {
        if (reloadFloor == 0) return;
        if (!projection.awaitProjected(reloadFloor, RELOAD_WAIT)) {
            throw new StoreException("the tables are behind the journal (they hold records up to "
                    + projection.projectedSequence() + ", the working set was dropped at " + reloadFloor
                    + "): nothing is read from them until they catch up");
        }
        reloadFloor = 0;
        evictionEpoch++;
    }

    /**
     * Forgets every row it holds, so the next request reads them from the store again. The duplicate and
     * early-reversal indexes stay: they only ever point at RRNs, and an RRN whose commit failed is simply
     * not found. (Reloading them would mean scanning 24 hours of journal.)
     */
    void invalidate() {
        lastNetwork.clear(); // one may not have been committed: its retransmission is answered afresh
        evictionEpoch++;
        sweepLeft = 0;
        if (projection != null) reloadFloor = Math.max(reloadFloor, projection.appendedSequence());
        terminals.clear();
        merchants.clear();
        cards.clear();
        openBatches.clear();
        settledBatches.clear();
        dayTotals.clear();
        txns.clear();
        reloaded.clear();
        children.clear();
        localChildren.clear();
        byTerminalStan.clear();
        olderWithStan.clear();
        referenceLoaded = false;
    }

    /**
     * Loads now what the first request would otherwise load (engine thread): the terminals and merchants, and 24 hours
     * of duplicate keys and early reversals from the store.
     *
     * @return the duplicate keys indexed
     */
    int load() {
        ensureLoaded();
        return dupIndex.size();
    }

    /** Whether the reference rows and the duplicate keys are loaded (tests: the start loads them). */
    boolean loaded() {
        return referenceLoaded && indexesLoaded;
    }

    private void ensureLoaded() {
        if (!referenceLoaded) {
            tablesCurrent();
            for (TerminalState t : store.listTerminals()) terminals.put(t.id(), t);
            for (MerchantState m : store.listMerchants()) merchants.put(m.id(), m);
            referenceLoaded = true;
        }
        if (!indexesLoaded) {
            tablesCurrent();
            Instant since = Instant.now().minus(DUPLICATE_WINDOW);
            // Kept as if answered now (their own 24-hour window is checked on the record when one is asked about).
            long loadedAt = Instant.now().toEpochMilli();
            store.forEachRecent(since, (key, rrn) -> indexDuplicateKey(key, rrn, loadedAt), r -> {
                if (r.originalStan() != null) {
                    orphanReversals.merge(r.terminalId() + '|' + r.originalStan(), r.createdAt().toEpochMilli(), Math::max);
                }
            });
            indexesLoaded = true;
        }
    }

    // ---- reference data ----
    TerminalState terminal(String id) {
        ensureLoaded();
        return id == null ? null : terminals.get(id.trim());
    }

    void put(TerminalState t) {
        terminals.put(t.id(), t);
    }

    /**
     * The terminal as the engine thread last put it in the working set, from any thread, loading nothing: null when it
     * is not there (unknown, or the working set not loaded yet). It may be replaced the next moment: see
     * {@link TerminalAdmission}.
     */
    TerminalState publishedTerminal(String id) {
        return id == null ? null : terminals.get(id);
    }

    MerchantState merchant(String id) {
        ensureLoaded();
        return id == null ? null : merchants.get(id.trim());
    }

    void put(MerchantState m) {
        merchants.put(m.id(), m);
    }

    /** The card of {@code panHash} if the working set holds it; never reads the store. */
    CardAccount cachedCard(String panHash) {
        return panHash == null ? null : cards.get(panHash);
    }

    @Override
    public CardAccount find(String panHash) {
        if (panHash == null) return null;
        CardAccount c = cards.get(panHash);
        if (c == null) {
            tablesCurrent();
            c = store.findCard(panHash).orElse(null);
            if (c != null) cards.put(panHash, c);
        }
        return c;
    }

    @Override
    public void put(CardAccount updated) {
        cards.put(updated.panHash(), updated);
    }

    // ---- batches and totals ----
    BatchState openBatch(TerminalState t, Instant now) {
        BatchState b = openBatches.get(t.id());
        if (b == null || b.batchNo() != t.batchNo()) {
            tablesCurrent();
            b = store.findBatch(t.id(), t.batchNo()).orElseGet(() -> BatchState.open(t.id(), t.batchNo(), now));
            openBatches.put(t.id(), b);
        }
        if (!b.open() && sharedByNodes) {
            // The terminal held here names a batch another node has settled since: its newer row (the next batch) is
            // in the store. Counted here, the sale would land in a closed batch and the next settlement would miss it.
            openBatches.remove(t.id());
            throw new io.switchgate.store.ConcurrentUpdateException("terminal " + t.id() + ": batch " + t.batchNo()
                    + " was settled on another node");
        }
        return b;
    }

    /**
     * A batch read by the prefetch stage, taken only if it is its terminal's open batch and the one held here (if
     * any) is another: the engine holds one batch per terminal, and a held batch of that number is newer than any
     * read (after a settlement the held one is the next batch, and the read one is not taken). Where several nodes
     * share the store, a held one the store has in a higher version is {@link #adoptNewer}'s.
     */
    private void adoptBatch(BatchState b) {
        if (b == null) return;
        TerminalState t = terminals.get(b.terminalId());
        if (t == null || t.batchNo() != b.batchNo()) return;
        BatchState held = openBatches.get(b.terminalId());
        if (held == null || held.batchNo() != b.batchNo()) openBatches.put(b.terminalId(), b);
    }

    /** The card and batch of {@code p}, where this node holds them in a lower version (several nodes only). */
    private void adoptNewer(Prefetch.Prefetched p) {
        CardAccount c = p.card();
        if (c != null) {
            CardAccount held = cards.get(c.panHash());
            if (held != null && c.version() > held.version()) cards.put(c.panHash(), c);
        }
        BatchState b = p.batch();
        if (b != null) {
            BatchState held = openBatches.get(b.terminalId());
            TerminalState t = terminals.get(b.terminalId());
            if (held != null && t != null && t.batchNo() == b.batchNo() && held.batchNo() == b.batchNo()
                    && b.version() > held.version()) {
                openBatches.put(b.terminalId(), b);
            }
        }
    }

    /**
     * True if another node may change what this one holds (several nodes share the store): a decision that writes
     * nothing of a row (a balance inquiry, a settlement answered 95) is then made on the store's newest version of it,
     * read by the prefetch stage, since no version check would catch a stale one.
     */
    /** What hosts answered to the latest balance inquiries (not store state: kept across {@link #invalidate}). */
    HostBalances hostBalances() {
        return hostBalances;
    }

    private final HostBalances hostBalances = new HostBalances();

    boolean sharedByNodes() {
        return sharedByNodes;
    }

    boolean holdsOpenBatch(TerminalState t) {
        BatchState b = openBatches.get(t.id());
        return b != null && b.batchNo() == t.batchNo();
    }

    boolean holdsDayTotal(String merchantId, LocalDate day) {
        return dayTotals.containsKey(dayKey(merchantId, day));
    }

    /** The batch a transaction was counted in, if it is still the open one. */
    BatchState openBatchIfCurrent(TerminalState t, long batchNo, Instant now) {
        return t != null && t.batchNo() == batchNo ? openBatch(t, now) : null;
    }

    void put(BatchState b) {
        openBatches.put(b.terminalId(), b);
    }

    /** A batch its settlement closed (held until the terminal settles the next one). */
    void settled(BatchState closed) {
        settledBatches.put(closed.terminalId(), closed);
    }

    /**
     * Batch {@code batchNo} of the terminal once settled: the one held since its settlement, else (a start since, or
     * an older batch) as the tables have it. Null if neither has it.
     */
    BatchState settledBatch(String terminalId, long batchNo) {
        BatchState b = settledBatches.get(terminalId);
        if (b != null && b.batchNo() == batchNo) return b;
        tablesCurrent();
        return store.findBatch(terminalId, batchNo).orElse(null);
    }

    MerchantDayTotal dayTotal(String merchantId, LocalDate day) {
        String key = dayKey(merchantId, day);
        MerchantDayTotal d = dayTotals.get(key);
        if (d == null) {
            tablesCurrent();
            d = store.findDayTotal(merchantId, day).orElseGet(() -> MerchantDayTotal.empty(merchantId, day));
            dayTotals.put(key, d);
        }
        return d;
    }

    private static String dayKey(String merchantId, LocalDate day) {
        return merchantId + '|' + day;
    }

    void put(MerchantDayTotal d) {
        dayTotals.put(dayKey(d.merchantId(), d.day()), d);
    }

    /**
     * Moves whenever a transaction leaves the working set (a sweep, or everything dropped after a failed commit). A
     * row read from the store while this stayed put is still the newest: had the engine changed it since, the row would
     * be in the working set, and only a move of this lets it go (see {@link #adopt}).
     */
    private long evictionEpoch;

    long evictionEpoch() {
        return evictionEpoch;
    }

    /** True if the working set holds this transaction (no store read needed). */
    boolean holdsCard(String panHash) {
        return cards.containsKey(panHash);
    }

    boolean holdsTxn(String rrn) {
        return txns.containsKey(rrn);
    }

    /**
     * Takes what the prefetch stage read (an original and its children) as if this thread had read it, unless it may
     * be stale: something left the working set since the read began, or the working set has the original now.
     */
    void adopt(Prefetch.Prefetched p) {
        // Several nodes: a card or batch held here that the store has in a higher version is taken whatever left the
        // working set since the read began (a higher version is newer, and the epoch moves with every sweep, once a
        // second: a balance inquiry or settlement whose read spanned one would be decided on the stale copy).
        if (sharedByNodes) adoptNewer(p);
        if (p.epoch() != evictionEpoch || reloadFloor != 0) return;
        // A card is only dropped with the whole working set (which moves the epoch): one not held now was not changed
        // here since the read began, so the store's row is its newest.
        if (p.card() != null) cards.putIfAbsent(p.card().panHash(), p.card()); // a held one: adoptNewer's
        adoptBatch(p.batch());
        if (p.dayTotal() != null) dayTotals.putIfAbsent(dayKey(p.dayTotal().merchantId(), p.dayTotal().day()), p.dayTotal());
        if (p.original() == null || txns.containsKey(p.rrn())) return;
        cacheFromStore(p.original());
        if (children.get(p.rrn()) != null) return;
        List<String> kids = new ArrayList<>(p.children().size() + 1);
        for (TxnRecord t : p.children()) {
            if (!txns.containsKey(t.rrn())) cacheFromStore(t);
            if (!kids.contains(t.rrn())) kids.add(t.rrn()); // once each, even through an index a kill left with an entry twice
        }
        List<String> local = localChildren.get(p.rrn());
        if (local != null) for (String rrn : local) if (!kids.contains(rrn)) kids.add(rrn);
        children.put(p.rrn(), kids);
    }

    // ---- journal ----
    TxnRecord txn(String rrn) {
        if (rrn == null) return null;
        TxnRecord t = txns.get(rrn);
        if (t == null) {
            tablesCurrent();
            t = store.findByRrn(rrn).orElse(null);
            if (t != null) cacheFromStore(t);
        }
        return t;
    }

    private void cacheFromStore(TxnRecord t) {
        txns.put(t.rrn(), t);
        reloaded.add(t.rrn());
    }

    /** Records a new or changed transaction in the working set and its indexes. */
    void put(TxnRecord t) {
        TxnRecord previous = txns.put(t.rrn(), t);
        if (previous == null) {
            if (t.dupKey() != null) {
                indexDuplicateKey(t.dupKey(), t.rrn(), t.createdAt().toEpochMilli());
            }
            if (t.type() == TxnType.REVERSAL) {
                if (t.originalRrn() == null && t.originalStan() != null) {
                    orphanReversals.put(t.terminalId() + '|' + t.originalStan(), t.createdAt().toEpochMilli());
                }
            } else if (t.type() != TxnType.SETTLEMENT && t.stan() != null && t.dupKey() != null) {
                // (a screened request, journaled without a duplicate key, is never what a reversal names)
                String before = byTerminalStan.put(t.terminalId(), t.stan(), t.rrn());
                if (before != null && !before.equals(t.rrn())) {
                    olderWithStan.computeIfAbsent(t.terminalId() + '|' + t.stan(), k -> new ArrayList<>(2)).add(before);
                }
            }
            if (t.originalRrn() != null) {
                List<String> kids = children.get(t.originalRrn());
                if (kids != null) kids.add(t.rrn());
                localChildren.computeIfAbsent(t.originalRrn(), k -> new ArrayList<>(2)).add(t.rrn());
            }
        }
    }

    /**
     * True if a key this node's index lacks must be asked of the store: several nodes share it (a retransmission may
     * come here after its first answer came from another node, the terminal having failed over), or the index is
     * full and has let keys of the last 24 hours go. The prefetch stage then reads the key before the decision.
     */
    boolean duplicatesNeedStore(Instant now) {
        return duplicatesNeedStore(now.toEpochMilli());
    }

    /** As {@link #duplicatesNeedStore(Instant)}, at {@code nowMillis} (no allocation: asked for every request). */
    boolean duplicatesNeedStore(long nowMillis) {
        ensureLoaded();
        return sharedByNodes || dupHorizonMillis > nowMillis - DUPLICATE_WINDOW_MILLIS;
    }

    private static final long DUPLICATE_WINDOW_MILLIS = DUPLICATE_WINDOW.toMillis();

    /** The request already answered under this duplicate key within 24 hours, or null. */
    TxnRecord answered(String terminalId, String stan, String dupKey, Instant now) {
        return answered(terminalId, stan, dupKey, now, null);
    }

    /**
     * As {@link #answered(String, String, String, Instant)}, with what the prefetch stage read of the key (null if it
     * read nothing for it). That read stands in for the store's: anything this node answered under the key since is
     * in the index, which is asked first; another node's answer since is the race a shared store always has (its
     * version checks make the later commit lose).
     */
    TxnRecord answered(String terminalId, String stan, String dupKey, Instant now, Prefetch.DupChecked read) {
        ensureLoaded();
        TxnRecord t = recordOfKey.find(dupKey);
        if (t != null && sharedByNodes && t.undecidedReversal()) {
            // This node's answer under the key is a reversal's 96 that decided nothing; another node may have decided
            // its repeat since (the newest record under the key): that is the answer now. Kept to its own 96, this node
            // decided every repeat again, lost each to that answer, and told the terminal 96 under RRNs it never
            // journaled (a re-audit on two PostgreSQL nodes, 8 of 8).
            tablesCurrent();
            for (TxnRecord other : store.findByTerminalAndStan(terminalId, stan)) { // newest first
                if (dupKey.equals(other.dupKey()) && !other.undecidedReversal()) {
                    if (!txns.containsKey(other.rrn())) cacheFromStore(other);
                    t = other;
                    break;
                }
            }
        }
        if (t == null && duplicatesNeedStore(now)) {
            // The store knows; this node's memory does not.
            Long reversedAt;
            if (read != null && read.dupKey().equals(dupKey)) {
                t = read.found();
                reversedAt = read.reversedBeforeArrivalAt();
            } else {
                tablesCurrent();
                t = store.findByDupKey(terminalId, stan, dupKey).orElse(null);
                reversedAt = sharedByNodes ? store.findOrphanReversals(
                        List.of(new TransactionStore.DupKeyLookup(terminalId, stan, dupKey)), now.minus(DUPLICATE_WINDOW))
                        .get(terminalId + '|' + stan) : null;
            }
            // A reversal another node answered 25 for this terminal and STAN: the late original is refused here too.
            if (reversedAt != null) orphanReversals.merge(terminalId + '|' + stan, reversedAt, Math::max);
            if (t != null && !txns.containsKey(t.rrn())) cacheFromStore(t);
        }
        if (t == null || t.createdAt().plus(DUPLICATE_WINDOW).isBefore(now)) return null;
        return t;
    }

    /** Refunds, voids and reversals that name this transaction as their original, oldest first. */
    List<TxnRecord> childrenOf(String originalRrn) {
        List<String> kids = children.get(originalRrn);
        if (kids == null) {
            // First time this original is asked about: what the store has (earlier runs, other nodes), plus what
            // this process journaled against it since (indexed as it happened, possibly not committed yet).
            kids = new ArrayList<>();
            TxnRecord original = txns.get(originalRrn);
            boolean onlyHere = store.exclusive() && original != null && !reloaded.contains(originalRrn)
                    && !original.createdAt().isBefore(openedAt);
            // An original journaled by this process on a store nobody else writes has only local children.
            if (!onlyHere) {
                tablesCurrent();
                for (TxnRecord t : store.findByOriginalRrn(originalRrn)) {
                    if (!txns.containsKey(t.rrn())) cacheFromStore(t);
                    if (!kids.contains(t.rrn())) kids.add(t.rrn()); // a refund counted once, whatever the index
                }
            }
            List<String> local = localChildren.get(originalRrn);
            if (local != null) for (String rrn : local) if (!kids.contains(rrn)) kids.add(rrn);
            children.put(originalRrn, kids);
        }
        List<TxnRecord> out = new ArrayList<>(kids.size());
        for (String rrn : kids) {
            TxnRecord t = txn(rrn);
            if (t != null) out.add(t);
        }
        return out;
    }

    /**
     * Each terminal's last echo and last sign-on that issued no keys, for their retransmission ({@link Engine#network};
     * engine thread only): kind -> terminal ID -> record (no key string built per echo).
     */
    private final Map<TxnType, Map<String, TxnRecord>> lastNetwork = new java.util.EnumMap<>(TxnType.class);

    /** The terminal's last request of this kind (echo, keyless sign-on) since the working set was last dropped, or null. */
    TxnRecord lastNetwork(String terminalId, TxnType type) {
        Map<String, TxnRecord> ofKind = lastNetwork.get(type);
        return ofKind == null ? null : ofKind.get(terminalId);
    }

    void networkAnswered(TxnRecord rec) {
        lastNetwork.computeIfAbsent(rec.type(), k -> new HashMap<>()).put(rec.terminalId(), rec);
    }

    /** True if this run's index knows a request of this terminal and STAN (a reversal of it needs no store read). */
    boolean indexesStan(String terminalId, String stan) {
        return byTerminalStan.contains(terminalId, stan);
    }

    /**
     * The request of this terminal with this STAN that a reversal names, or null: of the non-reversal requests with that
     * STAN, and when the reversal carries the original's DE 7 (DE 90) only those with that DE 7, the newest whose amount
     * is the reversal's DE 4 ({@code amount}; -1: none sent), else the newest. A terminal that reused a STAN (its counter
     * reset) names its original by STAN and amount: reversing whatever came last under the STAN answered 00 for a
     * balance inquiry or an already reversed sale, and left the sale the terminal meant charged (a black-box audit).
     * Requests of this process are indexed; older ones come from the store.
     * {@code prefetched} (may be null) is what the prefetch stage read from the store for this terminal and STAN,
     * used instead of reading it here when nothing left the working set since that read began (see {@link #adopt}).
     * For a reversal whose original never arrived, that is the store read the engine thread no longer makes.
     */
    TxnRecord reversalTarget(String terminalId, String stan, String de7, long amount, Prefetch.ReversalCandidates prefetched) {
        return reversalTarget(terminalId, stan, de7, amount, prefetched, null, null);
    }

    /**
     * As above, leaving out every request sent (by its DE 7) well after the reversal itself was ({@code reversalDe7}, on
     * the terminal's own clock; null: no such check): a reversal retransmitted a day late, its duplicate key expired,
     * reversed the newer sale that had reused its STAN (a black-box audit of reversals).
     */
    TxnRecord reversalTarget(String terminalId, String stan, String de7, long amount, Prefetch.ReversalCandidates prefetched,
                             String reversalDe7, Instant now) {
        String rrn = byTerminalStan.get(terminalId, stan);
        TxnRecord newest = rrn == null ? null : txn(rrn);
        if (newest != null && bears(newest, de7) && amountFits(newest, amount)
                && !sentAfter(newest, reversalDe7, now)) return newest; // nearly always
        List<TxnRecord> candidates = new ArrayList<>();
        if (newest != null) candidates.add(newest);
        List<String> older = olderWithStan.isEmpty() ? null : olderWithStan.get(terminalId + '|' + stan);
        if (older != null) {
            for (String o : older) {
                TxnRecord t = txns.get(o);
                if (t != null) candidates.add(t);
            }
        }
        List<TxnRecord> stored;
        if (prefetched != null && prefetched.epoch() == evictionEpoch && reloadFloor == 0 && prefetched.terminalId().equals(terminalId)
                && prefetched.stan().equals(stan)) {
            stored = new ArrayList<>(prefetched.candidates().size());
            for (Prefetch.Prefetched p : prefetched.candidates()) {
                adopt(p);
                TxnRecord held = txns.get(p.rrn());
                stored.add(held != null ? held : p.original());
            }
        } else {
            tablesCurrent();
            stored = store.findByTerminalAndStan(terminalId, stan);
        }
        // The working set's version of a row wins over the tables' (they may be behind the journal)
        for (TxnRecord t : stored) {
            TxnRecord held = txns.get(t.rrn());
            candidates.add(held != null ? held : t);
        }
        TxnRecord best = null;
        TxnRecord newestNamed = null;
        for (TxnRecord t : candidates) {
            if (t.type() == TxnType.REVERSAL || t.type() == TxnType.SETTLEMENT || t.dupKey() == null || !bears(t, de7)
                    || sentAfter(t, reversalDe7, now)) continue;
            if (newestNamed == null || t.createdAt().isAfter(newestNamed.createdAt())) newestNamed = t;
            if (amountFits(t, amount) && (best == null || t.createdAt().isAfter(best.createdAt()))) best = t;
        }
        if (best == null) best = newestNamed;
        if (best != null && !txns.containsKey(best.rrn())) cacheFromStore(best);
        return best;
    }

    private static boolean sentAfter(TxnRecord t, String reversalDe7, Instant now) {
        return reversalDe7 != null && now != null && TransmissionTime.sentAfter(t.transmissionTime(), reversalDe7, now);
    }

    /** True if {@code t} is the request sent with that DE 7 (null: none named). */
    private static boolean bears(TxnRecord t, String de7) {
        return de7 == null || de7.equals(t.transmissionTime());
    }

    /** True if a reversal of {@code amount} (-1: no DE 4) can be meant for {@code t}: a balance inquiry moved none. */
    private static boolean amountFits(TxnRecord t, long amount) {
        return amount < 0 || (t.type() == TxnType.BALANCE ? amount == 0 : t.amount() == amount);
    }

    private void forgetOlderWithStan(TxnRecord t) {
        String key = t.terminalId() + '|' + t.stan();
        List<String> rrns = olderWithStan.get(key);
        if (rrns != null && rrns.remove(t.rrn()) && rrns.isEmpty()) olderWithStan.remove(key);
    }

    /** True if a reversal naming this terminal and STAN arrived before any original did, within the last 24 hours. */
    boolean reversedBeforeArrival(String terminalId, String stan, Instant now) {
        ensureLoaded();
        if (orphanReversals.isEmpty()) return false; // nearly always: no key string built per request
        Long at = orphanReversals.get(terminalId + '|' + stan);
        return at != null && at >= now.minus(DUPLICATE_WINDOW).toEpochMilli();
    }

    // ---- operations waiting for a host ----

    /** Registers a request whose authorizer has not answered yet (see {@link #hostAnswered}). */
    void markAtHost(Request r, String stanKey, String originalRrn) {
        if (r.dupKey != null) awaitingHost.put(r.dupKey, r);
        awaitingHostByStan.put(stanKey, r);
        if (undoes(r)) undoesAtHostByTerminal.computeIfAbsent(r.terminal.id(), k -> new ArrayList<>(2)).add(r);
        if (originalRrn != null) hostOpsByOriginal.computeIfAbsent(originalRrn, k -> new ArrayList<>(2)).add(r);
    }

    /** The authorizer answered (and the answer has been decided on): twins and reversals waiting for it may go. */
    void hostAnswered(Request r, String stanKey, String originalRrn) {
        if (r.dupKey != null) awaitingHost.remove(r.dupKey, r);
        awaitingHostByStan.remove(stanKey, r);
        if (undoes(r)) {
            List<Request> undoing = undoesAtHostByTerminal.get(r.terminal.id());
            if (undoing != null) {
                undoing.remove(r);
                if (undoing.isEmpty()) undoesAtHostByTerminal.remove(r.terminal.id());
            }
        }
        if (originalRrn != null) {
            List<Request> ops = hostOpsByOriginal.get(originalRrn);
            if (ops != null) {
                ops.remove(r);
                if (ops.isEmpty()) hostOpsByOriginal.remove(originalRrn);
            }
        }
    }

    /**
     * Terminal ID -> its voids and reversals waiting for a host: a settlement of the terminal is decided after they
     * end (a void the host took while the batch closed could not be counted in it any more, and was declined here
     * while the host had undone the sale: an outside audit).
     */
    private final Map<String, List<Request>> undoesAtHostByTerminal = new HashMap<>();

    private static boolean undoes(Request r) {
        return r.terminal != null && (r.type == TxnType.VOID || r.type == TxnType.REVERSAL);
    }

    /** The terminal's voids and reversals waiting for a host (empty if none). */
    List<Request> undoesAtHost(String terminalId) {
        List<Request> undoing = undoesAtHostByTerminal.get(terminalId);
        return undoing == null ? List.of() : List.copyOf(undoing);
    }

    /** The request with this duplicate key that is waiting for a host, or null. */
    Request atHostWithKey(String dupKey) {
        return awaitingHost.get(dupKey);
    }

    /** The request of this terminal and STAN that is waiting for a host, or null. */
    Request atHostByStan(String terminalId, String stan) {
        return awaitingHostByStan.get(terminalId + '|' + stan);
    }

    /** The kinds of the operations on this original still waiting for a host (empty if none, or no original). */
    List<TxnType> hostOpKindsOn(TxnRecord original) {
        if (original == null) return List.of();
        List<Request> ops = hostOpsByOriginal.get(original.rrn());
        if (ops == null || ops.isEmpty()) return List.of();
        List<TxnType> kinds = new ArrayList<>(ops.size());
        for (Request op : ops) kinds.add(op.type);
        return kinds;
    }

    // ---- refunds waiting for a host: their amounts are held against the sale and the merchant's day ----

    /** Holds a refund's amount against its sale and its merchant's day while its authorizer decides. */
    void reserveRefund(String saleRrn, String merchantId, LocalDate day, long amount) {
        refundsInFlight.merge(saleRrn, amount, Long::sum);
        dayRefundsInFlight.merge(dayKey(merchantId, day), amount, Long::sum);
    }

    /** Lets go of what {@link #reserveRefund} held (the authorizer answered). */
    void releaseRefund(String saleRrn, String merchantId, LocalDate day, long amount) {
        unreserve(refundsInFlight, saleRrn, amount);
        unreserve(dayRefundsInFlight, dayKey(merchantId, day), amount);
    }

    private static void unreserve(Map<String, Long> reservations, String key, long amount) {
        reservations.computeIfPresent(key, (k, v) -> v - amount == 0 ? null : v - amount);
    }

    /** The amount of this sale's refunds waiting for a host. */
    long refundsReserved(String saleRrn) {
        return refundsInFlight.getOrDefault(saleRrn, 0L);
    }

    /** The amount of this merchant's refunds of this day waiting for a host. */
    long dayRefundsReserved(String merchantId, LocalDate day) {
        return dayRefundsInFlight.getOrDefault(dayKey(merchantId, day), 0L);
    }

    /** Refunds, voids and reversals of this original still waiting for a host (empty if none). */
    List<Request> hostOpsOn(String originalRrn) {
        List<Request> ops = hostOpsByOriginal.get(originalRrn);
        return ops == null ? List.of() : ops;
    }

    /**
     * Takes the terminals' and merchants' rows another node committed (status changes through its admin API): a row
     * whose store version is newer than the one held here replaces it. A row this node changed and has not committed
     * yet keeps its own (newer or equal) version; if that commit then loses its version check, it is decided again.
     */
    void refreshReference(List<TerminalState> storedTerminals, List<MerchantState> storedMerchants) {
        if (!referenceLoaded) return;
        for (TerminalState t : storedTerminals) {
            TerminalState held = terminals.get(t.id());
            if (held == null || t.version() > held.version()) terminals.put(t.id(), t);
        }
        for (MerchantState m : storedMerchants) {
            MerchantState held = merchants.get(m.id());
            if (held == null || m.version() > held.version()) merchants.put(m.id(), m);
        }
    }

    /** Rows at most one {@link #sweepSome} call looks at: 256 cold rows take ~0.4 ms (SweepBenchmark). */
    static final int SWEEP_SLICE = 256;

    /** The sweep under way (see {@link #beginSweep}): its cutoffs, and how many rows it may still look at. */
    private long sweepAgeCutoff;
    private long sweepDurableCutoff;
    private int sweepLeft;

    /**
     * Drops transactions that have not changed for a while from the working set (the store still has them;
     * they reload on demand), and duplicate keys older than 24 hours, all at once: {@link #beginSweep} and every slice.
     */
    void sweep(Instant now) {
        beginSweep(now);
        while (sweepSome(Integer.MAX_VALUE)) {
            // until the sweep has looked at every row it may drop
        }
    }

    /**
     * Starts a sweep (the engine does once a second): fixes which rows may leave, those last changed before its
     * cutoffs and in the tables, and drops duplicate keys older than 24 hours. The rows leave a slice at a time
     * ({@link #sweepSome}, after each request), so no request waits for a whole second's evictions (SweepBenchmark: 3.6 ms
     * for 10,000 cold rows, a slice 0.4 ms; docs/benchmarks.md, twenty-second session).
     *
     * <p>Why {@link #evictionEpoch} moves here, once, and not as each row leaves: a prefetch read that began after this
     * point sees, for any row this sweep lets go, its newest version in the tables (the row was in them before the
     * sweep began, and a row changed since is kept). One that began before has an older epoch and is thrown away, as
     * before. So the prefetch stage's reads are thrown away once a second, not at every slice.
     */
    void beginSweep(Instant now) {
        // a row may go once every commit that changed it has completed and, with a projection, the tables have it
        long durableBefore = Math.min(commitHorizon.advance(now.toEpochMilli()), projectedBefore(now.toEpochMilli()));
        sweepAgeCutoff = Math.min(now.minus(TXN_CACHE_AGE).toEpochMilli(), durableBefore);
        sweepDurableCutoff = durableBefore;
        sweepLeft = txns.size(); // one pass: a row kept and moved to the young end is not looked at again
        evictionEpoch++;
        long dupCutoff = now.minus(DUPLICATE_WINDOW).toEpochMilli();
        dupIndex.dropAddedBefore(dupCutoff);
        orphanReversals.values().removeIf(at -> at < dupCutoff);
    }

    /**
     * Lets up to {@code budget} rows of the sweep under way go, oldest first; stops at the first young row. A row
     * changed since its cutoff moves to the young end instead.
     *
     * @return true if the sweep has more to look at
     */
    boolean sweepSome(int budget) {
        if (sweepLeft <= 0) return false;
        List<TxnRecord> refreshed = null;
        Iterator<Map.Entry<String, TxnRecord>> it = txns.entrySet().iterator();
        int looked = 0;
        boolean more = false;
        while (it.hasNext()) {
            if (looked == budget || sweepLeft == 0) {
                more = sweepLeft > 0;
                break;
            }
            TxnRecord t = it.next().getValue();
            long created = t.createdAt().toEpochMilli();
            boolean overCap = txns.size() > txnCacheMax && created < sweepDurableCutoff;
            if (created >= sweepAgeCutoff && !overCap) break;
            looked++;
            sweepLeft--;
            long cutoff = overCap ? Math.max(sweepAgeCutoff, sweepDurableCutoff) : sweepAgeCutoff;
            it.remove();
            if (t.updatedAt().toEpochMilli() >= cutoff) {
                if (refreshed == null) refreshed = new ArrayList<>();
                refreshed.add(t);
                continue;
            }
            children.remove(t.rrn());
            localChildren.remove(t.rrn());
            reloaded.remove(t.rrn());
            if (t.stan() != null) {
                byTerminalStan.remove(t.terminalId(), t.stan(), t.rrn());
                if (!olderWithStan.isEmpty()) forgetOlderWithStan(t);
            }
        }
        if (refreshed != null) for (TxnRecord t : refreshed) txns.put(t.rrn(), t);
        if (!more) sweepLeft = 0;
        return more;
    }

    /** True while a sweep has rows left to look at (the engine gives it a slice after each request). */
    boolean sweeping() {
        return sweepLeft > 0;
    }

    /**
     * Indexes a key; if the index was full its oldest key left, and from then on keys answered up to that one's time are
     * looked up in the store when missing.
     */
    private void indexDuplicateKey(String key, String rrn, long answeredMillis) {
        long dropped = dupIndex.add(key, rrn, answeredMillis);
        if (dropped != DuplicateIndex.NOTHING_DROPPED) dupHorizonMillis = Math.max(dupHorizonMillis, dropped + 1);
    }

    /**
     * The record answered under a duplicate key, as the index has it: of the RRNs stored under the key's hash, the newest
     * whose record carries that very key (another key may share the hash).
     */
    private final class RecordOfKey implements java.util.function.Predicate<String> {
        private String key;
        private TxnRecord found;

        TxnRecord find(String dupKey) {
            key = dupKey;
            found = null;
            try {
                return dupIndex.find(dupKey, this) == null ? null : found;
            } finally {
                key = null;
            }
        }

        @Override
        public boolean test(String rrn) {
            TxnRecord t = txn(rrn);
            if (t == null || !key.equals(t.dupKey())) return false;
            found = t;
            return true;
        }
    }

    int cachedDuplicateKeys() {
        return dupIndex.size();
    }

    int cachedTransactions() {
        return txns.size();
    }
}
