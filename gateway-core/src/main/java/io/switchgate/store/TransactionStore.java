package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.OrphanReversal;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's durable state: the journal of transactions, terminals, merchants, batches,
 * embedded-authorizer cards, and the audit trail.
 *
 * <p>Reads are plain queries. All writes go through {@link #apply(List)}: a group of change sets
 * committed in one database transaction (the group-commit writer calls it), each set applied
 * under a savepoint so that one conflicting set does not sink the others.
 *
 * <p>Implementations: {@code JdbcTransactionStore} (H2 embedded and PostgreSQL, same SQL) and
 * {@code InMemoryTransactionStore} (tests, benchmarks, embedding without persistence).
 */
public interface TransactionStore extends AutoCloseable {

    /** Creates or upgrades the schema. Idempotent. */
    void migrate();

    /**
     * Applies each change set atomically; all sets that succeed are committed together.
     *
     * @return for each input set, in order, null if it was applied, or the exception that rejected it
     *         (typically {@link ConcurrentUpdateException}); a failure of the commit itself throws {@link StoreException}
     */
    List<RuntimeException> apply(List<ChangeSet> group);

    // ---- projection of the journal (issue 14) ----

    /**
     * Writes {@code sets} as the projection of the journal records {@code afterSeq + 1 .. lastSeq}, in order and
     * unconditionally (no version check: the ledger decided them already; a row takes the values of its last version
     * in the batch), and sets the projection mark to {@code lastSeq}, all in one transaction. The mark moves only from
     * {@code afterSeq}: if the store already has any of the batch (its mark is past {@code afterSeq}: another tailer,
     * or a commit this one saw fail) nothing is applied and the result is false; the caller re-reads
     * {@link #projectedSequence()} and goes on from there. So a tailer run from an old sequence applies nothing twice.
     *
     * @return true if applied; false if the store's mark is already past {@code afterSeq} (nothing applied)
     * @throws StoreException if the mark is before {@code afterSeq} (records would be skipped), or the commit fails
     *                        (nothing applied)
     */
    default boolean applyProjected(List<ChangeSet> sets, long afterSeq, long lastSeq) {
        throw new UnsupportedOperationException("applyProjected: " + getClass().getSimpleName() + " is not a projection");
    }

    /**
     * Writes journal records the store already counts as applied once more (rows by key, status events where missing),
     * without moving the mark: at start, for a store that can lose part of its commits in a crash (H2 writes its pages
     * in the background, and a kill can leave the mark moved without every row of the commits before it). The
     * default does nothing: a store whose commits are atomic and durable (PostgreSQL; memory) has nothing to mend.
     */
    default void reapplyProjectedRows(List<ChangeSet> sets) {
    }

    /**
     * The first journal sequence the store's files may not hold whole: the first after its last {@link #saveProjection}
     * (what {@link #reapplyProjectedRows} writes again at start); {@code projectedSequence() + 1} when they hold every
     * record whole, or -1 if unknown.
     */
    default long projectedBatchFrom() {
        return -1;
    }

    /**
     * Mends what {@code failure} shows damaged in the store's own files, if it can, so that the work that failed may be
     * tried again: an H2 file's index that lost a row, which a kill can leave (that table's indexes are rebuilt from
     * its rows). At start only, before anything else uses the store: a rebuild locks its table.
     *
     * @return what was mended (for the log), or null if nothing was found to mend (the default)
     * @throws StoreException the damage was found but mending it failed (named)
     */
    default String repairAfter(RuntimeException failure) {
        return null;
    }

    /**
     * Marks the start's recovery (true before it, false after): nothing else uses the store meanwhile, so a store may
     * treat a lock it cannot get as damage rather than wait its usual time (H2: {@link #repairAfter}). The default
     * does nothing.
     */
    default void recovering(boolean on) {
    }

    /** The journal sequence of the last record applied by {@link #applyProjected} (0 before the first). */
    default long projectedSequence() {
        throw new UnsupportedOperationException("projectedSequence: " + getClass().getSimpleName() + " is not a projection");
    }

    /**
     * Makes the projection so far survive a crash and a power loss in the store's own files, and returns the mark that
     * now does: journal records up to it may be pruned. The default suits a database whose commits are already
     * durable (PostgreSQL; memory, which keeps nothing anyway).
     */
    default long saveProjection() {
        return projectedSequence();
    }

    /**
     * As {@link #saveProjection()}; without {@code force} the store's files need only survive a crash of the process
     * (their pages handed to the operating system, not forced): for a journal whose own durability is {@code write}.
     */
    default long saveProjection(boolean force) {
        return saveProjection();
    }

    /**
     * Takes the tables for one node's file journal (their projection; {@code owner} names the node and its journal):
     * from now on no other gateway may use them, as a projection or as a shared journal, until this store closes; and
     * until {@link #releaseProjection} they are marked as a projection that may lack journaled records, which a
     * gateway that would make them its journal refuses ({@link #joinAsJournal}). The default, for stores no other
     * process can reach (an H2 file, memory), does nothing.
     *
     * @throws StoreException another gateway uses the tables (named), or the database failed
     */
    default void claimProjection(String owner) {
    }

    /** After a clean stop whose projection caught up with the journal: the tables hold every record; the mark goes. */
    default void releaseProjection() {
    }

    /**
     * The database is this node's journal (several nodes may share it): refuses tables a node's file journal holds
     * ({@link #claimProjection}), or held and did not release (it stopped before its projection caught up: records
     * it journaled may be missing from the tables). The default does nothing.
     *
     * @throws StoreException the tables are, or were left, a file journal's projection (named)
     */
    default void joinAsJournal() {
    }

    /**
     * Several nodes decide on this store (it is their journal): from now on a commit also checks each new record
     * against what other nodes committed since it was decided (the same request, an original and a reversal kept
     * without it) and rejects it as a lost race when they contradict it. The default, for stores only one node
     * writes, does nothing.
     */
    default void claimDecisionsAcrossNodes() {
    }

    // ---- journal ----
    Optional<TxnRecord> findByRrn(String rrn);

    /**
     * The transaction of this terminal and STAN answered under this duplicate-detection key, if any (the newest if
     * several). Terminal and STAN are part of every duplicate key; the JDBC store finds the row through its
     * (terminal, STAN) index, so the journal keeps no index of its own on the key (one index less per insert).
     */
    Optional<TxnRecord> findByDupKey(String terminalId, String stan, String dupKey);

    /** One duplicate-detection key to look up: a request's terminal, STAN and key (see {@link #findByDupKey}). */
    record DupKeyLookup(String terminalId, String stan, String dupKey) { }

    /**
     * {@link #findByDupKey} for many keys at once (the prefetch stage asks for a batch of requests in one read): the
     * newest transaction of each key found, by key; a key the store lacks is absent. This default asks one by one.
     */
    default java.util.Map<String, TxnRecord> findByDupKeys(java.util.Collection<DupKeyLookup> keys) {
        java.util.Map<String, TxnRecord> found = new java.util.HashMap<>();
        for (DupKeyLookup k : keys) findByDupKey(k.terminalId(), k.stan(), k.dupKey()).ifPresent(t -> found.put(k.dupKey(), t));
        return found;
    }

    /**
     * What one read of a batch's keys found: transactions by duplicate key ({@link #findByDupKeys}) and, where asked,
     * the reversals that found no original ({@link #findOrphanReversals(java.util.Collection, Instant)}; null if not
     * asked).
     */
    record KeysRead(java.util.Map<String, TxnRecord> found, java.util.Map<String, Long> orphans) { }

    /**
     * {@link #findByDupKeys} and, unless {@code orphansSince} is null, {@link #findOrphanReversals(java.util.Collection,
     * Instant)} for the same keys: what the prefetch stage reads for a batch of requests on a store several nodes share.
     * The JDBC store makes it one round trip.
     */
    default KeysRead readKeys(java.util.Collection<DupKeyLookup> keys, Instant orphansSince) {
        return new KeysRead(findByDupKeys(keys), orphansSince == null ? null : findOrphanReversals(keys, orphansSince));
    }

    /** Transactions of a terminal with this STAN (requests and reversals), newest first. */
    List<TxnRecord> findByTerminalAndStan(String terminalId, String stan);

    /** Refunds, voids and reversals that name this RRN as their original, oldest first. */
    List<TxnRecord> findByOriginalRrn(String originalRrn);

    /**
     * Calls {@code sink} with (dupKey, rrn) of every transaction created at or after {@code since}:
     * the engine preloads its duplicate index with the last 24 hours on start.
     */
    default void forEachDupKeySince(Instant since, java.util.function.BiConsumer<String, String> sink) {
        throw new UnsupportedOperationException("forEachDupKeySince");
    }

    /**
     * What the engine loads on start, in one pass over the window where the store can: {@code dupKeys} gets what
     * {@link #forEachDupKeySince} gives, {@code orphans} every reversal of {@link #findOrphanReversals} (in no
     * particular order).
     */
    default void forEachRecent(Instant since, java.util.function.BiConsumer<String, String> dupKeys,
                               java.util.function.Consumer<OrphanReversal> orphans) {
        forEachDupKeySince(since, dupKeys);
        for (TxnRecord r : findOrphanReversals(since)) orphans.accept(OrphanReversal.of(r));
    }

    /** Reversals created at or after {@code since} that found no original (originalRrn null), oldest first. */
    default List<TxnRecord> findOrphanReversals(Instant since) {
        throw new UnsupportedOperationException("findOrphanReversals");
    }

    /**
     * Of the (terminal, STAN) pairs of {@code keys}: those a reversal created at or after {@code since} named as its
     * original (DE 90, else its DE 11) and found none for, as {@code "terminal|STAN"} -> when the newest such reversal
     * was created (epoch millis); a pair none named is absent. A node sharing the store with others asks it for the
     * requests it decides, since such a reversal may have come to another node ({@code 12 REVERSED_BEFORE_ARRIVAL}
     * holds on every node). This default scans {@link #findOrphanReversals(Instant)}.
     */
    default java.util.Map<String, Long> findOrphanReversals(java.util.Collection<DupKeyLookup> keys, Instant since) {
        java.util.Set<String> wanted = new java.util.HashSet<>();
        for (DupKeyLookup k : keys) if (k.terminalId() != null && k.stan() != null) wanted.add(k.terminalId() + '|' + k.stan());
        java.util.Map<String, Long> found = new java.util.HashMap<>();
        if (wanted.isEmpty()) return found;
        for (TxnRecord r : findOrphanReversals(since)) {
            String pair = r.terminalId() + '|' + r.originalStan();
            if (wanted.contains(pair)) found.merge(pair, r.createdAt().toEpochMilli(), Math::max);
        }
        return found;
    }

    /** Refund transactions (approved or not) of a merchant created in [from, to), oldest first. */
    List<TxnRecord> findRefunds(String merchantId, Instant from, Instant to);

    /**
     * What {@link #refundsPage} read: at most its limit of refunds, oldest first, and the totals of every refund in the
     * range ({@code approvedCount} and {@code approvedAmount}: approved and still standing, not reversed).
     */
    record RefundPage(List<TxnRecord> refunds, long count, long approvedCount, long approvedAmount,
                      java.util.SortedMap<String, Long> approvedAmountByCurrency) { }

    /**
     * As {@link #findRefunds}, at most {@code limit} of them, with the totals of all: the admin API's list, whose size
     * grew with the merchant's refunds (an overload audit: 88,000 refunds made a 21.6 MB answer, and six at once ran a
     * 256 MB heap out of memory). A store that reads the table does it in two bounded statements.
     */
    default RefundPage refundsPage(String merchantId, Instant from, Instant to, int limit) {
        List<TxnRecord> all = findRefunds(merchantId, from, to);
        long approvedCount = 0;
        long approvedAmount = 0;
        java.util.SortedMap<String, Long> byCurrency = new java.util.TreeMap<>();
        for (TxnRecord t : all) {
            if (t.approved() && t.status() == io.switchgate.model.TxnStatus.APPROVED) {
                approvedCount++;
                approvedAmount += t.amount();
                byCurrency.merge(t.currency() == null ? "156" : t.currency(), t.amount(), Long::sum);
            }
        }
        return new RefundPage(List.copyOf(all.subList(0, Math.min(limit, all.size()))), all.size(), approvedCount, approvedAmount,
                byCurrency);
    }

    // ---- reference and running state ----
    Optional<TerminalState> findTerminal(String id);

    List<TerminalState> listTerminals();

    Optional<MerchantState> findMerchant(String id);

    List<MerchantState> listMerchants();

    Optional<CardAccount> findCard(String panHash);

    Optional<BatchState> findBatch(String terminalId, long batchNo);

    Optional<MerchantDayTotal> findDayTotal(String merchantId, LocalDate day);

    /** Audit trail of one terminal or merchant, oldest first. */
    List<StatusEvent> events(String subjectKind, String subjectId);

    /**
     * Reserves {@code count} consecutive values of a named sequence (e.g. the RRN sequence of a node)
     * and returns the first; committed immediately, so values are never reused after a restart.
     */
    long reserveSequence(String name, int count);

    /**
     * True if no other process can write this store (an embedded H2 file, memory): then whatever this
     * process did not write since it opened the store is not there, and the engine can skip some reads.
     */
    default boolean exclusive() {
        return false;
    }

    /**
     * Calls {@code onChange} (on a thread of the store's, soon after the commit) whenever a change set that writes
     * terminal or merchant rows commits, by any node on this store, and once each time it starts listening (a change
     * may have come while it was not). Calls may be spurious or coalesced: the caller re-reads the rows. The default,
     * for stores that cannot tell, never calls it and is {@link StatusSubscription#NONE}.
     */
    default StatusSubscription onStatusChange(Runnable onChange) {
        return StatusSubscription.NONE;
    }

    /** True if the database answers a trivial query now. */
    boolean isHealthy();

    @Override
    void close();
}
