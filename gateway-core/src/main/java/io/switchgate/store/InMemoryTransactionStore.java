package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link TransactionStore} in memory: the same version rules and per-set atomicity as the JDBC store,
 * without persistence. For tests, benchmarks and embedding.
 *
 * <p>Writes ({@link #apply}) are serialized by one lock; every change set is checked in full against the
 * current rows (plus the earlier rows of the same set) before any of it is made visible. Reads are
 * lock-free; a reader may see one set's rows appear one after another (each row is always whole).
 */
public final class InMemoryTransactionStore implements TransactionStore {

    /** Newest first: created_at descending, then rrn descending (same order as the JDBC store). */
    static final Comparator<TxnRecord> NEWEST_FIRST =
            Comparator.comparing(TxnRecord::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(TxnRecord::rrn).reversed();
    static final Comparator<TxnRecord> OLDEST_FIRST = NEWEST_FIRST.reversed();

    private final ReentrantLock writeLock = new ReentrantLock();

    private final Map<String, TxnRecord> txns = new ConcurrentHashMap<>();
    private final Map<String, List<String>> byDupKey = new ConcurrentHashMap<>();
    private final Map<String, List<String>> byTerminalStan = new ConcurrentHashMap<>();
    private final Map<String, List<String>> byOriginalRrn = new ConcurrentHashMap<>();
    private final Map<String, List<String>> refundsByMerchant = new ConcurrentHashMap<>();

    private final Map<String, TerminalState> terminals = new ConcurrentHashMap<>();
    private final Map<String, MerchantState> merchants = new ConcurrentHashMap<>();
    private final Map<String, CardAccount> cards = new ConcurrentHashMap<>();
    private final Map<String, BatchState> batches = new ConcurrentHashMap<>();
    private final Map<String, MerchantDayTotal> dayTotals = new ConcurrentHashMap<>();
    private final Map<String, List<StatusEvent>> events = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();

    private volatile boolean closed;
    /** The projection mark (issue 14); written under {@link #writeLock}. */
    private volatile long projectedSequence;

    @Override
    public boolean exclusive() {
        return true;
    }

    @Override
    public void migrate() {
        // nothing to create
    }

    @Override
    public List<RuntimeException> apply(List<ChangeSet> group) {
        checkOpen();
        List<RuntimeException> result = new ArrayList<>(group.size());
        writeLock.lock();
        try {
            java.util.Set<Long> failedLineages = new java.util.HashSet<>();
            for (ChangeSet set : group) {
                RuntimeException failure = set.restsOnFailed(failedLineages) ? ChangeSets.restsOnFailed() : check(set);
                if (failure == null) write(set);
                else if (set.lineage != 0) failedLineages.add(set.lineage);
                result.add(failure);
            }
        } finally {
            writeLock.unlock();
        }
        return result;
    }

    /**
     * The projection's write (see {@link TransactionStore#applyProjected}): every set in order, unconditionally (a row
     * takes its last version), and the mark, under the write lock; nothing is checked but the mark.
     */
    @Override
    public boolean applyProjected(List<ChangeSet> sets, long afterSeq, long lastSeq) {
        checkOpen();
        if (lastSeq <= afterSeq || afterSeq < 0) {
            throw new IllegalArgumentException("a projected batch covers sequences after " + afterSeq + " up to " + lastSeq
                    + ": the last must be greater than the first");
        }
        writeLock.lock();
        try {
            long mark = projectedSequence;
            if (mark > afterSeq) return false;
            if (mark < afterSeq) {
                throw new StoreException("projection out of step: the store has journal records up to " + mark
                        + ", the batch covers " + (afterSeq + 1) + ".." + lastSeq + ": records " + (mark + 1) + ".."
                        + afterSeq + " would be skipped (re-read the mark and tail from there)");
            }
            for (ChangeSet set : sets) write(set);
            projectedSequence = lastSeq;
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long projectedSequence() {
        checkOpen();
        return projectedSequence;
    }

    /** Verifies every row of the set against the current rows and the set's own earlier rows. */
    private RuntimeException check(ChangeSet set) {
        Map<String, Long> pending = new HashMap<>();
        for (TxnRecord t : set.txns) {
            RuntimeException e = checkRow(pending, "transactions", t.rrn(), t.version(), txns.get(t.rrn()), TxnRecord::version);
            if (e != null) return e;
        }
        for (CardAccount c : set.cards) {
            RuntimeException e = checkRow(pending, "cards", c.panHash(), JdbcTable.cardKey(c), c.version(), cards.get(c.panHash()), CardAccount::version);
            if (e != null) return e;
        }
        for (TerminalState t : set.terminals) {
            RuntimeException e = checkRow(pending, "terminals", t.id(), t.version(), terminals.get(t.id()), TerminalState::version);
            if (e != null) return e;
        }
        for (MerchantState m : set.merchants) {
            RuntimeException e = checkRow(pending, "merchants", m.id(), m.version(), merchants.get(m.id()), MerchantState::version);
            if (e != null) return e;
        }
        for (BatchState b : set.batches) {
            String k = batchKey(b.terminalId(), b.batchNo());
            RuntimeException e = checkRow(pending, "batches", k, b.version(), batches.get(k), BatchState::version);
            if (e != null) return e;
        }
        for (MerchantDayTotal d : set.dayTotals) {
            String k = dayKey(d.merchantId(), d.day());
            RuntimeException e = checkRow(pending, "merchant_day_totals", k, d.version(), dayTotals.get(k), MerchantDayTotal::version);
            if (e != null) return e;
        }
        for (StatusEvent ev : set.events) {
            if (ev.subjectKind() == null || ev.subjectId() == null || ev.at() == null) {
                return new StoreException("status_events: subject kind, id and time are required");
            }
        }
        return null;
    }

    private static <R> RuntimeException checkRow(Map<String, Long> pending, String table, String key, long version,
                                                 R current, java.util.function.ToLongFunction<R> versionOf) {
        return checkRow(pending, table, key, key, version, current, versionOf);
    }

    /** @param label the key as messages show it (a card by the start of its hash, never a PAN field) */
    private static <R> RuntimeException checkRow(Map<String, Long> pending, String table, String key, String label,
                                                 long version, R current, java.util.function.ToLongFunction<R> versionOf) {
        if (key == null) return new StoreException(table + ": primary key is null");
        if (version < 1) return new StoreException(table + " " + label + ": version " + version + " is not >= 1");
        String pk = table + '\0' + key;
        Long seen = pending.get(pk);
        long currentVersion = seen != null ? seen : current == null ? 0 : versionOf.applyAsLong(current);
        if (version == 1) {
            if (currentVersion != 0) return new ConcurrentUpdateException(table + " " + label + ": already exists");
        } else if (currentVersion != version - 1) {
            return new ConcurrentUpdateException(table + " " + label + ": expected version " + (version - 1)
                    + (currentVersion == 0 ? ", row missing" : ", found " + currentVersion));
        }
        pending.put(pk, version);
        return null;
    }

    private void write(ChangeSet set) {
        for (TxnRecord t : set.txns) {
            TxnRecord old = txns.put(t.rrn(), t);
            index(old, t);
        }
        for (CardAccount c : set.cards) cards.put(c.panHash(), c);
        for (TerminalState t : set.terminals) terminals.put(t.id(), t);
        for (MerchantState m : set.merchants) merchants.put(m.id(), m);
        for (BatchState b : set.batches) batches.put(batchKey(b.terminalId(), b.batchNo()), b);
        for (MerchantDayTotal d : set.dayTotals) dayTotals.put(dayKey(d.merchantId(), d.day()), d);
        for (StatusEvent e : set.events) {
            events.computeIfAbsent(eventKey(e.subjectKind(), e.subjectId()), k -> new CopyOnWriteArrayList<>()).add(e);
        }
    }

    private void index(TxnRecord old, TxnRecord t) {
        reindex(byDupKey, old == null ? null : old.dupKey(), t.dupKey(), t.rrn());
        reindex(byTerminalStan, old == null ? null : terminalStanKey(old), terminalStanKey(t), t.rrn());
        reindex(byOriginalRrn, old == null ? null : old.originalRrn(), t.originalRrn(), t.rrn());
        reindex(refundsByMerchant, old == null ? null : refundKey(old), refundKey(t), t.rrn());
    }

    private static void reindex(Map<String, List<String>> index, String oldKey, String newKey, String rrn) {
        if (oldKey != null && oldKey.equals(newKey)) return;
        if (oldKey != null) {
            List<String> l = index.get(oldKey);
            if (l != null) l.remove(rrn);
        }
        if (newKey != null) index.computeIfAbsent(newKey, k -> new CopyOnWriteArrayList<>()).add(rrn);
    }

    private static String terminalStanKey(TxnRecord t) {
        return t.terminalId() == null || t.stan() == null ? null : t.terminalId() + '\0' + t.stan();
    }

    private static String refundKey(TxnRecord t) {
        return t.type() == TxnType.REFUND && t.merchantId() != null ? t.merchantId() : null;
    }

    private static String batchKey(String terminalId, long batchNo) {
        return terminalId + '\0' + batchNo;
    }

    private static String dayKey(String merchantId, LocalDate day) {
        return merchantId + '\0' + day;
    }

    private static String eventKey(String kind, String id) {
        return kind + '\0' + id;
    }

    private List<TxnRecord> lookup(Map<String, List<String>> index, String key, Comparator<TxnRecord> order) {
        checkOpen();
        if (key == null) return List.of();
        List<String> rrns = index.get(key);
        if (rrns == null || rrns.isEmpty()) return List.of();
        List<TxnRecord> out = new ArrayList<>(rrns.size());
        for (String rrn : rrns) {
            TxnRecord t = txns.get(rrn);
            if (t != null) out.add(t);
        }
        if (out.size() > 1) out.sort(order);
        return out;
    }

    @Override
    public Optional<TxnRecord> findByRrn(String rrn) {
        checkOpen();
        return rrn == null ? Optional.empty() : Optional.ofNullable(txns.get(rrn));
    }

    @Override
    public Optional<TxnRecord> findByDupKey(String terminalId, String stan, String dupKey) {
        for (TxnRecord t : lookup(byDupKey, dupKey, NEWEST_FIRST)) {
            if (t.terminalId().equals(terminalId) && t.stan().equals(stan)) return Optional.of(t);
        }
        return Optional.empty();
    }

    @Override
    public List<TxnRecord> findByTerminalAndStan(String terminalId, String stan) {
        return lookup(byTerminalStan, terminalId == null || stan == null ? null : terminalId + '\0' + stan, NEWEST_FIRST);
    }

    @Override
    public List<TxnRecord> findByOriginalRrn(String originalRrn) {
        return lookup(byOriginalRrn, originalRrn, OLDEST_FIRST);
    }

    @Override
    public void forEachDupKeySince(Instant since, java.util.function.BiConsumer<String, String> sink) {
        for (TxnRecord t : txns.values()) {
            if (t.dupKey() != null && t.createdAt() != null && !t.createdAt().isBefore(since)) sink.accept(t.dupKey(), t.rrn());
        }
    }

    @Override
    public List<TxnRecord> findOrphanReversals(Instant since) {
        List<TxnRecord> out = new ArrayList<>();
        for (TxnRecord t : txns.values()) {
            if (t.type() == TxnType.REVERSAL && t.originalRrn() == null && t.createdAt() != null && !t.createdAt().isBefore(since)) out.add(t);
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    @Override
    public List<TxnRecord> findRefunds(String merchantId, Instant from, Instant to) {
        List<TxnRecord> all = lookup(refundsByMerchant, merchantId, OLDEST_FIRST);
        List<TxnRecord> out = new ArrayList<>(all.size());
        for (TxnRecord t : all) {
            Instant c = t.createdAt();
            if (c != null && !c.isBefore(from) && c.isBefore(to)) out.add(t);
        }
        return out;
    }

    @Override
    public Optional<TerminalState> findTerminal(String id) {
        checkOpen();
        return id == null ? Optional.empty() : Optional.ofNullable(terminals.get(id));
    }

    @Override
    public List<TerminalState> listTerminals() {
        checkOpen();
        List<TerminalState> l = new ArrayList<>(terminals.values());
        l.sort(Comparator.comparing(TerminalState::id));
        return l;
    }

    @Override
    public Optional<MerchantState> findMerchant(String id) {
        checkOpen();
        return id == null ? Optional.empty() : Optional.ofNullable(merchants.get(id));
    }

    @Override
    public List<MerchantState> listMerchants() {
        checkOpen();
        List<MerchantState> l = new ArrayList<>(merchants.values());
        l.sort(Comparator.comparing(MerchantState::id));
        return l;
    }

    @Override
    public Optional<CardAccount> findCard(String panHash) {
        checkOpen();
        return panHash == null ? Optional.empty() : Optional.ofNullable(cards.get(panHash));
    }

    @Override
    public Optional<BatchState> findBatch(String terminalId, long batchNo) {
        checkOpen();
        return Optional.ofNullable(batches.get(batchKey(terminalId, batchNo)));
    }

    @Override
    public Optional<MerchantDayTotal> findDayTotal(String merchantId, LocalDate day) {
        checkOpen();
        return Optional.ofNullable(dayTotals.get(dayKey(merchantId, day)));
    }

    @Override
    public List<StatusEvent> events(String subjectKind, String subjectId) {
        checkOpen();
        List<StatusEvent> l = events.get(eventKey(subjectKind, subjectId));
        if (l == null) return List.of();
        List<StatusEvent> out = new ArrayList<>(l);
        out.sort(Comparator.comparing(StatusEvent::at)); // stable: insertion order among equal times
        return out;
    }

    @Override
    public long reserveSequence(String name, int count) {
        checkOpen();
        if (name == null || count < 1) throw new IllegalArgumentException("sequence name and a count >= 1 are required");
        return sequences.computeIfAbsent(name, n -> new AtomicLong(firstFree(n))).getAndAdd(count);
    }

    /** As {@link SequenceRepair#firstFree}: a new RRN sequence starts past every RRN of its node held here. */
    private long firstFree(String name) {
        String node = RrnSequence.nodeOf(name);
        if (node == null) return 1;
        long highest = 0;
        for (String rrn : txns.keySet()) highest = Math.max(highest, RrnSequence.numberOf(rrn, node));
        return highest + 1;
    }

    @Override
    public boolean isHealthy() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) throw new StoreException("store is closed");
    }
}
