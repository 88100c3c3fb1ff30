package io.switchgate.projection;

import io.switchgate.journal.DurableListener;
import io.switchgate.journal.Durability;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalWriter;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.ForwardingStore;
import io.switchgate.store.StoreException;
import io.switchgate.store.TransactionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The projection on one kind of store: change sets journaled, tailed into one store and applied directly (the old
 * way, versioned {@code apply}) to another; both must hold the same rows, whatever crashes in between.
 */
abstract class ProjectionContract {
    /** A record type that is not a change set: the tailer skips it, the mark passes it. */
    static final int OTHER_TYPE = 7;

    @TempDir
    Path dir;

    private final List<TransactionStore> opened = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** Opens the store called {@code name}, migrated; the same name again (after close) is the same database. */
    abstract TransactionStore openStore(String name);

    TransactionStore store(String name) {
        TransactionStore s = openStore(name);
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        for (TransactionStore s : opened) s.close();
    }

    private JournalWriter openJournal(DurableListener listener) throws IOException {
        // small segments: the tailer reads across many rolls
        JournalWriter w = JournalWriter.open(new JournalOptions(dir.resolve("journal"), Durability.WRITE, 64 << 10), listener);
        toClose.add(w);
        return w;
    }

    JournalWriter openJournal() throws IOException {
        return openJournal(durable -> { });
    }

    /** Appends each set as a change-set record, with a record of another type now and then; waits until durable. */
    static long journal(JournalWriter w, List<ChangeSet> sets) throws InterruptedException {
        PayloadWriter payload = new PayloadWriter();
        long last = w.lastAppendedSequence();
        for (int i = 0; i < sets.size(); i++) {
            ChangeSetCodec.encode(sets.get(i), payload);
            last = w.append(ChangeSetCodec.RECORD_TYPE, payload.array(), 0, payload.length());
            if (i % 97 == 0) last = w.append(OTHER_TYPE, ("note " + i).getBytes(StandardCharsets.US_ASCII));
        }
        w.awaitDurable(last);
        return last;
    }

    /** The old way: the store's versioned apply, in groups; every set must be accepted. */
    private static void applyDirectly(TransactionStore store, List<ChangeSet> sets) {
        for (int i = 0; i < sets.size(); i += 100) {
            List<RuntimeException> result = store.apply(sets.subList(i, Math.min(sets.size(), i + 100)));
            for (RuntimeException e : result) assertNull(e, "applied directly");
        }
    }

    @Test
    void aTailedStoreHoldsTheSameRowsAsOneTheSetsWereAppliedToDirectly() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(1);
        List<ChangeSet> sets = history.next(1_200);
        JournalWriter journal = openJournal();
        long last = journal(journal, sets);
        TransactionStore direct = store("direct");
        applyDirectly(direct, sets);

        TransactionStore projected = store("projected");
        ProjectionTailer tailer = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, 50);
        assertEquals(0, tailer.appliedSequence());
        assertEquals(last, tailer.lag());
        assertEquals(last, tailer.catchUp());

        assertEquals(last, tailer.appliedSequence());
        assertEquals(last, projected.projectedSequence());
        assertEquals(0, tailer.lag());
        assertEquals(0, tailer.catchUp(), "nothing more to apply");
        StoreComparison.assertSameRows(history, direct, projected);
    }

    @Test
    void rowsTheTablesAlreadyHaveAtTheirFirstVersionAreOverwrittenNotRefused() throws Exception {
        // New rows are inserted first (no update probe); one that is there already (written by another path, or
        // applied again after a crash) must send its batch down the update-or-insert path, not fail the projection.
        ChangeSetHistory history = new ChangeSetHistory(5);
        List<ChangeSet> sets = history.next(600);
        JournalWriter journal = openJournal();
        long last = journal(journal, sets);
        TransactionStore projected = store("projected");
        List<ChangeSet> early = new java.util.ArrayList<>();
        for (ChangeSet cs : sets.subList(0, 150)) {
            ChangeSet txnsOnly = new ChangeSet();
            for (var t : cs.txns) if (t.version() == 1) txnsOnly.txn(t);
            if (!txnsOnly.isEmpty()) early.add(txnsOnly);
        }
        applyDirectly(projected, early); // first versions of some transactions, the mark still at 0
        ProjectionTailer tailer = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, 64);
        assertEquals(last, tailer.catchUp());
        TransactionStore direct = store("direct");
        applyDirectly(direct, sets);
        for (String rrn : history.txns.keySet()) assertEquals(direct.findByRrn(rrn), projected.findByRrn(rrn), rrn);
    }

    /** A store that "crashes" at its n-th projected batch: before the commit, or after it (the tailer never hears). */
    static final class CrashingStore extends ForwardingStore {
        private int batchesLeft;
        private final boolean afterCommit;

        CrashingStore(TransactionStore inner, int batches, boolean afterCommit) {
            super(inner);
            this.batchesLeft = batches;
            this.afterCommit = afterCommit;
        }

        @Override
        public boolean applyProjected(List<ChangeSet> sets, long afterSeq, long lastSeq) {
            if (batchesLeft-- > 0) return inner.applyProjected(sets, afterSeq, lastSeq);
            if (afterCommit) inner.applyProjected(sets, afterSeq, lastSeq);
            throw new StoreException("simulated crash " + (afterCommit ? "after" : "before") + " the commit of "
                    + (afterSeq + 1) + ".." + lastSeq);
        }
    }

    @Test
    void aCrashBeforeAProjectedCommitIsMadeGoodOnceAfterRestart() throws Exception {
        crashBetweenJournalAndProjection(false);
    }

    @Test
    void aCrashAfterAProjectedCommitIsNotAppliedTwiceAfterRestart() throws Exception {
        crashBetweenJournalAndProjection(true);
    }

    private void crashBetweenJournalAndProjection(boolean afterCommit) throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(afterCommit ? 3 : 2);
        List<ChangeSet> first = history.next(800);
        JournalWriter journal = openJournal();
        long last = journal(journal, first);

        TransactionStore projected = openStore("projected");
        ProjectionTailer tailer = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence,
                new CrashingStore(projected, 7, afterCommit), 40);
        StoreException crash = assertThrows(StoreException.class, tailer::catchUp);
        assertTrue(crash.getMessage().startsWith("simulated crash"), crash.getMessage());
        long mark = projected.projectedSequence();
        assertEquals(afterCommit ? 8 * 40 : 7 * 40, mark, "the batches committed before the crash");
        assertEquals(mark, tailer.appliedSequence(), "the tailer re-read the mark after the failure");

        // the process dies: journal and store are closed and opened again, the journal goes on
        journal.close();
        projected.close();
        journal = openJournal();
        assertEquals(last, journal.recoveredLastSequence());
        List<ChangeSet> second = history.next(200);
        last = journal(journal, second);
        TransactionStore reopened = store("projected");
        assertEquals(mark, reopened.projectedSequence(), "the mark survived with the rows it covers");

        ProjectionTailer restarted = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, reopened, 40);
        assertEquals(last - mark, restarted.catchUp(), "exactly what the store lacked");
        assertEquals(last, reopened.projectedSequence());

        TransactionStore direct = store("direct");
        applyDirectly(direct, first);
        applyDirectly(direct, second);
        StoreComparison.assertSameRows(history, direct, reopened); // status events counted: each once
    }

    @Test
    void aTailerRunFromAnOldMarkAppliesNothingTwice() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(4);
        List<ChangeSet> sets = history.next(600);
        JournalWriter journal = openJournal();
        long last = journal(journal, sets);
        TransactionStore projected = store("projected");
        ProjectionTailer a = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, 64);
        ProjectionTailer stale = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, 64);
        assertEquals(last, a.catchUp());
        assertEquals(0, stale.appliedSequence(), "it read the mark before the other one applied");
        assertEquals(0, stale.catchUp(), "the store already had every batch");
        assertEquals(last, stale.appliedSequence());

        // and the store itself applies nothing of a batch it has all or part of, and refuses one that leaves a gap
        assertFalse(projected.applyProjected(sets.subList(0, 5), 0, 5));
        assertFalse(projected.applyProjected(sets.subList(0, 5), last - 1, last));
        assertFalse(projected.applyProjected(sets.subList(0, 5), last - 3, last + 2), "overlapping: nothing applied");
        assertEquals(last, projected.projectedSequence());
        StoreException gap = assertThrows(StoreException.class, () -> projected.applyProjected(sets.subList(0, 1), last + 1, last + 3));
        assertEquals("projection out of step: the store has journal records up to " + last + ", the batch covers "
                + (last + 2) + ".." + (last + 3) + ": records " + (last + 1) + ".." + (last + 1)
                + " would be skipped (re-read the mark and tail from there)", gap.getMessage().replaceFirst("^.*?: (?=projection)", ""));
        assertEquals(last, projected.projectedSequence());

        TransactionStore direct = store("direct");
        applyDirectly(direct, sets);
        StoreComparison.assertSameRows(history, direct, projected);
    }

    @Test
    void twoTailerThreadsOnOneStoreApplyEachRecordOnce() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(7);
        List<ProjectionTailer> followers = new ArrayList<>();
        JournalWriter journal = openJournal(durable -> {
            synchronized (followers) {
                for (ProjectionTailer t : followers) t.wakeUp();
            }
        });
        TransactionStore projected = store("projected");
        for (int batch : new int[]{16, 23}) { // different batch sizes, so that their batches overlap
            ProjectionTailer t = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, batch,
                    TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
            synchronized (followers) {
                followers.add(t);
            }
            toClose.add(0, t);
            t.start();
        }
        List<ChangeSet> all = new ArrayList<>();
        long last = 0;
        for (int burst = 0; burst < 5; burst++) {
            List<ChangeSet> sets = history.next(150);
            all.addAll(sets);
            last = journal(journal, sets);
        }
        for (ProjectionTailer t : followers) {
            assertTrue(t.awaitApplied(last, 60, TimeUnit.SECONDS), "applied " + t.appliedSequence() + " of " + last);
        }
        assertEquals(last, projected.projectedSequence());
        TransactionStore direct = store("direct");
        applyDirectly(direct, all);
        StoreComparison.assertSameRows(history, direct, projected); // status events counted: each once
    }

    @Test
    void aTailerThreadFollowsTheJournalAsItGrows() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(5);
        AtomicReference<ProjectionTailer> follower = new AtomicReference<>();
        JournalWriter journal = openJournal(durable -> {
            ProjectionTailer t = follower.get();
            if (t != null) t.wakeUp();
        });
        TransactionStore projected = store("projected");
        ProjectionTailer tailer = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, 32);
        follower.set(tailer);
        toClose.add(0, tailer);
        tailer.start();

        List<ChangeSet> all = new ArrayList<>();
        long last = 0;
        for (int burst = 0; burst < 4; burst++) {
            List<ChangeSet> sets = history.next(250);
            all.addAll(sets);
            last = journal(journal, sets);
            assertTrue(tailer.awaitApplied(last, 60, TimeUnit.SECONDS), "applied " + tailer.appliedSequence()
                    + " of " + last + ", failure " + tailer.failure());
        }
        assertEquals(0, tailer.lag());
        assertEquals(last, projected.projectedSequence());
        assertNull(tailer.failure());
        tailer.close();

        TransactionStore direct = store("direct");
        applyDirectly(direct, all);
        StoreComparison.assertSameRows(history, direct, projected);
    }

    @Test
    void aRecordThatDoesNotDecodeStopsTheTailerBeforeIt() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(6);
        JournalWriter journal = openJournal();
        journal(journal, history.next(95));
        long bad = journal.append(ChangeSetCodec.RECORD_TYPE, "not a change set".getBytes(StandardCharsets.US_ASCII));
        long last = journal(journal, history.next(10));
        TransactionStore projected = store("projected");

        ProjectionTailer tailer = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, 10);
        ChangeSetFormatException e = assertThrows(ChangeSetFormatException.class, tailer::catchUp);
        assertTrue(e.getMessage().startsWith("journal record " + bad + " in "), e.getMessage());
        assertTrue(e.getMessage().contains("change set payload of 16 bytes: garbled or truncated"), e.getMessage());
        long mark = projected.projectedSequence();
        assertEquals((bad - 1) / 10 * 10, mark, "every batch before the bad record's");

        ProjectionTailer thread = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, projected, 10);
        toClose.add(0, thread);
        thread.start();
        assertFalse(thread.awaitApplied(last, 60, TimeUnit.SECONDS), "the thread stops for good");
        assertInstanceOf(ChangeSetFormatException.class, thread.failure());
        assertEquals(mark, projected.projectedSequence());
        assertEquals(last - mark, thread.lag());
    }
}
