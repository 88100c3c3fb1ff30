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
 * host until it answers, across restarts"). On an H2 file store H2 writes pages in the background and the journal log
 * covers only {@code apply}, so {@code enqueue} has the store checkpoint: the database file, copied the moment
 * {@code enqueue} returns (what a kill -9 would leave), already holds the message.
 */
class H2SafDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void anEnqueuedReversalIsInTheDatabaseFileWhenEnqueueReturns() throws Exception {
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        SafMessage m = SafQueueContract.reversal("acq", 7, Instant.now());
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + live.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            assertTrue(store.hasJournalLog());
            SafQueue q = JdbcSafQueue.forStore(store);
            q.enqueue(m);
            Files.copy(Path.of(live + ".mv.db"), Path.of(crashed + ".mv.db"), StandardCopyOption.REPLACE_EXISTING);
        }
        try (JdbcTransactionStore store = JdbcTransactionStore.open("jdbc:h2:file:" + crashed.toAbsolutePath(), "sa", "", 2)) {
            store.migrate();
            assertTrue(JdbcSafQueue.forStore(store).find(m.id()).isPresent(), "the reversal was not in the file yet");
        }
    }
}
