package io.switchgate.journal;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static io.switchgate.journal.JournalFixtures.appendUpTo;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One reader following a journal while it is written ({@link JournalReader#refresh}), as the projection tailer does:
 * it reads up to the durable sequence, the writer goes on (in the same segment, into new segments, while the oldest are
 * pruned), and after a refresh the same reader returns exactly the records that follow, each once, checked.
 */
class JournalFollowTest {
    /** Small segments, so following crosses many segment rolls. */
    static final long SEGMENT = 4096;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aRefreshedReaderReadsOnExactlyWhereItStopped(Durability d) throws Exception {
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, d, SEGMENT), DurableListener.NONE);
             JournalReader r = JournalReader.open(dir, 1)) {
            long read = 0;
            long written = 0;
            for (int round = 0; round < 200; round++) {
                written += 1 + ThreadLocalRandom.current().nextInt(round % 10 == 0 ? 150 : 8);
                appendUpTo(w, written);
                if (round % 3 == 0) r.refresh(); // also refreshed twice in a row without reading: harmless
                r.refresh();
                while (read < written) { // no further than the durable end, as a tailer reads
                    assertTrue(r.next(), "record " + (read + 1) + " of " + written + " in round " + round);
                    read++;
                    assertEquals(read, r.sequence());
                    assertEquals(type(read), r.type());
                    ByteBuffer p = r.payload();
                    byte[] b = new byte[p.remaining()];
                    p.get(b);
                    assertArrayEquals(payload(read), b, "payload of " + read);
                }
                if (round % 25 == 24) w.pruneThrough(read); // retention deletes the segment the reader is in, too
            }
            assertFalse(r.next(), "nothing past the last record written");
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aReaderOpenedOnAnEmptyJournalFollowsItOnceWritten(Durability d) throws Exception {
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, d, SEGMENT), DurableListener.NONE);
             JournalReader r = JournalReader.open(dir, 1)) {
            assertFalse(r.next());
            appendUpTo(w, 500);
            r.refresh();
            for (long seq = 1; seq <= 500; seq++) {
                assertTrue(r.next(), "record " + seq);
                assertEquals(seq, r.sequence());
            }
        }
    }
}
