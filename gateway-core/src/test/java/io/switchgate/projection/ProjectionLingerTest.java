package io.switchgate.projection;

import io.switchgate.journal.Durability;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalWriter;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.InMemoryTransactionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** A lingering tailer lets records gather into one batch, yet applies at once for a reader or a full batch. */
class ProjectionLingerTest {
    @TempDir
    Path dir;

    private static long append(JournalWriter w, List<ChangeSet> sets) throws InterruptedException {
        PayloadWriter payload = new PayloadWriter();
        long last = 0;
        for (ChangeSet cs : sets) {
            ChangeSetCodec.encode(cs, payload);
            last = w.append(ChangeSetCodec.RECORD_TYPE, payload.array(), 0, payload.length());
        }
        w.awaitDurable(last);
        return last;
    }

    @Test
    void recordsWaitForTheLingerUnlessAReaderHurriesOrABatchIsFull() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(7);
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        try (JournalWriter w = JournalWriter.open(JournalOptions.of(dir, Durability.WRITE), seq -> { });
             ProjectionTailer tailer = new ProjectionTailer(dir, w::durableSequence, store, 100).linger(Duration.ofHours(1))) {
            long last = append(w, history.next(30));
            tailer.start(); // after the records: its first look finds them waiting, fewer than a batch
            tailer.recordsDurable(last); // no wake-up for fewer than a batch
            assertFalse(tailer.awaitApplied(last, 300, TimeUnit.MILLISECONDS), "applied before the linger was over");
            tailer.hurry();
            assertTrue(tailer.awaitApplied(last, 30, TimeUnit.SECONDS), "a reader's hurry applies what is durable");

            last = append(w, history.next(150)); // a full batch and more
            tailer.recordsDurable(last);
            assertTrue(tailer.awaitApplied(last - 50, 30, TimeUnit.SECONDS), "a full batch goes without lingering");
        }
    }
}
