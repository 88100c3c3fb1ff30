package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** Delegates everything; tests override what they need. */
public class ForwardingStore implements TransactionStore {
    protected final TransactionStore inner;

    public ForwardingStore(TransactionStore inner) {
        this.inner = inner;
    }

    @Override public void migrate() { inner.migrate(); }
    @Override public List<RuntimeException> apply(List<ChangeSet> group) { return inner.apply(group); }
    @Override public Optional<TxnRecord> findByRrn(String rrn) { return inner.findByRrn(rrn); }
    @Override public Optional<TxnRecord> findByDupKey(String terminalId, String stan, String dupKey) { return inner.findByDupKey(terminalId, stan, dupKey); }
    @Override public java.util.Map<String, TxnRecord> findByDupKeys(java.util.Collection<DupKeyLookup> keys) { return inner.findByDupKeys(keys); }
    @Override public List<TxnRecord> findByTerminalAndStan(String terminalId, String stan) { return inner.findByTerminalAndStan(terminalId, stan); }
    @Override public List<TxnRecord> findByOriginalRrn(String originalRrn) { return inner.findByOriginalRrn(originalRrn); }
    @Override public void forEachDupKeySince(Instant since, java.util.function.BiConsumer<String, String> sink) { inner.forEachDupKeySince(since, sink); }
    @Override public List<TxnRecord> findOrphanReversals(Instant since) { return inner.findOrphanReversals(since); }
    @Override public boolean exclusive() { return inner.exclusive(); }
    @Override public void claimDecisionsAcrossNodes() { inner.claimDecisionsAcrossNodes(); }
    @Override public List<TxnRecord> findRefunds(String merchantId, Instant from, Instant to) { return inner.findRefunds(merchantId, from, to); }
    @Override public Optional<TerminalState> findTerminal(String id) { return inner.findTerminal(id); }
    @Override public List<TerminalState> listTerminals() { return inner.listTerminals(); }
    @Override public Optional<MerchantState> findMerchant(String id) { return inner.findMerchant(id); }
    @Override public List<MerchantState> listMerchants() { return inner.listMerchants(); }
    @Override public Optional<CardAccount> findCard(String panHash) { return inner.findCard(panHash); }
    @Override public Optional<BatchState> findBatch(String terminalId, long batchNo) { return inner.findBatch(terminalId, batchNo); }
    @Override public Optional<MerchantDayTotal> findDayTotal(String merchantId, LocalDate day) { return inner.findDayTotal(merchantId, day); }
    @Override public List<StatusEvent> events(String subjectKind, String subjectId) { return inner.events(subjectKind, subjectId); }
    @Override public long reserveSequence(String name, int count) { return inner.reserveSequence(name, count); }
    @Override public boolean applyProjected(List<ChangeSet> sets, long afterSeq, long lastSeq) { return inner.applyProjected(sets, afterSeq, lastSeq); }
    @Override public long projectedSequence() { return inner.projectedSequence(); }
    @Override public StatusSubscription onStatusChange(Runnable onChange) { return inner.onStatusChange(onChange); }
    @Override public boolean isHealthy() { return inner.isHealthy(); }
    @Override public void close() { inner.close(); }
}
