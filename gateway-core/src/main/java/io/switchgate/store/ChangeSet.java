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

    // Each list is the shared empty one until something is added, then a singleton until a second row of its kind:
    // most sets change one row of two or three kinds, and a set is made for every request (seven lists and their
    // arrays were a tenth of what a decision allocated). Read them freely; change them only through the methods below.
    public List<TxnRecord> txns = none();
    public List<CardAccount> cards = none();
    public List<TerminalState> terminals = none();
    public List<MerchantState> merchants = none();
    public List<BatchState> batches = none();
    public List<MerchantDayTotal> dayTotals = none();
    public List<StatusEvent> events = none();

    private static <T> List<T> none() {
        return java.util.Collections.emptyList();
    }

    private static <T> List<T> add(List<T> list, T item) {
        // One row of a kind is the common case (a sale: one transaction, one card, one batch): a singleton list, no
        // array; a second row of the kind makes it an ArrayList of the set's own.
        if (list.isEmpty()) return java.util.Collections.singletonList(item);
        List<T> own = own(list);
        own.add(item);
        return own;
    }

    /**
     * Which run of decisions this set belongs to (0: none). A decider that builds each decision on the uncommitted
     * effects of the ones before it starts a new lineage whenever it drops those effects (after a failed commit). A
     * set of lineage L must not be committed once an earlier set of lineage L failed or was rejected: it may rest on
     * that set's changes. Version checks alone cannot tell, since another node may have written the very version
     * number it expects. Not journaled: it only matters until the set is committed.
     */
    public transient long lineage;

    public ChangeSet lineage(long l) { lineage = l; return this; }

    /**
     * For a reversal that found no original: the original's DE 7 its DE 90 named (null: none named), which the
     * engine matched originals by. Where several nodes share the store, its commit is checked against originals
     * another node committed meanwhile by the same rule ({@code DecisionClaims}). Not journaled, like the lineage.
     */
    public transient String reversalNamedDe7;

    public ChangeSet reversalNamedDe7(String de7) { reversalNamedDe7 = de7; return this; }

    /** True if this set's lineage is one of those that already failed ({@code failed} holds lineages, 0 never). */
    public boolean restsOnFailed(java.util.Set<Long> failed) {
        return lineage != 0 && failed.contains(lineage);
    }

    public ChangeSet txn(TxnRecord t) { txns = add(txns, t); return this; }
    public ChangeSet card(CardAccount c) { cards = add(cards, c); return this; }
    public ChangeSet terminal(TerminalState t) { terminals = add(terminals, t); return this; }
    public ChangeSet merchant(MerchantState m) { merchants = add(merchants, m); return this; }
    public ChangeSet batch(BatchState b) { batches = add(batches, b); return this; }
    public ChangeSet dayTotal(MerchantDayTotal d) { dayTotals = add(dayTotals, d); return this; }
    public ChangeSet event(StatusEvent e) { events = add(events, e); return this; }

    /** Takes out the card row of {@code panHash} this set holds, if any (a card changed twice by one request). */
    public void removeCard(String panHash) {
        for (int i = 0; i < cards.size(); i++) {
            if (cards.get(i).panHash().equals(panHash)) { // rare (a card changed twice by one request): copy, then take out
                cards = own(cards);
                cards.removeIf(c -> c.panHash().equals(panHash));
                return;
            }
        }
    }

    /**
     * The H2 journal log stores change sets with Java serialization, and its reader admits {@code ArrayList} only:
     * every list is written as one (a copy where the set still holds the shared empty one), and the set itself is not
     * changed by being written.
     */
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        java.io.ObjectOutputStream.PutField f = out.putFields();
        f.put("txns", own(txns));
        f.put("cards", own(cards));
        f.put("terminals", own(terminals));
        f.put("merchants", own(merchants));
        f.put("batches", own(batches));
        f.put("dayTotals", own(dayTotals));
        f.put("events", own(events));
        out.writeFields();
    }

    /** {@code list} if it is the set's own {@code ArrayList}, else a new one holding what it holds. */
    private static <T> List<T> own(List<T> list) {
        if (list.getClass() == ArrayList.class) return list;
        List<T> own = new ArrayList<>(list.size() + 2);
        own.addAll(list);
        return own;
    }

    public boolean isEmpty() {
        return txns.isEmpty() && cards.isEmpty() && terminals.isEmpty() && merchants.isEmpty()
                && batches.isEmpty() && dayTotals.isEmpty() && events.isEmpty();
    }
}
