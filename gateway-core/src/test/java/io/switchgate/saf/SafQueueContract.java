package io.switchgate.saf;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** What every {@link SafQueue} must do; subclasses supply the queue (memory, H2, PostgreSQL). */
abstract class SafQueueContract {
    static final Instant T0 = Instant.parse("2026-11-25T04:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(30);

    SafQueue q;

    static {
        org.slf4j.Logger l = org.slf4j.LoggerFactory.getLogger("com.zaxxer.hikari");
        if (l instanceof ch.qos.logback.classic.Logger lb) lb.setLevel(ch.qos.logback.classic.Level.WARN);
    }

    abstract SafQueue open();

    void cleanUp() {
    }

    @BeforeEach
    void setUp() {
        q = open();
    }

    @AfterEach
    void tearDown() {
        q.close();
        cleanUp();
    }

    static SafMessage reversal(String host, int stan, Instant now) {
        String s = String.format("%06d", stan);
        return SafMessage.reversal(host, String.format("%06d", 500000 + stan), "01" + String.format("%010d", stan),
                "1125040000", "000000", 1000 + stan, "156", "12345678901", "TERM0001", "MERCHANT0000001",
                "0200" + s + "1125040000" + "00012345678901" + "00000000000".substring(3) + "000", "01" + String.format("%010d", stan),
                "HOST_TIMEOUT", now.truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void enqueuedIsLeasedToOneNodeUntilTheLeaseEnds() {
        SafMessage m = reversal("hostA", 1, T0);
        q.enqueue(m);
        assertEquals(1, q.depth());
        List<SafMessage> a = q.lease("n1", T0, 10, LEASE);
        assertEquals(1, a.size());
        SafMessage got = a.get(0);
        assertEquals(m.id(), got.id());
        assertEquals("n1", got.leaseOwner());
        assertEquals("0420", got.mtiToSend());
        assertEquals("000001", got.originalStan());
        assertEquals(m.originalData(), got.originalData());
        assertEquals(1001, got.amount());
        assertEquals("HOST_TIMEOUT", got.reason());
        assertTrue(q.lease("n2", T0.plusSeconds(1), 10, LEASE).isEmpty(), "leased to n1");
        assertTrue(q.lease("n1", T0.plusSeconds(1), 10, LEASE).isEmpty(), "not handed out twice, even to its owner");
        List<SafMessage> b = q.lease("n2", T0.plus(LEASE).plusSeconds(1), 10, LEASE);
        assertEquals(1, b.size(), "n1's lease ran out: n2 takes it over");
        assertFalse(q.markDone(m.id(), "n1", T0.plusSeconds(40), "0430/00"), "n1 no longer holds the lease");
        assertTrue(q.markDone(m.id(), "n2", T0.plusSeconds(40), "0430/00"));
        assertEquals(0, q.depth());
        assertEquals(SafMessage.Status.DONE, q.find(m.id()).orElseThrow().status());
        assertTrue(q.lease("n1", T0.plusSeconds(3600), 10, LEASE).isEmpty(), "delivered: never sent again");
    }

    @Test
    void rescheduleCountsTheAttemptBacksOffAndRepeatsAs0421() {
        SafMessage m = reversal("hostA", 2, T0);
        q.enqueue(m);
        q.lease("n1", T0, 10, LEASE);
        assertTrue(q.reschedule(m.id(), "n1", T0.plusSeconds(5), T0.plusSeconds(1), "TIMEOUT"));
        assertFalse(q.reschedule(m.id(), "n1", T0.plusSeconds(5), T0.plusSeconds(1), "TIMEOUT"), "lease released");
        assertTrue(q.lease("n1", T0.plusSeconds(4), 10, LEASE).isEmpty(), "not due yet");
        SafMessage again = q.lease("n2", T0.plusSeconds(5), 10, LEASE).get(0);
        assertEquals(1, again.attempts());
        assertEquals("0421", again.mtiToSend());
        assertEquals("TIMEOUT", again.lastResult());
        assertEquals(m.stan(), again.stan(), "a repeat keeps its STAN");
        assertEquals(1, q.depth());
    }

    @Test
    void postponeKeepsTheAttemptCount() {
        SafMessage m = reversal("hostA", 6, T0);
        q.enqueue(m);
        q.lease("n1", T0, 10, LEASE);
        assertTrue(q.postpone(m.id(), "n1", T0.plusSeconds(3), T0, "HOST_UNAVAILABLE"));
        assertTrue(q.lease("n1", T0.plusSeconds(2), 10, LEASE).isEmpty());
        SafMessage again = q.lease("n1", T0.plusSeconds(3), 10, LEASE).get(0);
        assertEquals(0, again.attempts());
        assertEquals("0420", again.mtiToSend(), "never sent: still the first transmission");
    }

    static SafMessage held(String node, int stan, Instant now) {
        SafMessage r = reversal("hostA", stan, now);
        return SafMessage.held(node, r.host(), r.stan(), r.rrn(), r.transmissionTime(), r.processingCode(), r.amount(),
                r.currency(), r.acquirerId(), r.terminalId(), r.merchantId(), r.originalData(), r.txnRrn(), r.createdAt());
    }

    /**
     * A held reversal keeps beside it the terminal's request it reverses (a line of text the queue does not read), for
     * a start after a kill to journal: several nodes on one PostgreSQL hold in the queue itself.
     */
    @Test
    void whatIsKeptBesideAHeldReversalComesBackByItsId() {
        SafMessage withRequest = held("n1", 21, T0);
        SafMessage alone = held("n1", 22, T0);
        SafMessage plain = reversal("hostA", 23, T0);
        String text = new io.switchgate.route.LostHostAnswer("010000000021", "hostA", "TERM0001", "MERCHANT0000001",
                "0200", "000000", "000021", "1125040000", 1021, "156", "h:ash", "621234******1232", "TERM0001|000021|x",
                "fp:1", null).toText();
        q.enqueueAll(List.of(withRequest, alone), java.util.Map.of(withRequest.id(), text));
        q.enqueueAll(List.of(plain));
        assertEquals(text, q.keptBeside(withRequest.id()));
        assertNull(q.keptBeside(alone.id()), "nothing kept beside it");
        assertNull(q.keptBeside(plain.id()));
        assertNull(q.keptBeside("no-such-id"));
        assertEquals(List.of(withRequest.id(), alone.id()), q.held("n1").stream().map(SafMessage::id).sorted().toList(),
                "held as any other");
    }

    @Test
    void aHeldReversalIsNeverSentUntilReleasedAndNeverAfterItIsCancelled() {
        SafMessage kept = held("n1", 11, T0);
        SafMessage dropped = held("n1", 12, T0);
        SafMessage others = held("n2", 13, T0);
        q.enqueue(kept);
        q.enqueue(dropped);
        q.enqueue(others);
        assertEquals(SafMessage.heldId(kept.txnRrn()), kept.id());
        assertEquals(0, q.depth(), "held messages are not pending");
        assertTrue(q.lease("n1", T0.plusSeconds(3600), 10, LEASE).isEmpty(), "nor sent");
        assertEquals(0, q.releaseLeases("n1", T0), "nor leases of a previous life");
        assertEquals(List.of(kept.id(), dropped.id()), q.held("n1").stream().map(SafMessage::id).sorted().toList());
        assertEquals(List.of(others.id()), q.held("n2").stream().map(SafMessage::id).toList());

        assertTrue(q.cancelHeld(dropped.id(), T0.plusSeconds(1), "APPROVAL_RECORDED"));
        assertFalse(q.cancelHeld(dropped.id(), T0.plusSeconds(1), "APPROVAL_RECORDED"), "once");
        assertFalse(q.releaseHeld(dropped.id(), T0.plusSeconds(1), "HOST_TIMEOUT"), "a cancelled one is never released");
        assertEquals(SafMessage.Status.DONE, q.find(dropped.id()).orElseThrow().status());

        assertTrue(q.releaseHeld(kept.id(), T0.plusSeconds(2), "HOST_TIMEOUT"));
        assertFalse(q.releaseHeld(kept.id(), T0.plusSeconds(2), "HOST_TIMEOUT"), "once");
        assertFalse(q.cancelHeld(kept.id(), T0.plusSeconds(2), "APPROVAL_RECORDED"), "a released one is sent, not cancelled");
        assertEquals(1, q.depth());
        List<SafMessage> due = q.lease("n2", T0.plusSeconds(2), 10, LEASE);
        assertEquals(List.of(kept.id()), due.stream().map(SafMessage::id).toList(), "due at once, to any node");
        assertEquals("HOST_TIMEOUT", due.get(0).reason());
        assertEquals("0420", due.get(0).mtiToSend());
        assertEquals(kept.originalData(), due.get(0).originalData());
        assertEquals(List.of(), q.held("n1"));
        assertFalse(q.cancelHeld("held-nothing", T0, "x"));
        assertFalse(q.releaseHeld("held-nothing", T0, "x"));
    }

    @Test
    void deleteDoneTakesOnlyDoneMessagesChangedBeforeTheCutAtMostMaxAtATime() {
        Instant cut = T0.plus(Duration.ofDays(30));
        SafMessage delivered = reversal("hostA", 21, T0);
        SafMessage deliveredLate = reversal("hostA", 22, T0);
        SafMessage pending = reversal("hostA", 23, T0);
        SafMessage cancelled = held("n1", 24, T0);
        SafMessage stillHeld = held("n1", 25, T0);
        for (SafMessage m : List.of(delivered, deliveredLate, pending, cancelled, stillHeld)) q.enqueue(m);
        assertEquals(3, q.lease("n1", T0, 10, LEASE).size());
        assertTrue(q.markDone(delivered.id(), "n1", T0.plusSeconds(1), "0430/00"));
        assertTrue(q.markDone(deliveredLate.id(), "n1", cut.plusSeconds(1), "0430/00"), "done after the cut: kept");
        assertTrue(q.cancelHeld(cancelled.id(), T0.plusSeconds(2), "APPROVAL_RECORDED"));

        assertEquals(1, q.deleteDone(cut, 1), "at most max");
        assertEquals(1, q.deleteDone(cut, 1));
        assertEquals(0, q.deleteDone(cut, 1), "nothing older is left");
        assertTrue(q.find(delivered.id()).isEmpty());
        assertTrue(q.find(cancelled.id()).isEmpty());
        assertEquals(SafMessage.Status.DONE, q.find(deliveredLate.id()).orElseThrow().status());
        assertEquals(SafMessage.Status.PENDING, q.find(pending.id()).orElseThrow().status(), "a pending message is never deleted, however old");
        assertEquals(SafMessage.Status.HELD, q.find(stillHeld.id()).orElseThrow().status(), "nor a held one");
        assertEquals(1, q.depth());
        assertEquals(List.of(stillHeld.id()), q.held("n1").stream().map(SafMessage::id).toList());
    }

    @Test
    void aRestartedNodeReleasesTheLeasesOfItsPreviousLife() {
        SafMessage m = reversal("hostA", 7, T0);
        SafMessage other = reversal("hostA", 8, T0);
        q.enqueue(m);
        q.enqueue(other);
        q.lease("n1", T0, 1, LEASE);
        q.lease("n2", T0, 1, LEASE);
        assertEquals(1, q.releaseLeases("n1", T0.plusSeconds(1)));
        List<SafMessage> again = q.lease("n1", T0.plusSeconds(1), 10, LEASE);
        assertEquals(List.of(m.id()), again.stream().map(SafMessage::id).toList(), "its own lease is free again, n2's is not");
        assertEquals(0, again.get(0).attempts());
    }

    @Test
    void depthOldestAgeAndListing() {
        assertEquals(0, q.depth());
        assertEquals(Duration.ZERO, q.oldestAge(T0));
        q.enqueue(reversal("hostA", 3, T0));
        q.enqueue(reversal("hostB", 4, T0.plusSeconds(10)));
        q.enqueue(reversal("hostA", 5, T0.plusSeconds(20)));
        assertEquals(3, q.depth());
        assertEquals(2, q.depth("hostA"));
        assertEquals(1, q.depth("hostB"));
        assertEquals(Duration.ofSeconds(60), q.oldestAge(T0.plusSeconds(60)));
        List<SafMessage> list = q.listPending(2);
        assertEquals(2, list.size());
        assertEquals("000003", list.get(0).originalStan());
        assertEquals("000004", list.get(1).originalStan());
        List<SafMessage> leased = q.lease("n1", T0.plusSeconds(30), 2, LEASE);
        assertEquals(List.of("000003", "000004"), leased.stream().map(SafMessage::originalStan).toList(), "oldest due first, at most max");
    }

    @Test
    void neverAClearPanOrPinInAStoredMessage() {
        for (var c : SafMessage.class.getRecordComponents()) {
            String n = c.getName().toLowerCase();
            assertFalse(n.contains("pan") || n.contains("pin") || n.contains("track"), n);
        }
    }

    @Test
    void twoNodesLeasingAtOnceTakeDisjointMessages() throws Exception {
        int n = 120;
        for (int i = 0; i < n; i++) q.enqueue(reversal("hostA", 100 + i, T0));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger dup = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        // Futures, not raw threads: an assertion failing (or anything thrown) in a node fails the test through get().
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        List<java.util.concurrent.Future<?>> nodes = new ArrayList<>();
        try {
            for (String node : new String[]{"n1", "n2", "n3"}) {
                nodes.add(pool.submit(() -> {
                    go.await();
                    for (int round = 0; round < 200; round++) {
                        List<SafMessage> got = q.lease(node, T0.plusSeconds(1), 7, LEASE);
                        if (got.isEmpty() && q.depth() == 0) break;
                        for (SafMessage m : got) {
                            if (!seen.add(m.id())) dup.incrementAndGet();
                            assertTrue(q.markDone(m.id(), node, T0.plusSeconds(2), "0430/00"), "done by the node that leased it");
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (var f : nodes) f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, dup.get(), "a message was leased twice");
        assertEquals(n, seen.size());
        assertEquals(0, q.depth());
        assertEquals(new HashSet<>(seen).size(), n);
    }
}
