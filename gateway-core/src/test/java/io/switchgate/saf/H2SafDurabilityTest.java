package io.switchgate.saf;

import io.switchgate.store.JdbcTransactionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A stored reversal must outlive a crash before the terminal hears 91 (CONTRACT: "a reversal is stored and sent to the
 * host until it answers, across restarts"), and a held one before its request leaves for the host. On an H2 file
 * store H2 writes pages in the background, so {@code enqueue} appends the message to the store's journal log and
 * forces it: the database file and its log, copied the moment {@code enqueue} returns (what a kill -9 would leave),
 * bring it back, and the store goes on from there without a gap in its log.
 */
class H2SafDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void anEnqueuedReversalComesBackFromTheDatabaseFileAndItsLogWhenEnqueueReturns() throws Exception {
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        SafMessage m = SafQueueContract.reversal("acq", 7, Instant.now());
        SafMessage held = SafQueueContract.held("01", 8, Instant.now());
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + live.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            assertTrue(store.hasJournalLog());
            SafQueue q = JdbcSafQueue.forStore(store);
            q.enqueueAll(java.util.List.of(m, held), java.util.Map.of(held.id(), "kept beside"));
            Files.copy(Path.of(live + ".mv.db"), Path.of(crashed + ".mv.db"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(Path.of(live + ".journal"), Path.of(crashed + ".journal"), StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Files.size(Path.of(crashed + ".journal")) > 0, "in the log");
        }
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + crashed.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            SafQueue q = JdbcSafQueue.forStore(store);
            assertTrue(q.find(m.id()).isPresent(), "the reversal was lost");
            assertEquals(SafMessage.Status.HELD, q.find(held.id()).orElseThrow().status(), "the held reversal was lost");
            assertEquals(java.util.List.of(held.id()), q.held("01").stream().map(SafMessage::id).toList());
            assertEquals("kept beside", q.keptBeside(held.id()), "what was kept beside it, from the log too");
            // the store goes on from the replayed entry: the next group is written and survives a restart too
            q.enqueue(SafQueueContract.reversal("acq", 9, Instant.now()));
        }
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + crashed.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            assertEquals(2, JdbcSafQueue.forStore(store).depth());
        }
    }

    /**
     * A held reversal goes before its host request: it must not wait while the projection applies a batch under the
     * database's write lock (it writes no projected table), only for the log's own order.
     */
    @Test
    void aReversalIsStoredWhileTheProjectionHoldsTheDatabasesWriteLock() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("locked").toAbsolutePath();
        try (JdbcTransactionStore store = JdbcTransactionStore.open(url, "sa", "", 2)) {
            store.migrate();
            SafQueue q = JdbcSafQueue.forStore(store);
            java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            Thread projection = new Thread(() -> {
                var lock = io.switchgate.store.H2WriteLock.of(url);
                lock.lock();
                try {
                    locked.countDown();
                    done.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    lock.unlock();
                }
            });
            projection.start();
            assertTrue(locked.await(5, java.util.concurrent.TimeUnit.SECONDS));
            try {
                SafMessage held = SafQueueContract.held("01", 12, Instant.now());
                assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> q.enqueueAll(java.util.List.of(held)),
                        "the hold waited for the write lock");
                assertEquals(SafMessage.Status.HELD, q.find(held.id()).orElseThrow().status());
            } finally {
                done.countDown();
                projection.join(10_000);
            }
        }
    }

    /**
     * With the file journal nothing else checkpoints the H2 file: the log of held and stored reversals is emptied by
     * a checkpoint once it passes its bound, and every row is still there after a restart.
     */
    @Test
    void theLogOfReversalsIsCheckpointedOnceItPassesItsBoundAndLosesNothing() throws Exception {
        Path db = dir.resolve("bounded");
        Path log = Path.of(db + ".journal");
        long most = 0;
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + db.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            io.switchgate.store.StoreHooks.checkpointLogAbove(store, 8 << 10);
            SafQueue q = JdbcSafQueue.forStore(store);
            for (int i = 0; i < 200; i++) {
                q.enqueue(SafQueueContract.reversal("acq", i, Instant.now()));
                most = Math.max(most, Files.size(log));
            }
        }
        assertTrue(most < 16 << 10, "the log grew to " + most + " bytes past its bound of 8 KB");
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + db.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            assertEquals(200, JdbcSafQueue.forStore(store).depth());
        }
    }

    @Test
    void aLogThatHoldsRowsOfAnotherTableIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new io.switchgate.store.LoggedRows("transactions",
                java.util.List.of("rrn"), java.util.List.<Object[]>of(new Object[] {"x"})));
        assertThrows(IllegalArgumentException.class, () -> new io.switchgate.store.LoggedRows("saf_messages",
                java.util.List.of("id; DROP TABLE x"), java.util.List.<Object[]>of(new Object[] {"x"})));
    }
}
