package io.switchgate.store;

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
