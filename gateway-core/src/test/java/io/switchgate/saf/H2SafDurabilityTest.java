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
            q.enqueueAll(java.util.List.of(m, held));
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
            // the store goes on from the replayed entry: the next group is written and survives a restart too
            q.enqueue(SafQueueContract.reversal("acq", 9, Instant.now()));
        }
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + crashed.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            assertEquals(2, JdbcSafQueue.forStore(store).depth());
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
