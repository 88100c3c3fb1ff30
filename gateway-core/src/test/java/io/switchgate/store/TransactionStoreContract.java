package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.OrphanReversal;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static io.switchgate.store.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What every {@link TransactionStore} must do. Subclasses say how to open a store on a fresh database
 * ({@link #openFresh}) and a second instance on the same database ({@link #openAnother}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class TransactionStoreContract {

    static {
        TestLogging.quiet();
    }

    protected TransactionStore store;
    private final List<TransactionStore> extra = new ArrayList<>();

    /** A migrated store on a database no other test uses. */
    protected abstract TransactionStore openFresh() throws Exception;

    /** Another store instance (own pool) on the database of the last {@link #openFresh}; not yet migrated. */
    protected abstract TransactionStore openAnother() throws Exception;

    /**
     * Two store instances (own pools) on a new, empty, not yet migrated database, or null if the store has
     * no schema (in memory). Closed by the test; the database is cleaned up by {@link #cleanUp}.
     */
    protected TransactionStore[] openEmptyPair() throws Exception {
        return null;
    }

    /** Called after each test, after the stores are closed. */
    protected void cleanUp() throws Exception {
    }

    /** Label for timing lines. */
    protected String label() {
        return getClass().getSimpleName();
    }

    @BeforeEach
    void openStore() throws Exception {
        store = openFresh();
    }

    @AfterEach
    void closeStores() throws Exception {
        for (TransactionStore s : extra) s.close();
        extra.clear();
        if (store != null) store.close();
        cleanUp();
    }

    protected TransactionStore another() throws Exception {
        TransactionStore s = openAnother();
        if (s != store) extra.add(s);
        return s;
    }

    private void applyOk(ChangeSet... sets) {
        List<RuntimeException> r = store.apply(List.of(sets));
        assertEquals(sets.length, r.size());
        for (int i = 0; i < r.size(); i++) {
            if (r.get(i) != null) throw new AssertionError("set " + i + " rejected: " + r.get(i), r.get(i));
        }
    }

    private RuntimeException applyOne(ChangeSet set) {
        return store.apply(List.of(set)).get(0);
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void everyRecordRoundTrips() {
        TxnRecord full = full(rrn());
        TxnRecord sparse = sparse(rrn());
        CardAccount card = card("hash-" + rrn(), 1_000_000);
        CardAccount cardNoPin = new CardAccount("hash-" + rrn(), "400000****0002", "2512", null, -5, 2, T0, 1);
        TerminalState term = terminal(id("T", 8), "MERCHANT0000001");
        TerminalState termBare = new TerminalState(id("U", 8), "MERCHANT0000001", TerminalStatus.ACTIVE, false,
                null, null, null, "kcv:444444:" + "D".repeat(32), 3, T0, T0, 1);
        MerchantState merchant = new MerchantState(id("M", 15), MerchantStatus.FROZEN, 30, 1, Long.MAX_VALUE, T0, 1);
        BatchState batch = new BatchState(term.id(), 12, false, 3, 3000, 1, 500, T0, T0.plusSeconds(60), 1);
        BatchState openBatch = batch(term.id(), 13);
        MerchantDayTotal day = dayTotal(merchant.id(), LocalDate.of(2024, 2, 29), 777);
        StatusEvent ev = new StatusEvent("terminal", term.id(), "registered", "active", "FIRST_SALE", T0);
        StatusEvent evNulls = new StatusEvent("terminal", term.id(), null, "suspended", null, T0.plusSeconds(1));

        applyOk(set().txn(full).txn(sparse).card(card).card(cardNoPin).terminal(term).terminal(termBare)
                .merchant(merchant).batch(batch).batch(openBatch).dayTotal(day).event(ev).event(evNulls));

        assertEquals(Optional.of(full), store.findByRrn(full.rrn()));
        assertEquals(Optional.of(sparse), store.findByRrn(sparse.rrn()));
        assertEquals(Optional.of(card), store.findCard(card.panHash()));
        assertEquals(Optional.of(cardNoPin), store.findCard(cardNoPin.panHash()));
        assertEquals(Optional.of(term), store.findTerminal(term.id()));
        assertEquals(Optional.of(termBare), store.findTerminal(termBare.id()));
        assertEquals(Optional.of(merchant), store.findMerchant(merchant.id()));
        assertEquals(Optional.of(batch), store.findBatch(term.id(), 12));
        assertEquals(Optional.of(openBatch), store.findBatch(term.id(), 13));
        assertEquals(Optional.of(day), store.findDayTotal(merchant.id(), day.day()));
        assertEquals(List.of(ev, evNulls), store.events("terminal", term.id()));

        assertTrue(store.listTerminals().containsAll(List.of(term, termBare)));
        assertTrue(store.listMerchants().contains(merchant));
    }

    @Test
    void missingRowsAreEmpty() {
        assertEquals(Optional.empty(), store.findByRrn("nope"));
        assertEquals(Optional.empty(), store.findByDupKey("nope", "000001", "nope"));
        assertEquals(List.of(), store.findByTerminalAndStan("nope", "000001"));
        assertEquals(List.of(), store.findByOriginalRrn("nope"));
        assertEquals(List.of(), store.findRefunds("nope", T0.minusSeconds(10), T0.plusSeconds(10)));
        assertEquals(Optional.empty(), store.findTerminal("nope"));
        assertEquals(Optional.empty(), store.findMerchant("nope"));
        assertEquals(Optional.empty(), store.findCard("nope"));
        assertEquals(Optional.empty(), store.findBatch("nope", 1));
        assertEquals(Optional.empty(), store.findDayTotal("nope", LocalDate.of(2025, 1, 1)));
        assertEquals(List.of(), store.events("terminal", "nope"));
        assertTrue(store.isHealthy());
    }

    @Test
    void emptyGroupAndEmptySet() {
        assertEquals(List.of(), store.apply(List.of()));
        assertEquals(Collections.singletonList(null), store.apply(List.of(set())));
    }

    // ---------------------------------------------------------------- version rules

    @Test
    void insertOfAnExistingRowIsAConflict() {
        TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 100, now());
        applyOk(set().txn(t));
        TxnRecord other = sale(t.rrn(), "TERM0002", "MERCHANT0000001", "000002", 999, now());
        assertInstanceOf(ConcurrentUpdateException.class, applyOne(set().txn(other)));
        assertEquals(Optional.of(t), store.findByRrn(t.rrn()));
    }

    @Test
    void updateNeedsThePreviousVersion() {
        Instant at = now();
        TxnRecord v1 = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1000, at);
        applyOk(set().txn(v1));
        TxnRecord v2 = v1.withRefundedAmount(100, at.plusSeconds(1));
        applyOk(set().txn(v2));
        assertEquals(Optional.of(v2), store.findByRrn(v1.rrn()));

        // the same v2 again: the row is at 2 now
        assertInstanceOf(ConcurrentUpdateException.class, applyOne(set().txn(v1.withRefundedAmount(200, at))));
        // a version from the future
        assertInstanceOf(ConcurrentUpdateException.class, applyOne(set().txn(v2.withStatus(TxnStatus.VOIDED, at).withStatus(TxnStatus.VOIDED, at))));
        // an update of a row that does not exist
        TxnRecord ghost = sale(rrn(), "TERM0001", "MERCHANT0000001", "000009", 5, at).withStatus(TxnStatus.REVERSED, at);
        assertInstanceOf(ConcurrentUpdateException.class, applyOne(set().txn(ghost)));
        assertEquals(Optional.empty(), store.findByRrn(ghost.rrn()));

        TxnRecord v3 = v2.withStatus(TxnStatus.REVERSED, at.plusSeconds(2));
        applyOk(set().txn(v3));
        assertEquals(Optional.of(v3), store.findByRrn(v1.rrn()));
    }

    @Test
    void versionRulesHoldForEveryTable() {
        String tid = id("T", 8);
        String mid = id("M", 15);
        String hash = "hash-" + rrn();
        checkVersionRule(card(hash, 100), c -> c.withBalance(c.balance() - 1, T0), ChangeSet::card);
        checkVersionRule(terminal(tid, mid), t -> t.withBatchNo(t.batchNo() + 1, T0), ChangeSet::terminal);
        checkVersionRule(merchant(mid), m -> m.withStatus(MerchantStatus.CLOSED, T0), ChangeSet::merchant);
        checkVersionRule(batch(tid, 1), b -> b.plusSale(10), ChangeSet::batch);
        checkVersionRule(dayTotal(mid, LocalDate.of(2025, 5, 1), 10), d -> d.plus(5), ChangeSet::dayTotal);

        assertEquals(99, store.findCard(hash).orElseThrow().balance());
        assertEquals(2, store.findCard(hash).orElseThrow().version());
        assertEquals(2, store.findTerminal(tid).orElseThrow().batchNo());
        assertEquals(2, store.findTerminal(tid).orElseThrow().version());
        assertEquals(MerchantStatus.CLOSED, store.findMerchant(mid).orElseThrow().status());
        assertEquals(1, store.findBatch(tid, 1).orElseThrow().saleCount());
        assertEquals(15, store.findDayTotal(mid, LocalDate.of(2025, 5, 1)).orElseThrow().refundAmount());
    }

    @FunctionalInterface
    interface Adder<R> {
        ChangeSet add(ChangeSet s, R r);
    }

    private <R> void checkVersionRule(R v1, Function<R, R> next, Adder<R> add) {
        applyOk(add.add(set(), v1));
        assertInstanceOf(ConcurrentUpdateException.class, applyOne(add.add(set(), v1)), "insert twice: " + v1);
        R v2 = next.apply(v1);
        applyOk(add.add(set(), v2));
        assertInstanceOf(ConcurrentUpdateException.class, applyOne(add.add(set(), v2)), "stale update: " + v2);
        R v4 = next.apply(next.apply(v2));
        assertInstanceOf(ConcurrentUpdateException.class, applyOne(add.add(set(), v4)), "skipped version: " + v4);
    }

    @Test
    void aConflictingSetDoesNotSinkTheOthers() {
        Instant at = now();
        TxnRecord existing = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1000, at);
        applyOk(set().txn(existing));

        TxnRecord a = sale(rrn(), "TERM0001", "MERCHANT0000001", "000002", 10, at);
        CardAccount lostCard = card("hash-" + rrn(), 50);
        TxnRecord lostTxn = sale(rrn(), "TERM0001", "MERCHANT0000001", "000003", 20, at);
        TxnRecord c = sale(rrn(), "TERM0001", "MERCHANT0000001", "000004", 30, at);
        ChangeSet s1 = set().txn(a).event(new StatusEvent("terminal", "TERM0001", "registered", "active", null, at));
        // set 2: two good rows, then a stale update: none of it may land
        ChangeSet s2 = set().card(lostCard).txn(lostTxn).txn(existing.withStatus(TxnStatus.VOIDED, at).withStatus(TxnStatus.VOIDED, at))
                .event(new StatusEvent("terminal", "TERM0001", "active", "suspended", null, at));
        ChangeSet s3 = set().txn(c).txn(existing.withRefundedAmount(300, at));

        List<RuntimeException> r = store.apply(List.of(s1, s2, s3));
        assertNull(r.get(0));
        assertInstanceOf(ConcurrentUpdateException.class, r.get(1));
        assertNull(r.get(2));

        assertTrue(store.findByRrn(a.rrn()).isPresent());
        assertTrue(store.findByRrn(c.rrn()).isPresent());
        assertEquals(Optional.empty(), store.findByRrn(lostTxn.rrn()));
        assertEquals(Optional.empty(), store.findCard(lostCard.panHash()));
        assertEquals(300, store.findByRrn(existing.rrn()).orElseThrow().refundedAmount());
        assertEquals(List.of("active"), store.events("terminal", "TERM0001").stream().map(StatusEvent::toStatus).toList());
    }

    /**
     * A store nodes share checks a new record against the sets before it in its own group too, which no read of the
     * store sees: an approved original and a reversal kept without it (either order), the same request twice. An audit
     * on two PostgreSQL nodes saw a sale approved beside its reversal's 25, both from one node, after it had decided
     * again on fresh state and forgotten its own decision still on its way to the store.
     */
    @Test
    void aSharedStoreRejectsASetThatContradictsAnEarlierSetOfItsGroup() {
        org.junit.jupiter.api.Assumptions.assumeTrue(store instanceof JdbcTransactionStore, "claims are a shared SQL store's");
        store.claimDecisionsAcrossNodes();
        Instant at = now();
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000041", 500, at);
        TxnRecord reversal = orphanReversal(rrn(), "TERM0001", "MERCHANT0000001", "000042", "000041", at);
        List<RuntimeException> r = store.apply(List.of(set().txn(sale), set().txn(reversal)));
        assertNull(r.get(0));
        assertInstanceOf(ConcurrentUpdateException.class, r.get(1), "a reversal beside the original it did not find");
        assertEquals(Optional.empty(), store.findByRrn(reversal.rrn()));

        TxnRecord reversal2 = orphanReversal(rrn(), "TERM0001", "MERCHANT0000001", "000044", "000043", at);
        TxnRecord sale2 = sale(rrn(), "TERM0001", "MERCHANT0000001", "000043", 500, at);
        r = store.apply(List.of(set().txn(reversal2), set().txn(sale2)));
        assertNull(r.get(0));
        assertInstanceOf(ConcurrentUpdateException.class, r.get(1), "an original approved beside the reversal kept without it");

        // an original refused because the reversal came first is no original that reversal missed (it was decided
        // again to 00 beside the original's 12: two answers that contradict each other)
        TxnRecord refused = sale(rrn(), "TERM0001", "MERCHANT0000001", "000047", 500, at).asUncommitted("12", "REVERSED_BEFORE_ARRIVAL", at);
        assertNull(store.apply(List.of(set().txn(refused))).get(0));
        TxnRecord kept = orphanReversal(rrn(), "TERM0001", "MERCHANT0000001", "000048", "000047", at);
        assertNull(store.apply(List.of(set().txn(kept))).get(0), "the reversal that refused it stands");

        // a record of a request of no known kind (12 UNSUPPORTED_MESSAGE, no type) before a claim: no failure
        TxnRecord unknownKind = new TxnRecord(rrn(), "01", null, "0100", null, "TERM0001", "MERCHANT0000001", "000049",
                "0301101530", null, null, 0, null, null, null, "12", "UNSUPPORTED_MESSAGE", null, TxnStatus.DECLINED, 0,
                null, null, 7, null, null, null, at, at, 1);
        TxnRecord afterIt = orphanReversal(rrn(), "TERM0001", "MERCHANT0000001", "000050", "000051", at);
        r = store.apply(List.of(set().txn(unknownKind), set().txn(afterIt)));
        assertNull(r.get(0));
        assertNull(r.get(1));

        // a reversal's 96 that decided nothing gives its key over to a decision of its repeat, not to another 96
        TxnRecord first96 = orphanReversal(rrn(), "TERM0001", "MERCHANT0000001", "000052", "000053", at)
                .asUncommitted("96", "CONCURRENT_UPDATE", at);
        assertNull(store.apply(List.of(set().txn(first96))).get(0));
        TxnRecord second96 = orphanReversal(rrn(), "TERM0001", "MERCHANT0000001", "000052", "000053", at)
                .asUncommitted("96", "CONCURRENT_UPDATE", at);
        assertInstanceOf(AnsweredElsewhereException.class, store.apply(List.of(set().txn(second96))).get(0), "one 96 a key");
        TxnRecord decided = orphanReversal(rrn(), "TERM0001", "MERCHANT0000001", "000052", "000053", at);
        assertNull(store.apply(List.of(set().txn(decided))).get(0), "the repeat's decision takes the key over");

        TxnRecord once = sale(rrn(), "TERM0001", "MERCHANT0000001", "000045", 500, at);
        TxnRecord twice = sale(rrn(), "TERM0001", "MERCHANT0000001", "000045", 500, at); // same duplicate key, another RRN
        r = store.apply(List.of(set().txn(once), set().txn(twice)));
        assertNull(r.get(0));
        assertInstanceOf(AnsweredElsewhereException.class, r.get(1), "the same request decided twice");
        assertTrue(store.findByRrn(once.rrn()).isPresent());
        assertEquals(Optional.empty(), store.findByRrn(twice.rrn()));
    }

    @Test
    void duplicateInsertInsideAGroupRejectsOnlyTheLaterSet() {
        Instant at = now();
        TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1000, at);
        TxnRecord other = sale(rrn(), "TERM0001", "MERCHANT0000001", "000002", 5, at);
        List<RuntimeException> r = store.apply(List.of(set().txn(t), set().txn(other).txn(t), set().txn(t.withRefundedAmount(1, at))));
        assertNull(r.get(0));
        assertInstanceOf(ConcurrentUpdateException.class, r.get(1));
        assertNull(r.get(2));
        assertEquals(Optional.empty(), store.findByRrn(other.rrn()));
        assertEquals(2, store.findByRrn(t.rrn()).orElseThrow().version());
    }

    @Test
    void laterSetsOfAGroupSeeEarlierOnes() {
        Instant at = now();
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1000, at);
        CardAccount card = card("hash-" + rrn(), 5000);
        CardAccount afterSale = card.withBalance(4000, at);
        TxnRecord refund = refund(rrn(), sale.rrn(), "TERM0001", "MERCHANT0000001", "000002", 400, at);
        TxnRecord refunded = sale.withRefundedAmount(400, at);
        applyOk(set().txn(sale).card(card),
                set().card(afterSale),
                set().txn(refund).txn(refunded).card(afterSale.withBalance(4400, at)),
                set().txn(refunded.withStatus(TxnStatus.APPROVED, at)));
        assertEquals(3, store.findByRrn(sale.rrn()).orElseThrow().version());
        assertEquals(400, store.findByRrn(sale.rrn()).orElseThrow().refundedAmount());
        assertEquals(4400, store.findCard(card.panHash()).orElseThrow().balance());
        assertEquals(3, store.findCard(card.panHash()).orElseThrow().version());
    }

    @Test
    void twoVersionsOfOneRowInOneSet() {
        Instant at = now();
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1000, at);
        TxnRecord v2 = sale.withRefundedAmount(1, at);
        applyOk(set().txn(sale).txn(v2));
        assertEquals(Optional.of(v2), store.findByRrn(sale.rrn()));
    }

    // ---------------------------------------------------------------- finders

    /** A later request under the same duplicate key, answered 94 (another fingerprint). */
    private static TxnRecord declinedDuplicateOf(TxnRecord older, Instant at) {
        return new TxnRecord(rrn(), "01", TxnType.SALE, "0200", "000000", older.terminalId(), older.merchantId(), older.stan(),
                older.transmissionTime(), older.dupKey(), "fp-other", 200, "156", null, null, "94", "DUPLICATE", null,
                TxnStatus.DECLINED, 0, null, null, 7, "embedded", null, null, at, at, 1);
    }

    @Test
    void findByDupKeyGivesTheNewest() {
        Instant at = now();
        TxnRecord older = sale(rrn(), "TERM0001", "MERCHANT0000001", "000011", 100, at.minusSeconds(5));
        TxnRecord newer = declinedDuplicateOf(older, at);
        applyOk(set().txn(older), set().txn(newer));
        assertEquals(Optional.of(newer), store.findByDupKey("TERM0001", "000011", older.dupKey()));
        assertEquals(Optional.empty(), store.findByDupKey("TERM0001", "000011", older.dupKey() + "x"));
        assertEquals(Optional.empty(), store.findByDupKey("TERM0002", "000011", older.dupKey()), "another terminal's row");
        assertEquals(Optional.empty(), store.findByDupKey("TERM0001", "000012", older.dupKey()), "another STAN's row");
    }

    @Test
    void findByDupKeysAnswersManyKeysAsFindByDupKeyDoesEach() {
        Instant at = now();
        TxnRecord older = sale(rrn(), "TERM0001", "MERCHANT0000001", "000021", 100, at.minusSeconds(5));
        TxnRecord newer = declinedDuplicateOf(older, at);
        List<TxnRecord> others = new java.util.ArrayList<>();
        List<TransactionStore.DupKeyLookup> keys = new java.util.ArrayList<>();
        ChangeSet cs = set().txn(older);
        for (int i = 0; i < 150; i++) { // more than one query's worth of keys
            TxnRecord t = sale(rrn(), "TERM0002", "MERCHANT0000001", String.format("%06d", 100 + i), 100, at);
            others.add(t);
            cs.txn(t);
            keys.add(new TransactionStore.DupKeyLookup("TERM0002", t.stan(), t.dupKey()));
        }
        applyOk(cs, set().txn(newer));
        keys.add(new TransactionStore.DupKeyLookup("TERM0001", "000021", older.dupKey()));
        keys.add(new TransactionStore.DupKeyLookup("TERM0001", "000021", older.dupKey() + "x")); // no such key
        keys.add(new TransactionStore.DupKeyLookup("TERM0003", "000021", older.dupKey())); // the key, another terminal
        keys.add(new TransactionStore.DupKeyLookup("TERM0001", "000021", older.dupKey())); // asked twice

        java.util.Map<String, TxnRecord> found = store.findByDupKeys(keys);
        assertEquals(151, found.size());
        assertEquals(newer, found.get(older.dupKey()), "the newest of the key");
        for (TxnRecord t : others) assertEquals(t, found.get(t.dupKey()));
        assertFalse(found.containsKey(older.dupKey() + "x"));
        assertEquals(java.util.Map.of(), store.findByDupKeys(List.of()));
    }

    @Test
    void findByTerminalAndStanNewestFirst() {
        Instant at = now();
        TxnRecord a = sale(rrn(), "TERM0007", "MERCHANT0000001", "000042", 100, at.minusSeconds(60));
        TxnRecord b = sale(rrn(), "TERM0007", "MERCHANT0000001", "000042", 100, at);
        TxnRecord otherStan = sale(rrn(), "TERM0007", "MERCHANT0000001", "000043", 100, at);
        TxnRecord otherTerm = sale(rrn(), "TERM0008", "MERCHANT0000001", "000042", 100, at);
        applyOk(set().txn(a).txn(otherStan), set().txn(b).txn(otherTerm));
        assertEquals(List.of(b, a), store.findByTerminalAndStan("TERM0007", "000042"));
        assertEquals(List.of(otherTerm), store.findByTerminalAndStan("TERM0008", "000042"));
    }

    @Test
    void findByOriginalRrnOldestFirst() {
        Instant at = now();
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1000, at);
        TxnRecord r1 = refund(rrn(), sale.rrn(), "TERM0001", "MERCHANT0000001", "000002", 100, at.plusSeconds(1));
        TxnRecord r2 = refund(rrn(), sale.rrn(), "TERM0002", "MERCHANT0000001", "000003", 200, at.plusSeconds(2));
        TxnRecord unrelated = refund(rrn(), rrn(), "TERM0001", "MERCHANT0000001", "000004", 300, at);
        applyOk(set().txn(sale).txn(r2), set().txn(r1).txn(unrelated));
        assertEquals(List.of(r1, r2), store.findByOriginalRrn(sale.rrn()));
        // an update keeps it findable, as its new version
        TxnRecord r1v2 = r1.withStatus(TxnStatus.REVERSED, at.plusSeconds(3));
        applyOk(set().txn(r1v2));
        assertEquals(List.of(r1v2, r2), store.findByOriginalRrn(sale.rrn()));
    }

    @Test
    void findRefundsByMerchantAndHalfOpenRange() {
        String m = id("M", 15);
        Instant from = Instant.parse("2025-06-01T00:00:00Z");
        Instant to = Instant.parse("2025-06-02T00:00:00Z");
        TxnRecord before = refund(rrn(), "x", "T1", m, "000001", 1, from.minusNanos(1_000));
        TxnRecord atFrom = refund(rrn(), "x", "T1", m, "000002", 2, from);
        TxnRecord mid = refund(rrn(), "x", "T2", m, "000003", 3, from.plusSeconds(3600));
        TxnRecord declined = new TxnRecord(rrn(), "01", TxnType.REFUND, "0200", "200000", "T2", m, "000004", null, null,
                null, 4, "156", null, null, "12", "REFUND_WINDOW_EXPIRED", null, TxnStatus.DECLINED, 0, "y", null, 7,
                "embedded", null, null, from.plusSeconds(7200), from.plusSeconds(7200), 1);
        TxnRecord atTo = refund(rrn(), "x", "T1", m, "000005", 5, to);
        TxnRecord sale = sale(rrn(), "T1", m, "000006", 6, from.plusSeconds(10));
        TxnRecord otherMerchant = refund(rrn(), "x", "T9", id("N", 15), "000007", 7, from.plusSeconds(10));
        applyOk(set().txn(before).txn(atFrom).txn(mid), set().txn(declined).txn(atTo).txn(sale).txn(otherMerchant));
        assertEquals(List.of(atFrom, mid, declined), store.findRefunds(m, from, to));
        // a page: the first `limit` oldest first, the totals of all in the range (approved and standing: 2 + 3)
        TransactionStore.RefundPage page = store.refundsPage(m, from, to, 2);
        assertEquals(List.of(atFrom, mid), page.refunds());
        assertEquals(3, page.count());
        assertEquals(2, page.approvedCount());
        assertEquals(5, page.approvedAmount());
        assertEquals(java.util.Map.of("156", 5L), page.approvedAmountByCurrency());
        assertEquals(List.of(atFrom, mid, declined), store.refundsPage(m, from, to, 10).refunds());
        assertEquals(0, store.refundsPage("nope", from, to, 10).count());
    }

    @Test
    void forEachDupKeySinceGivesRecentKeys() {
        Instant since = now().minusSeconds(3600);
        TxnRecord old = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1, since.minusNanos(1_000));
        TxnRecord atSince = sale(rrn(), "TERM0001", "MERCHANT0000001", "000002", 1, since);
        TxnRecord recent = sale(rrn(), "TERM0002", "MERCHANT0000001", "000003", 1, since.plusSeconds(60));
        TxnRecord noKey = sparse(rrn());
        TxnRecord noKeyRecent = new TxnRecord(noKey.rrn(), "01", TxnType.ECHO, "0800", null, null, null, null, null, null,
                null, 0, null, null, null, "00", null, null, TxnStatus.APPROVED, 0, null, null, 0, null, null, null,
                since.plusSeconds(5), null, 1);
        applyOk(set().txn(old).txn(atSince), set().txn(recent).txn(noKeyRecent));
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        store.forEachDupKeySince(since, seen::put);
        assertEquals(java.util.Map.of(atSince.dupKey(), atSince.rrn(), recent.dupKey(), recent.rrn()), seen);
    }

    @Test
    void forEachRecentGivesTheRecentKeysAndOrphanReversalsInOnePass() {
        Instant since = now().minusSeconds(3600);
        TxnRecord old = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1, since.minusNanos(1_000));
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000005", 100, since);
        TxnRecord found = reversal(rrn(), sale.rrn(), "000005", since.plusSeconds(10));
        TxnRecord orphan = reversal(rrn(), null, "000006", since.plusSeconds(20));
        TxnRecord orphanOld = reversal(rrn(), null, "000007", since.minusSeconds(1));
        applyOk(set().txn(old).txn(sale).txn(found), set().txn(orphan).txn(orphanOld));
        java.util.Map<String, String> keys = new java.util.HashMap<>();
        List<OrphanReversal> orphans = new java.util.ArrayList<>();
        store.forEachRecent(since, keys::put, orphans::add);
        java.util.Map<String, String> alone = new java.util.HashMap<>();
        store.forEachDupKeySince(since, alone::put);
        assertEquals(alone, keys, "the same keys as forEachDupKeySince");
        assertEquals(java.util.Map.of(sale.dupKey(), sale.rrn(), found.dupKey(), found.rrn(), orphan.dupKey(), orphan.rrn()), keys);
        assertEquals(List.of(OrphanReversal.of(orphan)), orphans);
        assertEquals(orphan.terminalId(), orphans.get(0).terminalId());
        assertEquals(orphan.originalStan(), orphans.get(0).originalStan());
        assertEquals(orphan.createdAt(), orphans.get(0).createdAt());
    }

    @Test
    void findOrphanReversalsOldestFirst() {
        Instant since = now().minusSeconds(3600);
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 100, since);
        TxnRecord found = reversal(rrn(), sale.rrn(), "000001", since.plusSeconds(10));
        TxnRecord orphanLate = reversal(rrn(), null, "000002", since.plusSeconds(30));
        TxnRecord orphanEarly = reversal(rrn(), null, "000003", since.plusSeconds(20));
        TxnRecord orphanOld = reversal(rrn(), null, "000004", since.minusSeconds(1));
        applyOk(set().txn(sale).txn(found).txn(orphanLate), set().txn(orphanEarly).txn(orphanOld));
        assertEquals(List.of(orphanEarly, orphanLate), store.findOrphanReversals(since));
    }

    /**
     * The prefetch stage's read on a store several nodes share: the duplicate keys, and the reversals that found no
     * original naming the requests' (terminal, STAN) as theirs (by DE 90: their own STAN may differ), in the window.
     */
    @Test
    void readKeysFindsTheKeysAndTheReversalsThatFoundNoOriginal() {
        Instant since = now().minusSeconds(3600);
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000061", 100, since.plusSeconds(5));
        TxnRecord orphan = orphanNaming("000062", "000070", since.plusSeconds(10));
        TxnRecord orphanNewer = orphanNaming("000062", "000071", since.plusSeconds(20));
        TxnRecord orphanOld = orphanNaming("000063", "000072", since.minusSeconds(1));
        TxnRecord found = reversal(rrn(), sale.rrn(), "000064", since.plusSeconds(30)); // found its original
        applyOk(set().txn(sale).txn(orphan).txn(orphanNewer).txn(orphanOld).txn(found));
        List<TransactionStore.DupKeyLookup> keys = new java.util.ArrayList<>();
        keys.add(new TransactionStore.DupKeyLookup("TERM0001", "000061", sale.dupKey()));
        for (String stan : List.of("000062", "000063", "000064", "000070")) {
            keys.add(new TransactionStore.DupKeyLookup("TERM0001", stan, "TERM0001:0200:" + stan));
        }
        keys.add(new TransactionStore.DupKeyLookup("TERM0002", "000062", "TERM0002:0200:000062")); // another terminal
        for (int i = 0; i < 80; i++) { // more than one statement's worth of pairs
            keys.add(new TransactionStore.DupKeyLookup("TERM0009", String.format("%06d", 500 + i), "k" + i));
        }
        TransactionStore.KeysRead read = store.readKeys(keys, since);
        assertEquals(java.util.Map.of(sale.dupKey(), sale), read.found());
        assertEquals(java.util.Map.of("TERM0001|000062", orphanNewer.createdAt().toEpochMilli()), read.orphans(),
                "the newest reversal naming 000062 in the window; not the one before it, nor one that found its original");
        assertEquals(null, store.readKeys(keys, null).orphans(), "not asked");
        assertEquals(read.orphans(), store.findOrphanReversals(keys, since));
    }

    private static TxnRecord orphanNaming(String originalStan, String ownStan, Instant at) {
        return new TxnRecord(rrn(), "01", TxnType.REVERSAL, "0400", "000000", "TERM0001", "MERCHANT0000001", ownStan,
                "0301101530", "TERM0001:0400:" + ownStan, "fp", 100, "156", null, null, "25", "ORIGINAL_NOT_FOUND", null,
                TxnStatus.DECLINED, 0, null, originalStan, 7, "embedded", null, null, at, at, 1);
    }

    private static TxnRecord reversal(String rrn, String original, String stan, Instant at) {
        return new TxnRecord(rrn, "01", TxnType.REVERSAL, "0400", "000000", "TERM0001", "MERCHANT0000001", stan,
                "0301101530", "TERM0001:0400:" + stan, "fp", 100, "156", null, null, original == null ? "25" : "00",
                original == null ? "ORIGINAL_NOT_FOUND" : null, null, original == null ? TxnStatus.DECLINED : TxnStatus.APPROVED,
                0, original, stan, 7, "embedded", null, null, at, at, 1);
    }

    @Test
    void eventsOldestFirstPerSubject() {
        String tid = id("T", 8);
        Instant at = now();
        StatusEvent e1 = new StatusEvent("terminal", tid, "registered", "active", "FIRST_SALE", at);
        StatusEvent e2 = new StatusEvent("terminal", tid, "active", "suspended", "OPERATOR", at.plusSeconds(5));
        StatusEvent e3 = new StatusEvent("terminal", tid, "suspended", "active", "OPERATOR", at.plusSeconds(9));
        StatusEvent merchantEvent = new StatusEvent("merchant", tid, "active", "frozen", null, at);
        applyOk(set().event(e2), set().event(e1).event(merchantEvent));
        applyOk(set().event(e3));
        assertEquals(List.of(e1, e2, e3), store.events("terminal", tid));
        assertEquals(List.of(merchantEvent), store.events("merchant", tid));
    }

    @Test
    void listsAreSortedById() {
        TerminalState b = terminal("ZZB" + id("", 5), "M");
        TerminalState a = terminal("ZZA" + id("", 5), "M");
        applyOk(set().terminal(b).terminal(a));
        List<String> ids = store.listTerminals().stream().map(TerminalState::id).toList();
        List<String> sorted = new ArrayList<>(ids);
        Collections.sort(sorted);
        assertEquals(sorted, ids);
        assertTrue(ids.indexOf(a.id()) < ids.indexOf(b.id()));
    }

    // ---------------------------------------------------------------- sequences

    @Test
    void reserveSequenceHandsOutConsecutiveBlocks() {
        String name = "rrn-" + rrn();
        long a = store.reserveSequence(name, 1);
        long b = store.reserveSequence(name, 10);
        long c = store.reserveSequence(name, 1);
        assertEquals(a + 1, b);
        assertEquals(b + 10, c);
        assertEquals(1, store.reserveSequence("other-" + name, 5));
        assertThrows(IllegalArgumentException.class, () -> store.reserveSequence(name, 0));
    }

    @Test
    void aNewRrnSequenceStartsPastEveryRrnItsNodeHasInTheStore() {
        // A sequence's row lost (a kill's damage to an H2 file, or an operator's mistake) must not hand out an RRN
        // again: a new one starts past the node's RRNs already stored, and another node's do not count.
        String node = "Q" + (char) ('A' + java.util.concurrent.ThreadLocalRandom.current().nextInt(26));
        TxnRecord mine = sale(node + "0000000500", "TERM0001", "MERCHANT0000001", "000001", 100, now());
        TxnRecord older = sale(node + "0000000020", "TERM0001", "MERCHANT0000001", "000002", 100, now());
        TxnRecord other = sale("Z" + node.charAt(1) + "0000009999", "TERM0001", "MERCHANT0000001", "000003", 100, now());
        for (RuntimeException e : store.apply(List.of(set().txn(mine).txn(older).txn(other)))) assertNull(e);
        assertEquals(501, store.reserveSequence("rrn-" + node, 100));
        assertEquals(601, store.reserveSequence("rrn-" + node, 100));
        assertEquals(1, store.reserveSequence("rrn-X" + node.charAt(1), 100), "a node with no RRN stored starts at 1");
    }

    @Test
    void reserveSequenceIsUniqueUnderConcurrencyAcrossInstances() throws Exception {
        String name = "rrn-" + rrn();
        TransactionStore second = another();
        int threads = 8;
        int perThread = 40;
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicLong total = new AtomicLong();
        AtomicInteger dup = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            CyclicBarrier start = new CyclicBarrier(threads);
            for (int t = 0; t < threads; t++) {
                TransactionStore s = (t % 2 == 0) ? store : second;
                int count = 1 + t % 3;
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        long first = s.reserveSequence(name, count);
                        for (long v = first; v < first + count; v++) if (!seen.add(v)) dup.incrementAndGet();
                        total.addAndGet(count);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(50, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, dup.get(), "values handed out twice");
        assertEquals(total.get(), seen.size());
        // no gaps either: blocks are consecutive
        assertEquals(1L, Collections.min(seen));
        assertEquals(total.get(), Collections.max(seen));
    }

    // ---------------------------------------------------------------- migration

    @Test
    void migrateIsIdempotentAndSafeConcurrently() throws Exception {
        store.migrate();
        store.migrate();
        TransactionStore a = another();
        TransactionStore b = another();
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<Void> fa = CompletableFuture.runAsync(() -> { await(start); a.migrate(); });
        CompletableFuture<Void> fb = CompletableFuture.runAsync(() -> { await(start); b.migrate(); });
        fa.get(30, TimeUnit.SECONDS);
        fb.get(30, TimeUnit.SECONDS);
        TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1, now());
        assertNull(a.apply(List.of(set().txn(t))).get(0));
        assertEquals(Optional.of(t), b.findByRrn(t.rrn()));
    }

    @Test
    void twoNodesMigratingAnEmptyDatabaseAtOnce() throws Exception {
        TransactionStore[] pair = openEmptyPair();
        org.junit.jupiter.api.Assumptions.assumeTrue(pair != null, "no schema to migrate");
        try {
            for (int round = 0; round < 2; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<Void> fa = CompletableFuture.runAsync(() -> { await(start); pair[0].migrate(); });
                CompletableFuture<Void> fb = CompletableFuture.runAsync(() -> { await(start); pair[1].migrate(); });
                fa.get(30, TimeUnit.SECONDS);
                fb.get(30, TimeUnit.SECONDS);
            }
            TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1, now());
            assertNull(pair[0].apply(List.of(set().txn(t))).get(0));
            assertEquals(Optional.of(t), pair[1].findByRrn(t.rrn()));
            assertEquals(1, pair[1].reserveSequence("s", 1));
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    protected static void await(CyclicBarrier b) {
        try {
            b.await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- concurrency on one row

    @Test
    void concurrentRefundBumpsNeverExceedTheAmount() throws Exception {
        Instant at = now();
        long amount = 1000;
        long step = 70; // 14 fit, the 15th would exceed
        TxnRecord sale = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", amount, at);
        applyOk(set().txn(sale));
        int threads = 20;
        List<TransactionStore> stores = new ArrayList<>();
        stores.add(store);
        for (int i = 1; i < 4; i++) stores.add(another());

        // round 1: everybody read version 1 and tries version 2 at once: exactly one wins
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        runThreads(threads, i -> {
            TransactionStore s = stores.get(i % stores.size());
            TxnRecord seen = s.findByRrn(sale.rrn()).orElseThrow();
            await(start);
            RuntimeException r = s.apply(List.of(set().txn(seen.withRefundedAmount(seen.refundedAmount() + step, at))
                    .txn(refund(rrn(), sale.rrn(), "TERM000" + (i % 2), "MERCHANT0000001", "000100", step, at)))).get(0);
            if (r == null) wins.incrementAndGet();
            else if (r instanceof ConcurrentUpdateException) conflicts.incrementAndGet();
            else throw r;
        });
        assertEquals(1, wins.get());
        assertEquals(threads - 1, conflicts.get());
        assertEquals(step, store.findByRrn(sale.rrn()).orElseThrow().refundedAmount());

        // round 2: each thread retries on conflict until the amount is used up
        AtomicLong granted = new AtomicLong(step);
        runThreads(threads, i -> {
            TransactionStore s = stores.get(i % stores.size());
            while (true) {
                TxnRecord seen = s.findByRrn(sale.rrn()).orElseThrow();
                if (seen.refundedAmount() + step > seen.amount()) return;
                RuntimeException r = s.apply(List.of(set().txn(seen.withRefundedAmount(seen.refundedAmount() + step, at)))).get(0);
                if (r == null) {
                    granted.addAndGet(step);
                    return;
                }
                if (!(r instanceof ConcurrentUpdateException)) throw r;
            }
        });
        TxnRecord end = store.findByRrn(sale.rrn()).orElseThrow();
        assertEquals(granted.get(), end.refundedAmount());
        assertTrue(end.refundedAmount() <= amount);
        assertEquals(14 * step, end.refundedAmount());
        assertEquals(1 + 14, end.version());
        assertEquals(1, store.findByOriginalRrn(sale.rrn()).size());
    }

    @FunctionalInterface
    interface ThreadBody {
        void run(int i) throws Exception;
    }

    protected static void runThreads(int n, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> {
                    body.run(k);
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(50, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- group commit

    @Test
    void groupCommitOfTenThousandSetsFromEightThreads() throws Exception {
        int threads = 8;
        int perThread = 1250;
        Instant at = now();
        String prefix = "G" + (System.nanoTime() % 1000);
        List<CompletableFuture<Void>> futures = Collections.synchronizedList(new ArrayList<>(threads * perThread));
        long t0 = System.nanoTime();
        GroupCommitStats stats;
        try (GroupCommitWriter writer = new GroupCommitWriter(store)) {
            runThreads(threads, i -> {
                for (int k = 0; k < perThread; k++) {
                    String rrn = String.format("%s%02d%06d", prefix, i, k);
                    TxnRecord t = sale(rrn, "TERM000" + i, "MERCHANT0000001", String.format("%06d", k), 100 + k, at);
                    futures.add(writer.submit(set().txn(t)));
                }
            });
            CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(50, TimeUnit.SECONDS);
            stats = writer.stats();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(threads * perThread, futures.size());
        for (CompletableFuture<Void> f : futures) assertTrue(f.isDone() && !f.isCompletedExceptionally());
        assertEquals(threads * perThread, stats.setsCommitted());
        assertEquals(0, stats.setsRejected());
        assertTrue(stats.avgGroupSize() > 1.0, "groups of more than one set on average: " + stats);
        System.out.printf("[group-commit] %s: %d sets in %d ms (%.0f sets/s), %d groups, avg group %.1f, max %d, avg commit %.2f ms%n",
                label(), stats.setsCommitted(), ms, stats.setsCommitted() * 1000.0 / Math.max(1, ms), stats.groupsCommitted(),
                stats.avgGroupSize(), stats.maxGroupSize(), stats.avgCommitNanos() / 1e6);
        assertEquals(100 + 7, store.findByRrn(String.format("%s%02d%06d", prefix, 3, 7)).orElseThrow().amount());
        assertEquals(threads * perThread, countRefundless(prefix, threads, perThread, at));
    }

    /**
     * How many of the {@code threads * perThread} sales of this test the store holds, each checked (one query for
     * all: every row created since {@code at}), each exactly once and under its own duplicate key.
     */
    private int countRefundless(String prefix, int threads, int perThread, Instant at) {
        java.util.Map<String, String> expected = new java.util.HashMap<>();
        for (int i = 0; i < threads; i++) {
            for (int k = 0; k < perThread; k++) {
                String stan = String.format("%06d", k);
                expected.put(String.format("%s%02d%06d", prefix, i, k), "TERM000" + i + ":0200:" + stan + ":0301101530");
            }
        }
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        List<String> wrong = new ArrayList<>();
        store.forEachDupKeySince(at, (dupKey, rrn) -> {
            if (!rrn.startsWith(prefix)) return;
            seen.merge(rrn, 1, Integer::sum);
            if (!dupKey.equals(expected.get(rrn))) wrong.add(rrn + " under " + dupKey);
        });
        assertEquals(List.of(), wrong, "rows under another duplicate key, or not written by this test");
        seen.forEach((rrn, times) -> assertEquals(1, times, rrn + " stored more than once"));
        int n = 0;
        for (String rrn : expected.keySet()) if (seen.containsKey(rrn)) n++;
        return n;
    }

    @Test
    void groupCommitReportsPerSetConflicts() throws Exception {
        Instant at = now();
        TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1000, at);
        applyOk(set().txn(t));
        try (GroupCommitWriter writer = new GroupCommitWriter(store)) {
            CompletableFuture<Void> ok = writer.submit(set().txn(t.withRefundedAmount(10, at)));
            CompletableFuture<Void> stale = writer.submit(set().txn(t.withRefundedAmount(20, at)));
            ok.get(10, TimeUnit.SECONDS);
            Exception e = assertThrows(Exception.class, () -> stale.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ConcurrentUpdateException.class, e.getCause());
        }
        assertEquals(10, store.findByRrn(t.rrn()).orElseThrow().refundedAmount());
    }

    // ---------------------------------------------------------------- misc

    @Test
    void distinctRrnsInOneGroupAllLand() {
        Instant at = now();
        List<ChangeSet> sets = new ArrayList<>();
        Set<String> rrns = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", String.format("%06d", i), i, at);
            rrns.add(t.rrn());
            sets.add(set().txn(t).event(new StatusEvent("terminal", "BULK", null, "x" + i, null, at.plusNanos(i * 1000L))));
        }
        List<RuntimeException> r = store.apply(sets);
        assertTrue(r.stream().allMatch(x -> x == null));
        for (String rrn : rrns) assertTrue(store.findByRrn(rrn).isPresent());
        assertEquals(300, store.events("terminal", "BULK").size());
        assertEquals("x0", store.events("terminal", "BULK").get(0).toStatus());
        assertEquals("x299", store.events("terminal", "BULK").get(299).toStatus());
    }
}
