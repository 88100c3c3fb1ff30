package io.switchgate.server.host;

import io.switchgate.saf.InMemorySafQueue;
import io.switchgate.saf.SafMessage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The sender deletes DONE messages past their retention on its own schedule, and leaves everything else. */
class SafSenderPruneTest {
    static final Instant NOW = Instant.parse("2026-12-05T04:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static SafMessage message(int stan, Instant at) {
        String s = String.format("%06d", stan);
        return SafMessage.reversal("acq", s, "01" + String.format("%010d", stan), "1205040000", "000000", 1000, "156",
                "12345678901", "TERM0001", "MERCHANT0000001", "0200" + s + "1205040000" + "00012345678901" + "00000000",
                "01" + String.format("%010d", stan), "HOST_TIMEOUT", at);
    }

    /** A queue with one message delivered at {@code deliveredAt} and one still pending (for a host nobody knows). */
    static InMemorySafQueue queueWith(SafMessage delivered, SafMessage pending, Instant deliveredAt) {
        InMemorySafQueue q = new InMemorySafQueue();
        q.enqueue(delivered);
        q.enqueue(pending);
        q.lease("n0", deliveredAt, 10, Duration.ofSeconds(30));
        assertTrue(q.markDone(delivered.id(), "n0", deliveredAt, "0430/00"));
        assertEquals(1, q.releaseLeases("n0", deliveredAt));
        return q;
    }

    @Test
    void aDoneMessagePastItsRetentionIsDeletedAndAPendingOneIsKept() throws Exception {
        Instant longAgo = NOW.minus(Duration.ofDays(3));
        SafMessage delivered = message(1, longAgo);
        SafMessage pending = message(2, longAgo);
        InMemorySafQueue q = queueWith(delivered, pending, longAgo);
        SafSender.Options o = new SafSender.Options(20, 10, 5_000, 200, 1_000, 20, Duration.ofDays(2));
        try (SafSender s = new SafSender(q, "01", Map.of(), CLOCK, o).start()) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (q.find(delivered.id()).isPresent() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(q.find(delivered.id()).isEmpty(), "delivered 3 days ago, kept 2: deleted");
            assertEquals(1, s.pruned());
        }
        assertEquals(SafMessage.Status.PENDING, q.find(pending.id()).orElseThrow().status(), "pending: kept, however old");
        assertEquals(1, q.depth());
    }

    @Test
    void aDoneMessageWithinItsRetentionOrWithNoneIsKept() throws Exception {
        Instant yesterday = NOW.minus(Duration.ofDays(1));
        SafMessage recent = message(3, yesterday);
        InMemorySafQueue q = queueWith(recent, message(4, yesterday), yesterday);
        SafMessage old = message(5, NOW.minus(Duration.ofDays(400)));
        InMemorySafQueue kept = queueWith(old, message(6, old.createdAt()), old.createdAt());
        SafSender.Options twoDays = new SafSender.Options(20, 10, 5_000, 200, 1_000, 20, Duration.ofDays(2));
        SafSender.Options forever = new SafSender.Options(20, 10, 5_000, 200, 1_000, 20, null);
        try (SafSender a = new SafSender(q, "01", Map.of(), CLOCK, twoDays).start();
             SafSender b = new SafSender(kept, "02", Map.of(), CLOCK, forever).start()) {
            Thread.sleep(300); // fifteen rounds of each
            assertEquals(0, a.pruned());
            assertEquals(0, b.pruned());
        }
        assertEquals(SafMessage.Status.DONE, q.find(recent.id()).orElseThrow().status());
        assertEquals(SafMessage.Status.DONE, kept.find(old.id()).orElseThrow().status(), "no retention: kept for ever");
    }
}
