package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one request changed, committed atomically. Each row carries its new {@code version}:
 * version 1 means insert; version n > 1 means "update the row whose version is n - 1", so a
 * concurrent writer (another node on the same database) is detected instead of overwritten.
 */
public final class ChangeSet implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public final List<TxnRecord> txns = new ArrayList<>(2);
    public final List<CardAccount> cards = new ArrayList<>(1);
    public final List<TerminalState> terminals = new ArrayList<>(1);
    public final List<MerchantState> merchants = new ArrayList<>(0);
    public final List<BatchState> batches = new ArrayList<>(1);
    public final List<MerchantDayTotal> dayTotals = new ArrayList<>(0);
    public final List<StatusEvent> events = new ArrayList<>(0);

    /**
     * Which run of decisions this set belongs to (0: none). A decider that builds each decision on the uncommitted
     * effects of the ones before it starts a new lineage whenever it drops those effects (after a failed commit). A
     * set of lineage L must not be committed once an earlier set of lineage L failed or was rejected: it may rest on
     * that set's changes. Version checks alone cannot tell, since another node may have written the very version
     * number it expects. Not journaled: it only matters until the set is committed.
     */
    public transient long lineage;

    public ChangeSet lineage(long l) { lineage = l; return this; }

    /** True if this set's lineage is one of those that already failed ({@code failed} holds lineages, 0 never). */
    public boolean restsOnFailed(java.util.Set<Long> failed) {
        return lineage != 0 && failed.contains(lineage);
    }

    public ChangeSet txn(TxnRecord t) { txns.add(t); return this; }
    public ChangeSet card(CardAccount c) { cards.add(c); return this; }
    public ChangeSet terminal(TerminalState t) { terminals.add(t); return this; }
    public ChangeSet merchant(MerchantState m) { merchants.add(m); return this; }
    public ChangeSet batch(BatchState b) { batches.add(b); return this; }
    public ChangeSet dayTotal(MerchantDayTotal d) { dayTotals.add(d); return this; }
    public ChangeSet event(StatusEvent e) { events.add(e); return this; }

    public boolean isEmpty() {
        return txns.isEmpty() && cards.isEmpty() && terminals.isEmpty() && merchants.isEmpty()
                && batches.isEmpty() && dayTotals.isEmpty() && events.isEmpty();
    }
}
