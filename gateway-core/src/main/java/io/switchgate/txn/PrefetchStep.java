package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnType;
import io.switchgate.route.CardData;
import io.switchgate.store.TransactionStore;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Which requests go to the {@link Prefetch} stage before they are decided, and with what to read (engine thread only):
 * a duplicate key the index cannot answer alone, the original a reversal, refund or void names, a card, batch or day
 * total the working set lacks. A request that needs nothing stays on the engine thread; one whose terminal has a
 * request at the stage follows it there, so a terminal's requests are decided in the order they came.
 */
final class PrefetchStep {
    private final EngineState state;
    private final Prefetch prefetch;
    private final Clock clock;
    private final ZoneId zone;
    private final PanHasher panHasher;
    /** The request's authorizer (found once and kept on the request). */
    private final Function<Request, String> route;
    /** Back to the engine thread with what was read. */
    private final Consumer<Request> backToEngine;
    /** Terminal id -> its requests out at the stage. */
    private final Map<String, Integer> atPrefetch = new HashMap<>();

    PrefetchStep(EngineState state, Prefetch prefetch, Clock clock, ZoneId zone, PanHasher panHasher,
                 Function<Request, String> route, Consumer<Request> backToEngine) {
        this.state = state;
        this.prefetch = prefetch;
        this.clock = clock;
        this.zone = zone;
        this.panHasher = panHasher;
        this.route = route;
        this.backToEngine = backToEngine;
    }

    /**
     * A refund or void whose original is not in the working set goes to the prefetch stage first and comes back
     * here with what it read (adopted then, if still valid): the engine thread does not wait on the store for it.
     *
     * @return true if the request left for the stage (it comes back through the engine's {@code process})
     */
    boolean sentToPrefetch(Request r) {
        if (r.prefetchDone) {
            if (r.atPrefetch) {
                r.atPrefetch = false;
                atPrefetch.computeIfPresent(r.terminalId(), (k, n) -> n == 1 ? null : n - 1);
            }
            if (r.prefetched != null) {
                state.adopt(r.prefetched);
                r.prefetched = null;
            }
            return false;
        }
        TransactionStore.DupKeyLookup dup = dupToPrefetch(r);
        String[] reversed = Prefetch.reversalKeyOf(r);
        Prefetch.Wanted wanted = null;
        if (reversed != null) {
            if (!state.indexesStan(reversed[0], reversed[1])) {
                leftForPrefetch(r);
                prefetch.readReversal(reversed[0], reversed[1], dup, state.evictionEpoch(), (c, d) -> {
                    r.reversalCandidates = c;
                    r.dupChecked = d;
                    backToEngine.accept(r);
                });
                return true;
            }
            // this run's own: only its duplicate key, if that, is the store's to answer
        } else {
            wanted = wanted(r);
        }
        if (wanted == null) {
            // Needs nothing but maybe its duplicate key; or an earlier request of its terminal is at the stage: it
            // follows that one through the stage's queue, so a terminal's requests are decided in the order they came.
            if (dup == null && !hasRequestsAtPrefetch(r)) return false;
            wanted = Prefetch.Wanted.NOTHING;
        }
        leftForPrefetch(r);
        prefetch.read(wanted, dup, state.evictionEpoch(), (p, d) -> {
            r.prefetched = p;
            r.dupChecked = d;
            backToEngine.accept(r);
        });
        return true;
    }

    /**
     * The request's duplicate key, if the store must be asked about it ({@link EngineState#duplicatesNeedStore}) and
     * the request will be checked against it; else null. Read by the prefetch stage with the keys of the requests
     * queued beside it, so the engine thread never waits on the store for a key.
     */
    private TransactionStore.DupKeyLookup dupToPrefetch(Request r) {
        if (!state.duplicatesNeedStore(clock.millis())) return null; // most requests: the index answers alone
        IsoMessage m = r.msg;
        String mti = m.getMti();
        if (mti == null || mti.length() != 4 || mti.startsWith("08")) return null; // network management: no key
        String stan = r.stan();
        if (stan == null) return null;
        TerminalState terminal = state.terminal(r.terminalId());
        if (terminal == null) return null;
        return new TransactionStore.DupKeyLookup(terminal.id(), stan, DuplicateIndex.keyOf(terminal.id(), mti, stan, m.getString(7)));
    }

    /**
     * What a request needs from the store that the working set does not hold, or null if nothing: the original a
     * refund or void names; for a sale, balance inquiry, refund or void of a known terminal also the card (embedded
     * authorizer), the terminal's open batch (not for a balance inquiry) and, for a refund, the merchant's total of
     * today. Most requests need nothing: each of these is read once per run (per batch, per day). Where several nodes
     * share the store, a balance inquiry's card and a settlement's batch are read every time: those decisions write
     * neither row, so no version check would catch a copy another node has moved on since this one read it.
     */
    private Prefetch.Wanted wanted(Request r) {
        String rrn = Prefetch.originalRrnOf(r);
        if (rrn != null && state.holdsTxn(rrn)) rrn = null;
        Prefetch.Wanted originalOnly = rrn == null ? null : new Prefetch.Wanted(rrn, null, null, 0, null, null);
        Admission.check(r); // its kind: found on the event loop already, unless the request came another way
        TxnType type = r.type;
        boolean shared = state.sharedByNodes();
        if (!r.namesCard()) {
            if (type != TxnType.SETTLEMENT || !shared) return originalOnly;
            TerminalState terminal = state.terminal(r.terminalId());
            return terminal == null ? null : new Prefetch.Wanted(null, null, terminal.id(), terminal.batchNo(), null, null);
        }
        TerminalState terminal = state.terminal(r.terminalId());
        if (terminal == null) return originalOnly;
        String card = cardToPrefetch(r, terminal, shared && type == TxnType.BALANCE);
        String batchOf = type != TxnType.BALANCE && !state.holdsOpenBatch(terminal) ? terminal.id() : null;
        LocalDate today = type == TxnType.REFUND ? LocalDate.ofInstant(clock.instant(), zone) : null;
        String dayOf = today != null && !state.holdsDayTotal(terminal.merchantId(), today) ? terminal.merchantId() : null;
        if (rrn == null && card == null && batchOf == null && dayOf == null) return null; // most requests: nothing built
        return new Prefetch.Wanted(rrn, card, batchOf, terminal.batchNo(), dayOf, today);
    }

    /**
     * The PAN hash of a request for the embedded authorizer whose card the working set lacks (its first use since the
     * start) or must read again ({@code again}), else null. The card and its hash are kept on the request for the
     * decision.
     */
    private String cardToPrefetch(Request r, TerminalState terminal, boolean again) {
        CardData card = r.readCard(); // read at admission, mostly
        if (card == null) return null;
        r.terminal = terminal;
        if (!io.switchgate.route.EmbeddedAuthorizer.NAME.equals(route.apply(r))) return null;
        if (r.panHash == null) r.panHash = panHasher.hash(card.pan());
        return state.holdsCard(r.panHash) && !again ? null : r.panHash;
    }

    private boolean hasRequestsAtPrefetch(Request r) {
        return r.terminalId() != null && atPrefetch.containsKey(r.terminalId());
    }

    private void leftForPrefetch(Request r) {
        r.prefetchDone = true;
        if (r.terminalId() == null) return;
        r.atPrefetch = true;
        atPrefetch.merge(r.terminalId(), 1, Integer::sum);
    }
}
