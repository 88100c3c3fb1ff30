package io.switchgate.txn;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.InMemoryTransactionStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/** The working set stays bounded under sustained load, without dropping what may not be committed yet. */
class EngineStateSweepTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static TxnRecord sale(long n, Instant at) {
        String rrn = String.format("01%010d", n);
        String stan = String.format("%06d", n % 999_999 + 1);
        return new TxnRecord(rrn, "01", TxnType.SALE, "0200", "000000", "TERM0001", "MERCHANT0000001", stan, "1125120000",
                "TERM0001|2|" + stan + "|" + n, "fp", 100, "156", "hash", "621234******1232", "00", null, "A1B2C3",
                TxnStatus.APPROVED, 0, null, null, 1, "embedded", null, null, at, at, 1);
    }

    /** 1,500 sales of the last 10 minutes, committed, into a working set whose index holds 1,000 keys. */
    private static void overfill(EngineState state, InMemoryTransactionStore store) {
        java.util.List<io.switchgate.store.ChangeSet> committed = new java.util.ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            TxnRecord t = sale(i, NOW.minusSeconds(600 - i / 10));
            state.put(t);
            committed.add(new io.switchgate.store.ChangeSet().txn(t));
        }
        for (RuntimeException e : store.apply(committed)) assertNull(e);
    }

    @Test
    void aFullDuplicateIndexLetsTheOldestKeysGoAndAsksTheStoreForThem() {
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        EngineState state = new EngineState(store, NOW.minusSeconds(3600), false, 1_000);
        overfill(state, store);
        assertEquals(1_000, state.cachedDuplicateKeys());
        state.sweep(NOW); // the rows are over 2 minutes old: they leave the cache, so a kept key's row comes from the store too
        TxnRecord evicted = sale(3, NOW);
        TxnRecord kept = sale(1_400, NOW);
        assertEquals(evicted.rrn(), state.answered("TERM0001", evicted.stan(), evicted.dupKey(), NOW).rrn(),
                "a key the index let go is found in the store");
        assertEquals(kept.rrn(), state.answered("TERM0001", kept.stan(), kept.dupKey(), NOW).rrn());
        assertNull(state.answered("TERM0001", "999999", "TERM0001|2|999999|never", NOW), "a new key is new");
    }

    @Test
    void whatThePrefetchStageReadOfAKeyStandsInForTheStoresAnswer() {
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        EngineState state = new EngineState(store, NOW.minusSeconds(3600), false, 1_000);
        assertFalse(state.duplicatesNeedStore(NOW), "an index that let nothing go answers alone");
        overfill(state, store);
        assertTrue(state.duplicatesNeedStore(NOW), "the index let keys of the last 24 hours go");
        TxnRecord evicted = sale(3, NOW);
        TxnRecord kept = sale(1_400, NOW);
        assertEquals(evicted.rrn(), state.answered("TERM0001", evicted.stan(), evicted.dupKey(), NOW,
                new Prefetch.DupChecked(evicted.dupKey(), evicted, null)).rrn(), "the stage's find is the answer");
        assertNull(state.answered("TERM0001", evicted.stan(), evicted.dupKey(), NOW,
                new Prefetch.DupChecked(evicted.dupKey(), null, null)), "the stage found nothing: the store is not asked again");
        assertEquals(evicted.rrn(), state.answered("TERM0001", evicted.stan(), evicted.dupKey(), NOW,
                new Prefetch.DupChecked("TERM0001|2|000004|4", null, null)).rrn(), "a read of another key stands in for nothing");
        assertEquals(kept.rrn(), state.answered("TERM0001", kept.stan(), kept.dupKey(), NOW,
                new Prefetch.DupChecked(kept.dupKey(), null, null)).rrn(), "the index is asked first");
    }

    /** The journal's projection as the sweep sees it: the test moves both sequences by hand. */
    static final class Progress implements ProjectionProgress {
        long appended;
        long projected;

        @Override
        public long appendedSequence() {
            return appended;
        }

        @Override
        public long projectedSequence() {
            return projected;
        }

        @Override
        public boolean awaitProjected(long sequence, java.time.Duration timeout) {
            return projected >= sequence;
        }
    }

    @Test
    void withAProjectionTheDuplicateIndexHoldsAtLeastTwiceTheLagLimit() {
        // A key the index lets go is asked of the tables: they must have its record by then.
        int floor = 2 * (20_000 + Engine.DEFAULT_MAX_QUEUED); // the lag limit and what may be queued behind it
        assertEquals(floor, EngineState.duplicateKeysWithProjection(1_000, 20_000));
        assertEquals(4_294_967, EngineState.duplicateKeysWithProjection(4_294_967, 20_000));
        assertEquals(100_000_000, EngineState.duplicateKeysWithProjection(1_000, Long.MAX_VALUE));
        assertEquals(floor, new EngineState(new InMemoryTransactionStore(), NOW, false, 1_000, new Progress()).duplicateKeyBound());
        assertEquals(1_000, new EngineState(new InMemoryTransactionStore(), NOW, false, 1_000).duplicateKeyBound(),
                "no projection: the tables have every record at once");
    }

    @Test
    void withAProjectionBehindTheJournalNoRowLeavesUntilTheTablesHaveIt() {
        // The store here has none of the rows (the projection has not applied them): a row read back from it would
        // be missing or old, so the working set must keep every row whose record the tables may lack.
        Progress p = new Progress();
        EngineState state = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false, p);
        for (int i = 0; i < 100; i++) state.put(sale(i, NOW.minusSeconds(600)));
        p.appended = 100;
        state.sweep(NOW); // sequence 100 appended by now, nothing projected
        assertEquals(100, state.cachedTransactions(), "rows left before the tables had them");
        p.projected = 99;
        state.sweep(NOW.plusSeconds(1));
        assertEquals(100, state.cachedTransactions(), "one record still missing from the tables");
        p.projected = 100;
        state.sweep(NOW.plusSeconds(2)); // everything appended by the first sweep is in the tables now
        assertEquals(0, state.cachedTransactions());

        // Rows changed after that sweep stay, however old they get, until the tables have their records.
        for (int i = 100; i < 150; i++) state.put(sale(i, NOW.plusSeconds(3)));
        p.appended = 150;
        state.sweep(NOW.plusSeconds(600));
        assertEquals(50, state.cachedTransactions(), "ten minutes old, but not in the tables");
        p.projected = 150;
        state.sweep(NOW.plusSeconds(601));
        assertEquals(0, state.cachedTransactions());
    }

    @Test
    void aProjectionTooFarBehindIsSaidSo() {
        Progress p = new Progress();
        EngineState state = new EngineState(new InMemoryTransactionStore(), NOW, false, p);
        p.appended = EngineState.PROJECTION_LAG_LIMIT;
        assertFalse(state.projectionTooFarBehind());
        p.appended = EngineState.PROJECTION_LAG_LIMIT + 1;
        assertTrue(state.projectionTooFarBehind());
        p.projected = 1;
        assertFalse(state.projectionTooFarBehind());
        assertFalse(new EngineState(new InMemoryTransactionStore(), NOW, false).projectionTooFarBehind(), "no projection");
    }

    @Test
    void theWorkingSetsBoundIsTheOperatorsWhenSet() {
        System.setProperty(EngineState.WORKING_SET_PROPERTY, "2000");
        EngineState state;
        try {
            state = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        } finally {
            System.clearProperty(EngineState.WORKING_SET_PROPERTY);
        }
        for (int i = 0; i < 5_000; i++) state.put(sale(i, NOW.minusSeconds(30)));
        state.sweep(NOW);
        assertEquals(2_000, state.cachedTransactions());
        assertNotNull(state.txn(sale(4_999, NOW).rrn()), "the newest stay");
    }

    @Test
    void overTheCapTheOldestGoOnceTheCommitsThatChangedThemHaveCompleted() {
        EngineState state = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        state.sweep(NOW.minusSeconds(60));
        // a commit decided after that sweep, not yet complete
        int inFlight = state.commitHorizon.submitted(NOW.minusSeconds(30).toEpochMilli());
        int old = EngineState.TXN_CACHE_MAX + 5_000;
        for (int i = 0; i < old; i++) state.put(sale(i, NOW.minusSeconds(30)));      // younger than 2 minutes
        state.sweep(NOW.minusSeconds(20));
        assertEquals(old, state.cachedTransactions(), "over the cap, but a commit of that time may still be in flight");
        state.sweep(NOW.minusSeconds(19));
        assertEquals(old, state.cachedTransactions(), "later epochs complete, an earlier one not: still nothing goes");

        state.commitHorizon.completed(inFlight);
        state.sweep(NOW);
        assertEquals(EngineState.TXN_CACHE_MAX, state.cachedTransactions(), "once it completed, down to the cap");
        assertNull(state.txn(sale(0, NOW).rrn()), "the oldest went");
        assertNotNull(state.txn(sale(old - 1, NOW).rrn()), "the newest stay");

        // nothing in flight: rows a few seconds old go too, down to the cap (no fixed minimum age: at 200,000 decisions
        // a second, ten seconds of rows were two million in the heap)
        EngineState quick = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        for (int i = 0; i < EngineState.TXN_CACHE_MAX + 1_000; i++) quick.put(sale(i, NOW.minusSeconds(1)));
        quick.sweep(NOW);
        assertEquals(EngineState.TXN_CACHE_MAX, quick.cachedTransactions());

        // under the cap: the 2-minute rule alone
        EngineState few = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        for (int i = 0; i < 100; i++) few.put(sale(i, NOW.minus(Duration.ofMinutes(3))));
        for (int i = 100; i < 150; i++) few.put(sale(i, NOW.minusSeconds(30)));
        few.sweep(NOW);
        assertEquals(50, few.cachedTransactions());
    }

    @Test
    void aRowDueByAgeStaysWhileACommitOfItsTimeIsInFlight() {
        EngineState state = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        int slot = state.commitHorizon.submitted(NOW.minusSeconds(301).toEpochMilli()); // e.g. a journal that stopped answering
        for (int i = 0; i < 100; i++) state.put(sale(i, NOW.minus(Duration.ofMinutes(5))));
        state.sweep(NOW);
        assertEquals(100, state.cachedTransactions(), "a row may be the change that commit carries");
        state.commitHorizon.completed(slot);
        state.sweep(NOW.plusSeconds(1));
        assertEquals(0, state.cachedTransactions());
    }

    @Test
    void aSweepLetsRowsGoASliceAtATimeAndMovesTheEpochOnceWhenItBegins() {
        EngineState state = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        for (int i = 0; i < 1_000; i++) state.put(sale(i, NOW.minus(Duration.ofMinutes(5))));  // due: older than 2 minutes
        for (int i = 1_000; i < 1_100; i++) state.put(sale(i, NOW.minusSeconds(30)));         // young
        long epoch = state.evictionEpoch();
        state.beginSweep(NOW);
        assertEquals(epoch + 1, state.evictionEpoch(), "a prefetch read that began before the sweep is not taken");
        assertEquals(1_100, state.cachedTransactions(), "beginning lets nothing go yet");
        assertTrue(state.sweeping());

        // the engine changes a due row after the sweep began: it stays (its new version is not in the tables)
        TxnRecord changed = sale(500, NOW.minus(Duration.ofMinutes(5)));
        state.put(new TxnRecord(changed.rrn(), changed.nodeId(), changed.type(), changed.mti(), changed.processingCode(),
                changed.terminalId(), changed.merchantId(), changed.stan(), changed.transmissionTime(), changed.dupKey(),
                changed.fingerprint(), changed.amount(), changed.currency(), changed.panHash(), changed.maskedPan(),
                changed.responseCode(), changed.reason(), changed.authCode(), TxnStatus.APPROVED, 40, null, null,
                changed.batchNo(), changed.host(), null, null, changed.createdAt(), NOW, 2));

        assertTrue(state.sweepSome(300));
        assertEquals(800, state.cachedTransactions(), "one slice: 300 rows looked at, 300 gone");
        int slices = 1;
        while (state.sweepSome(300)) slices++;
        assertEquals(4, slices + 1, "1,000 due rows in slices of 300");
        assertFalse(state.sweeping());
        assertEquals(101, state.cachedTransactions(), "the young rows and the one changed during the sweep");
        assertNotNull(state.txn(changed.rrn()));
        assertEquals(40, state.txn(changed.rrn()).refundedAmount());
        assertEquals(epoch + 1, state.evictionEpoch(), "the slices do not move the epoch");
        assertFalse(state.sweepSome(300), "nothing left: a slice is a no-op");
    }

    @Test
    void aDroppedWorkingSetEndsTheSweepUnderWay() {
        EngineState state = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        for (int i = 0; i < 1_000; i++) state.put(sale(i, NOW.minus(Duration.ofMinutes(5))));
        state.beginSweep(NOW);
        assertTrue(state.sweepSome(10));
        state.invalidate();
        assertFalse(state.sweeping());
        assertEquals(0, state.cachedTransactions());
        for (int i = 0; i < 10; i++) state.put(sale(5_000 + i, NOW.minus(Duration.ofMinutes(5))));
        assertFalse(state.sweepSome(10), "no sweep under way: nothing goes until the next one begins");
        assertEquals(10, state.cachedTransactions());
    }

    @Test
    void aRecordWithoutATerminalIsSweptLikeAnyOther() {
        // a request without DE 41 is answered 30 MISSING_FIELD_41 and journaled with no terminal; its sweep used to
        // throw (TerminalStan's hash of a null terminal) about two minutes later
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        EngineState state = new EngineState(store, NOW.minusSeconds(3600), false, 1_000);
        Instant old = NOW.minusSeconds(600);
        TxnRecord noTerminal = new TxnRecord("010000000001", "01", TxnType.SALE, "0200", "000000", null, null, "000001",
                "1125120000", null, null, 100, "156", null, null, "30", "MISSING_FIELD_41", null, TxnStatus.DECLINED, 0,
                null, null, 0, null, null, null, old, old, 1);
        state.put(noTerminal);
        for (RuntimeException e : store.apply(java.util.List.of(new io.switchgate.store.ChangeSet().txn(noTerminal)))) assertNull(e);
        assertDoesNotThrow(() -> state.sweep(NOW));
        assertEquals(0, state.cachedTransactions(), "the row left the working set");
    }

    @Test
    void terminalAndStanKeysSpreadOverHashes() {
        // the record's default hash (31 * h(terminal) + h(STAN)) gives TERM0001/000110 and TERM0002/000100 one hash
        assertNotEquals(StanIndex.hash("TERM0001", "000110"), StanIndex.hash("TERM0002", "000100"));
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        int keys = 0;
        for (int t = 1; t <= 200; t++) {
            for (int stan = 1; stan <= 1_000; stan++) {
                hashes.add(StanIndex.hash(String.format("TERM%04d", t), String.format("%06d", stan)));
                keys++;
            }
        }
        assertTrue(hashes.size() > keys * 0.99, hashes.size() + " hashes for " + keys + " keys");
    }
}
