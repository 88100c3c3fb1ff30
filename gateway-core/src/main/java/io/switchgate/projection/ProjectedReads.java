package io.switchgate.projection;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.TransactionStore;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The projection as its readers see it (the admin API, operators, an embedding program): every read first waits until
 * the tables hold every record that was durable in the journal when the read began, so whoever saw an answer on the
 * wire then finds it here (read-your-writes), however far behind the tailer was. The wait is bounded: when the
 * projection cannot catch up in time (its database is down) the read goes ahead on what the tables have, and
 * {@code /health} reports the lag.
 *
 * <p>The engine does not read through this: its working set holds whatever the projection may still lack (see
 * {@code EngineState}). Writes pass straight through.
 */
public final class ProjectedReads implements TransactionStore {

    /** Waits until the projection has everything durable now (bounded); true if it has. */
    @FunctionalInterface
    public interface CatchUp {
        boolean await();
    }

    private final TransactionStore tables;
    private final CatchUp catchUp;

    public ProjectedReads(TransactionStore tables, CatchUp catchUp) {
        this.tables = tables;
        this.catchUp = catchUp;
    }

    /** The tables themselves, read without waiting. */
    public TransactionStore tables() {
        return tables;
    }

    private TransactionStore caughtUp() {
        catchUp.await();
        return tables;
    }

    @Override
    public void migrate() {
        tables.migrate();
    }

    @Override
    public List<RuntimeException> apply(List<ChangeSet> group) {
        return tables.apply(group);
    }

    @Override
    public boolean applyProjected(List<ChangeSet> sets, long afterSeq, long lastSeq) {
        return tables.applyProjected(sets, afterSeq, lastSeq);
    }

    @Override
    public void reapplyProjectedRows(List<ChangeSet> sets) {
        tables.reapplyProjectedRows(sets);
    }

    @Override
    public long projectedBatchFrom() {
        return tables.projectedBatchFrom();
    }

    @Override
    public long projectedSequence() {
        return tables.projectedSequence();
    }

    @Override
    public long saveProjection() {
        return tables.saveProjection();
    }

    @Override
    public long saveProjection(boolean force) {
        return tables.saveProjection(force);
    }

    @Override
    public String repairAfter(RuntimeException failure) {
        return tables.repairAfter(failure);
    }

    @Override
    public void recovering(boolean on) {
        tables.recovering(on);
    }

    @Override
    public Optional<TxnRecord> findByRrn(String rrn) {
        return caughtUp().findByRrn(rrn);
    }

    @Override
    public Optional<TxnRecord> findByDupKey(String terminalId, String stan, String dupKey) {
        return caughtUp().findByDupKey(terminalId, stan, dupKey);
    }

    @Override
    public java.util.Map<String, TxnRecord> findByDupKeys(java.util.Collection<DupKeyLookup> keys) {
        return caughtUp().findByDupKeys(keys);
    }

    @Override
    public List<TxnRecord> findByTerminalAndStan(String terminalId, String stan) {
        return caughtUp().findByTerminalAndStan(terminalId, stan);
    }

    @Override
    public List<TxnRecord> findByOriginalRrn(String originalRrn) {
        return caughtUp().findByOriginalRrn(originalRrn);
    }

    @Override
    public void forEachDupKeySince(Instant since, BiConsumer<String, String> sink) {
        caughtUp().forEachDupKeySince(since, sink);
    }

    @Override
    public void forEachRecent(Instant since, BiConsumer<String, String> dupKeys,
                              java.util.function.Consumer<io.switchgate.model.OrphanReversal> orphans) {
        caughtUp().forEachRecent(since, dupKeys, orphans);
    }

    @Override
    public List<TxnRecord> findOrphanReversals(Instant since) {
        return caughtUp().findOrphanReversals(since);
    }

    @Override
    public List<TxnRecord> findRefunds(String merchantId, Instant from, Instant to) {
        return caughtUp().findRefunds(merchantId, from, to);
    }

    @Override
    public RefundPage refundsPage(String merchantId, Instant from, Instant to, int limit) {
        return caughtUp().refundsPage(merchantId, from, to, limit);
    }

    @Override
    public Optional<TerminalState> findTerminal(String id) {
        return caughtUp().findTerminal(id);
    }

    @Override
    public List<TerminalState> listTerminals() {
        return caughtUp().listTerminals();
    }

    @Override
    public Optional<MerchantState> findMerchant(String id) {
        return caughtUp().findMerchant(id);
    }

    @Override
    public List<MerchantState> listMerchants() {
        return caughtUp().listMerchants();
    }

    @Override
    public Optional<CardAccount> findCard(String panHash) {
        return caughtUp().findCard(panHash);
    }

    @Override
    public Optional<BatchState> findBatch(String terminalId, long batchNo) {
        return caughtUp().findBatch(terminalId, batchNo);
    }

    @Override
    public Optional<MerchantDayTotal> findDayTotal(String merchantId, LocalDate day) {
        return caughtUp().findDayTotal(merchantId, day);
    }

    @Override
    public List<StatusEvent> events(String subjectKind, String subjectId) {
        return caughtUp().events(subjectKind, subjectId);
    }

    @Override
    public long reserveSequence(String name, int count) {
        return tables.reserveSequence(name, count);
    }

    @Override
    public boolean exclusive() {
        return tables.exclusive();
    }

    @Override
    public boolean isHealthy() {
        return tables.isHealthy();
    }

    @Override
    public void close() {
        tables.close();
    }
}
