package io.switchgate.store;

import io.switchgate.model.TxnRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.switchgate.store.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitWriterTest {

    /**
     * A store whose apply waits for a latch, so sets pile up behind it; {@link #awaitApplyEntered} tells the test
     * that the writer has taken a group and waits in apply (what it submits from then on queues behind it).
     */
    static final class GatedStore extends ForwardingStore {
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final List<Integer> groupSizes = new ArrayList<>();
        volatile RuntimeException failWith;

        GatedStore(TransactionStore inner) {
            super(inner);
        }

        void awaitApplyEntered() throws InterruptedException {
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the writer never called apply");
        }

        @Override
        public List<RuntimeException> apply(List<ChangeSet> group) {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (groupSizes) {
                groupSizes.add(group.size());
            }
            if (failWith != null) throw failWith;
            return super.apply(group);
        }
    }

    private static ChangeSet sale(int i) {
        return set().txn(Fixtures.sale(rrn(), "TERM0001", "MERCHANT0000001", String.format("%06d", i), i, Instant.EPOCH));
    }

    private static Throwable cause(CompletableFuture<Void> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void waitingSetsShareOneCommitAndCompleteOnlyAfterIt() throws Exception {
        GatedStore store = new GatedStore(new InMemoryTransactionStore());
        try (GroupCommitWriter w = new GroupCommitWriter(store, 512, 10_000, null)) {
            CompletableFuture<Void> first = w.submit(sale(0));
            store.awaitApplyEntered(); // the writer has taken the first set and waits in apply
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            for (int i = 1; i <= 100; i++) rest.add(w.submit(sale(i)));
            assertFalse(first.isDone());
            for (CompletableFuture<Void> f : rest) assertFalse(f.isDone(), "completed before its commit");
            store.gate.countDown();
            CompletableFuture.allOf(rest.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            first.get();
            assertEquals(List.of(1, 100), store.groupSizes);
            GroupCommitStats s = w.stats();
            assertEquals(2, s.groupsCommitted());
            assertEquals(101, s.setsCommitted());
            assertEquals(100, s.lastGroupSize());
            assertEquals(100, s.maxGroupSize());
            assertEquals(50.5, s.avgGroupSize(), 1e-9);
            assertTrue(s.avgCommitNanos() > 0);
        }
    }

    @Test
    void groupsAreCappedAtMaxGroupSize() throws Exception {
        GatedStore store = new GatedStore(new InMemoryTransactionStore());
        try (GroupCommitWriter w = new GroupCommitWriter(store, 10, 10_000, null)) {
            w.submit(sale(0));
            store.awaitApplyEntered();
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 1; i <= 35; i++) fs.add(w.submit(sale(i)));
            store.gate.countDown();
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(1, 10, 10, 10, 5), store.groupSizes);
        }
    }

    @Test
    void aFailedCommitFailsEverySetOfTheGroup() throws Exception {
        GatedStore store = new GatedStore(new InMemoryTransactionStore());
        store.failWith = new StoreException("disk full");
        AtomicInteger listened = new AtomicInteger();
        try (GroupCommitWriter w = new GroupCommitWriter(store, 512, 100, (size, rejected, nanos, committed) -> {
            assertFalse(committed);
            listened.addAndGet(rejected);
        })) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 5; i++) fs.add(w.submit(sale(i)));
            store.gate.countDown();
            for (CompletableFuture<Void> f : fs) {
                Throwable t = cause(f);
                assertInstanceOf(StoreException.class, t);
                assertEquals("disk full", t.getMessage());
            }
            assertEquals(5, w.stats().setsFailed());
            assertEquals(0, w.stats().setsCommitted());
            assertEquals(5, listened.get());
        }
    }

    @Test
    void anUnexpectedErrorInTheStoreBecomesAStoreException() throws Exception {
        GatedStore store = new GatedStore(new InMemoryTransactionStore());
        store.failWith = new IllegalStateException("bug");
        store.gate.countDown();
        try (GroupCommitWriter w = new GroupCommitWriter(store)) {
            Throwable t = cause(w.submit(sale(1)));
            assertInstanceOf(StoreException.class, t);
            assertInstanceOf(IllegalStateException.class, t.getCause());
            // the writer keeps going
            store.failWith = null;
            w.submit(sale(2)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void closeCommitsWhatIsQueuedThenRefusesNewSets() throws Exception {
        GatedStore store = new GatedStore(new InMemoryTransactionStore());
        GroupCommitWriter w = new GroupCommitWriter(store, 7, 10_000, null);
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) fs.add(w.submit(sale(i)));
        AtomicInteger doneWhenCloseReturned = new AtomicInteger(-1);
        Thread closer = new Thread(() -> {
            w.close();
            int done = 0;
            for (CompletableFuture<Void> f : fs) if (f.isDone()) done++;
            doneWhenCloseReturned.set(done);
        });
        closer.start();
        store.awaitApplyEntered();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!w.isClosed()) {
            assertTrue(System.nanoTime() < deadline, "close() never marked the writer closed");
            Thread.onSpinWait();
        }
        // The writer is closed while its first group still waits in apply: close must still be waiting.
        assertTrue(closer.isAlive(), "close waits for the queued sets");
        assertInstanceOf(StoreException.class, cause(w.submit(sale(99))));
        store.gate.countDown();
        closer.join(10_000);
        assertFalse(closer.isAlive());
        assertEquals(50, doneWhenCloseReturned.get(), "every queued set is committed before close returns");
        for (CompletableFuture<Void> f : fs) assertFalse(f.isCompletedExceptionally());
        assertEquals(50, w.stats().setsCommitted());
        Throwable t = cause(w.submit(sale(100)));
        assertInstanceOf(StoreException.class, t);
        assertTrue(t.getMessage().contains("closed"));
        w.close(); // idempotent
    }

    @Test
    void aFullQueueFailsFastInsteadOfBlocking() throws Exception {
        GatedStore store = new GatedStore(new InMemoryTransactionStore());
        try (GroupCommitWriter w = new GroupCommitWriter(store, 512, 3, null)) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            fs.add(w.submit(sale(0)));
            store.awaitApplyEntered(); // taken by the writer, which now waits
            for (int i = 1; i <= 3; i++) fs.add(w.submit(sale(i)));
            CompletableFuture<Void> over = w.submit(sale(4));
            Throwable t = cause(over);
            assertInstanceOf(StoreException.class, t);
            assertEquals("journal queue full", t.getMessage());
            store.gate.countDown();
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            assertEquals(1, w.stats().setsFailed());
        }
    }

    @Test
    void submitRacingCloseIsEitherCommittedOrRefusedNeverLost() throws Exception {
        for (int round = 0; round < 20; round++) {
            InMemoryTransactionStore store = new InMemoryTransactionStore();
            GroupCommitWriter w = new GroupCommitWriter(store, 16, 100_000, null);
            List<CompletableFuture<Void>> fs = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread[] submitters = new Thread[3];
            for (int t = 0; t < submitters.length; t++) {
                submitters[t] = new Thread(() -> {
                    for (int i = 0; i < 300; i++) fs.add(w.submit(sale(i)));
                });
                submitters[t].start();
            }
            Thread.sleep(round % 3); // varies the interleaving from round to round; nothing waits on it
            w.close();
            for (Thread t : submitters) t.join();
            int ok = 0;
            for (CompletableFuture<Void> f : fs) {
                assertTrue(f.isDone(), "a set was neither committed nor refused");
                if (!f.isCompletedExceptionally()) ok++;
            }
            assertEquals(ok, w.stats().setsCommitted());
        }
    }

    @Test
    void perSetConflictsReachOnlyTheirOwnFuture() throws Exception {
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        TxnRecord t = Fixtures.sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 100, Instant.EPOCH);
        try (GroupCommitWriter w = new GroupCommitWriter(store)) {
            w.submit(set().txn(t)).get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> dup = w.submit(set().txn(t));
            CompletableFuture<Void> ok = w.submit(sale(2));
            assertInstanceOf(ConcurrentUpdateException.class, cause(dup));
            ok.get(10, TimeUnit.SECONDS);
            assertEquals(1, w.stats().setsRejected());
        }
    }
}
