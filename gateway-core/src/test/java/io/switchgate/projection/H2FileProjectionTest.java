package io.switchgate.projection;

import io.switchgate.journal.JournalWriter;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.ForwardingStore;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.TransactionStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The projection into H2 files (the gateway's default store), closed and reopened across the simulated crash. */
class H2FileProjectionTest extends ProjectionContract {
    @Override
    TransactionStore openStore(String name) {
        JdbcTransactionStore s = JdbcTransactionStore.open("jdbc:h2:file:" + dir.resolve(name), "sa", "", 4);
        s.migrate();
        return s;
    }

    /**
     * A start writes again every change set since the tables were last saved (an H2 file can lose part of any commit
     * since its last checkpoint), in store transactions of a bounded number of sets: each set once, in journal order,
     * none from before the save.
     */
    @Test
    void aStartWritesEverySetSinceTheSaveAgainInBoundedChunksEachOnceInOrder() throws Exception {
        List<ChangeSet> sets = new ChangeSetHistory(11).next(100);
        JournalWriter journal = openJournal();
        journal(journal, sets.subList(0, 40));
        TransactionStore store = store("projected");
        ProjectionTailer running = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, store, 16);
        running.catchUp();
        long saved = store.saveProjection(true);
        long last = journal(journal, sets.subList(40, 100));
        running.catchUp();
        assertEquals(saved + 1, store.projectedBatchFrom(), "the batches since the save keep the save's mark");

        List<List<byte[]>> chunks = new ArrayList<>();
        TransactionStore recording = new ForwardingStore(store) {
            @Override public long projectedBatchFrom() { return inner.projectedBatchFrom(); }
            @Override public void reapplyProjectedRows(List<ChangeSet> given) {
                List<byte[]> chunk = new ArrayList<>();
                for (ChangeSet cs : given) chunk.add(encoded(cs));
                chunks.add(chunk);
                inner.reapplyProjectedRows(given);
            }
        };
        ProjectionTailer starting = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, recording, 16);
        assertEquals(last - saved, starting.reapplySinceSaved(7), "every record after the save, of any type");

        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            int size = chunks.get(i).size();
            assertTrue(size <= 7, "chunk " + i + " holds " + size);
            if (i < chunks.size() - 1) assertEquals(7, size, "only the last chunk is short");
            written.addAll(chunks.get(i));
        }
        assertEquals(60, written.size(), "the 60 sets journaled after the save, each once");
        for (int i = 0; i < 60; i++) assertArrayEquals(encoded(sets.get(40 + i)), written.get(i), "set " + (40 + i));
    }

    private static byte[] encoded(ChangeSet cs) {
        PayloadWriter w = new PayloadWriter();
        ChangeSetCodec.encode(cs, w);
        return Arrays.copyOf(w.array(), w.length());
    }

    /**
     * A black-box audit: after a kill -9, every status event since the last save was listed twice. The start writes
     * those records again, and an event is inserted only where the same one is not there, but an instant with
     * nanoseconds never equalled the microseconds the column kept. Both sides are now bound at the column's precision.
     */
    @Test
    void anEventWrittenAgainIsThereOnceThoughItsInstantHasNanoseconds() {
        TransactionStore store = store("events");
        io.switchgate.model.StatusEvent frozen = new io.switchgate.model.StatusEvent("merchant", "M1", "active", "frozen",
                "OPERATOR", java.time.Instant.parse("2026-12-07T07:00:00.123456789Z"));
        List<ChangeSet> sets = List.of(new ChangeSet().event(frozen));
        assertTrue(store.applyProjected(sets, store.projectedSequence(), store.projectedSequence() + 1));
        store.reapplyProjectedRows(sets);
        store.reapplyProjectedRows(sets);
        assertEquals(1, store.events("merchant", "M1").size(), "one event, written three times");
    }
}
