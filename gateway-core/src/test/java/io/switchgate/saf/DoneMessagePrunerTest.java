package io.switchgate.saf;

import io.switchgate.config.InvalidConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DoneMessagePrunerTest {
    static final Instant NOW = Instant.parse("2026-12-05T04:00:00Z");

    @AfterEach
    void clearProperty() {
        System.clearProperty(DoneMessagePruner.RETENTION_PROPERTY);
    }

    /** Answers {@link #deleteDone} from a fixed backlog and records each cut; nothing else is asked of it. */
    static final class Backlog implements SafQueue {
        long left;
        final List<Instant> cuts = new ArrayList<>();

        Backlog(long left) {
            this.left = left;
        }

        @Override
        public int deleteDone(Instant before, int max) {
            cuts.add(before);
            int n = (int) Math.min(left, max);
            left -= n;
            return n;
        }

        private static <T> T no() {
            throw new UnsupportedOperationException("the pruner only deletes");
        }

        @Override public void enqueue(SafMessage m) { no(); }
        @Override public List<SafMessage> lease(String n, Instant t, int max, Duration l) { return no(); }
        @Override public boolean markDone(String id, String n, Instant t, String r) { return no(); }
        @Override public boolean markRefused(String id, String n, Instant t, String r) { return no(); }
        @Override public List<SafMessage> listRefused(int limit) { return no(); }
        @Override public long refusedCount() { return no(); }
        @Override public boolean reschedule(String id, String n, Instant x, Instant t, String r) { return no(); }
        @Override public boolean postpone(String id, String n, Instant x, Instant t, String r) { return no(); }
        @Override public int releaseLeases(String n, Instant t) { return no(); }
        @Override public boolean releaseHeld(String id, Instant t, String w) { return no(); }
        @Override public boolean cancelHeld(String id, Instant t, String r) { return no(); }
        @Override public List<SafMessage> held(String n) { return no(); }
        @Override public long depth() { return no(); }
        @Override public long depth(String h) { return no(); }
        @Override public Optional<Instant> oldestPending() { return no(); }
        @Override public List<SafMessage> listPending(int limit) { return no(); }
        @Override public Optional<SafMessage> find(String id) { return no(); }
    }

    @Test
    void aRoundDeletesInChunksUntilOneComesBackShort() {
        Backlog q = new Backlog(2L * DoneMessagePruner.CHUNK + 7);
        assertEquals(2L * DoneMessagePruner.CHUNK + 7, new DoneMessagePruner(q, Duration.ofDays(30)).pruneOnce(NOW));
        assertEquals(3, q.cuts.size(), "two full chunks, then the short one that ends the round");
        assertTrue(q.cuts.stream().allMatch(NOW.minus(Duration.ofDays(30))::equals), "everything older than the retention at now");
    }

    @Test
    void aRoundIsBoundedAndTheNextGoesOn() {
        long backlog = (long) DoneMessagePruner.CHUNK * DoneMessagePruner.CHUNKS_PER_ROUND + 5;
        Backlog q = new Backlog(backlog);
        DoneMessagePruner p = new DoneMessagePruner(q, Duration.ofDays(1));
        assertEquals(backlog - 5, p.pruneOnce(NOW));
        assertEquals(DoneMessagePruner.CHUNKS_PER_ROUND, q.cuts.size());
        assertEquals(5, p.pruneOnce(NOW));
        assertEquals(0, p.pruneOnce(NOW));
    }

    @Test
    void aRetentionUnderADayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DoneMessagePruner(new InMemorySafQueue(), Duration.ofHours(23)));
    }

    @Test
    void theRetentionPropertyIsDaysFromZeroAndABadValueNamesIt() {
        assertEquals(30, DoneMessagePruner.retentionDays());
        System.setProperty(DoneMessagePruner.RETENTION_PROPERTY, "0");
        assertEquals(0, DoneMessagePruner.retentionDays(), "0 keeps every row");
        System.setProperty(DoneMessagePruner.RETENTION_PROPERTY, "7");
        assertEquals(7, DoneMessagePruner.retentionDays());
        System.setProperty(DoneMessagePruner.RETENTION_PROPERTY, "-1");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, DoneMessagePruner::retentionDays);
        assertTrue(e.getMessage().contains("-Dgateway.saf.doneRetentionDays"), e.getMessage());
    }

    @Test
    void onARealQueueOnlyOldDoneMessagesGo() {
        InMemorySafQueue q = new InMemorySafQueue();
        Instant old = NOW.minus(Duration.ofDays(40));
        SafMessage a = SafQueueContract.reversal("hostA", 1, old);
        SafMessage b = SafQueueContract.reversal("hostA", 2, old);
        q.enqueue(a);
        q.enqueue(b);
        q.lease("n1", old, 10, Duration.ofSeconds(30));
        assertTrue(q.markDone(a.id(), "n1", old, "0430/00"));
        assertEquals(1, new DoneMessagePruner(q, Duration.ofDays(30)).pruneOnce(NOW));
        assertTrue(q.find(a.id()).isEmpty());
        assertEquals(SafMessage.Status.PENDING, q.find(b.id()).orElseThrow().status());
    }
}
