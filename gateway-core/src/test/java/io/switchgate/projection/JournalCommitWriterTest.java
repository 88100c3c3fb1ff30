package io.switchgate.projection;

import io.switchgate.journal.Durability;
import io.switchgate.journal.FaultyChannels;
import io.switchgate.journal.JournalOptions;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The file journal as commit point: every submitted set ends, committed or failed, whatever the journal does. */
class JournalCommitWriterTest {
    @TempDir
    Path dir;

    @Test
    void setsCompleteWhenDurableInOrder() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(11);
        try (JournalCommitWriter w = JournalCommitWriter.open(new JournalOptions(dir, Durability.FSYNC, 64 << 10))) {
            List<ChangeSet> sets = history.next(300);
            CompletableFuture<?>[] fs = new CompletableFuture<?>[sets.size()];
            for (int i = 0; i < fs.length; i++) fs[i] = w.submit(sets.get(i));
            CompletableFuture.allOf(fs).get(30, TimeUnit.SECONDS);
            assertEquals(300, w.durableSequence());
            assertEquals(0, w.queueDepth());
            // the group size gauges (/metrics): the largest at least the last and the average (it said 0, an audit)
            var stats = w.stats();
            assertTrue(stats.maxGroupSize() >= stats.lastGroupSize() && stats.lastGroupSize() >= 1, stats.toString());
            assertTrue(stats.maxGroupSize() >= stats.avgGroupSize(), stats.toString());
        }
    }

    /**
     * The journal may stop between a set's append and its being queued for completion: the set must fail then, never
     * wait for ever (the terminal would hear nothing). Many tries, since the window is small.
     */
    @Test
    void aForceThatFailsFailsEverySetInFlightAndEveryLaterOne() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(12);
        for (int attempt = 0; attempt < 60; attempt++) {
            FaultyChannels disk = new FaultyChannels();
            Path d = dir.resolve("j" + attempt);
            try (JournalCommitWriter w = JournalCommitWriter.open(new JournalOptions(d, Durability.FSYNC, 64 << 10), disk)) {
                disk.failForces = true;
                List<ChangeSet> sets = history.next(5);
                CompletableFuture<?>[] fs = new CompletableFuture<?>[sets.size()];
                for (int i = 0; i < fs.length; i++) fs[i] = w.submit(sets.get(i));
                for (CompletableFuture<?> f : fs) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS),
                            "a set appended as the journal stopped was neither committed nor failed");
                    assertInstanceOf(StoreException.class, e.getCause());
                }
                assertNotNull(w.failure());
                disk.failForces = false;
                CompletableFuture<Void> later = w.submit(history.next(1).get(0));
                assertTrue(later.isCompletedExceptionally(), "after a failed force nothing is committed again");
            }
        }
    }
}
