package io.switchgate.store;

import io.switchgate.journal.FaultyChannels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reserved block of a sequence (RRNs, host STANs) is on the disk before any number of it is handed out: a power loss
 * right after must not let the next start hand the same numbers out again, while the journal may hold records that
 * carry them. On an H2 file the block goes into the store's journal log and the log is forced (fdatasync); if the force
 * fails, the database writes and syncs its own pages instead (a checkpoint), and the log is emptied.
 *
 * <p>A power loss is simulated with what each file held when it was last made durable: the log as of its last force
 * ({@link FaultyChannels#afterForce} copies it), the database file as of its last checkpoint.
 */
class RrnBlockDurabilityTest {
    @TempDir
    Path dir;

    static String url(Path db) {
        return "jdbc:h2:file:" + db.toAbsolutePath();
    }

    static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aReservedBlockIsForcedBeforeItIsHandedOut() {
        Path live = dir.resolve("live");
        Path lost = dir.resolve("lost");
        FaultyChannels disk = new FaultyChannels();
        disk.afterForce = p -> copy(p, Path.of(lost + ".journal"));
        try (JdbcTransactionStore a = JdbcTransactionStore.open(url(live), "sa", "", 2, disk)) {
            a.migrate();
            assertEquals(1, a.reserveSequence("rrn-01", 1000));
            a.makeDurable(); // the database file holds the first block from here on
            copy(Path.of(live + ".mv.db"), Path.of(lost + ".mv.db"));
            int forces = disk.forces();
            assertEquals(1001, a.reserveSequence("rrn-01", 1000));
            assertTrue(disk.forces() > forces, "the log was forced for the second block");
        }
        try (JdbcTransactionStore b = JdbcTransactionStore.open(url(lost), "sa", "", 2)) {
            b.migrate();
            assertEquals(2001, b.reserveSequence("rrn-01", 1000),
                    "1001-2000 were handed out before the power loss: never again");
        }
    }

    @Test
    void whenTheForceFailsTheDatabaseHoldsTheBlockItself() throws IOException {
        Path live = dir.resolve("live2");
        FaultyChannels disk = new FaultyChannels();
        try (JdbcTransactionStore a = JdbcTransactionStore.open(url(live), "sa", "", 2, disk)) {
            a.migrate();
            assertEquals(1, a.reserveSequence("rrn-01", 1000));
            disk.failForces = true;
            assertEquals(1001, a.reserveSequence("rrn-01", 1000), "a failed force does not fail the reservation");
            try (JournalLog log = JournalLog.acquire(Path.of(live + ".journal"))) {
                assertEquals(0, log.size(), "checkpointed instead: the log it makes redundant is emptied");
            }
            // what the file holds without the log: the checkpoint wrote the block into the database itself
            copy(Path.of(live + ".mv.db"), dir.resolve("copy.mv.db"));
        }
        try (JdbcTransactionStore b = JdbcTransactionStore.open(url(dir.resolve("copy")), "sa", "", 2)) {
            b.migrate();
            assertEquals(2001, b.reserveSequence("rrn-01", 1000));
        }
    }
}
