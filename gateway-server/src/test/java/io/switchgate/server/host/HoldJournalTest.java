package io.switchgate.server.host;

import io.switchgate.journal.Durability;
import io.switchgate.journal.FaultyChannels;
import io.switchgate.journal.JournalOptions;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.saf.InMemorySafQueue;
import io.switchgate.saf.SafMessage;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.InMemoryTransactionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The node's journal of held reversals: a hold is durable when its future says so and comes back after a restart
 * with every field a reversal needs; a settled one does not; the journal stays a few segments long however many
 * pass through it; and a start settles what it finds as the queue's HELD rows were settled.
 */
class HoldJournalTest {
    static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    @TempDir
    Path dir;

    private JournalOptions options(long segmentBytes) {
        return new JournalOptions(dir.resolve("journal-holds"), Durability.FSYNC, segmentBytes);
    }

    private HoldJournal open(long segmentBytes) throws Exception {
        return new HoldJournal(options(segmentBytes), Runnable::run);
    }

    static SafMessage held(String rrn, long amount) {
        return SafMessage.held("01", "acqA", "500001", rrn, "1203120000", "200000", amount, "156", "12345678901",
                "TERM0001", "MERCHANT0000001", "0200000123" + "1203115959" + "00012345678901", rrn, T0.plusNanos(123_456_789));
    }

    @Test
    void aHoldIsDurableWhenItsFutureSaysSoAndComesBackWholeUntilSettled() throws Exception {
        SafMessage kept = held("010000000001", 2_000);
        SafMessage settled = held("010000000002", 3_000);
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertTrue(j.hold(kept).get(5, TimeUnit.SECONDS));
            assertTrue(j.hold(settled).get(5, TimeUnit.SECONDS));
            assertTrue(j.settle(settled.id()));
            assertFalse(j.settle(settled.id()), "settled once");
            assertEquals(List.of(kept), j.held());
        }
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertEquals(List.of(kept), j.held(), "the open hold, every field as it was; not the settled one");
            assertEquals(kept, j.get(kept.id()));
            assertTrue(j.settle(kept.id()));
        }
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertEquals(List.of(), j.held());
        }
    }

    /** The terminal's request kept with a hold comes back with it after a restart, every field (what a start journals). */
    @Test
    void theRequestKeptWithAHoldComesBackWithIt() throws Exception {
        SafMessage refund = held("010000000003", 1_500);
        io.switchgate.route.LostHostAnswer request = new io.switchgate.route.LostHostAnswer("010000000003", "acqA", "TERM0001",
                "MERCHANT0000001", "0200", "200000", "000123", "1203115959", 1_500, "156", "HASH", "621234******1232",
                "TERM0001|2|000123|1203115959", "200000|000000001500|HASH|abc", "010000000001");
        SafMessage plain = held("010000000004", 900);
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertTrue(j.hold(refund, request).get(5, TimeUnit.SECONDS));
            assertTrue(j.hold(plain).get(5, TimeUnit.SECONDS));
            assertEquals(request, j.requestOf(refund.id()));
        }
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertEquals(List.of(refund, plain), j.held(), "the reversals as they were");
            assertEquals(request, j.requestOf(refund.id()));
            assertNull(j.requestOf(plain.id()), "a hold written without its request (as before) has none");
            assertTrue(j.settle(refund.id()));
            assertNull(j.requestOf(refund.id()));
        }
    }

    /**
     * A hold that kept its request, with no record of the request: not released by the start's settling but handed to
     * the gateway to journal (91 HOST_ANSWER_LOST) first; a start killed after that record finds the hold again and
     * releases it, the record being there. Released first, a kill in between left nothing to journal it from (a re-audit).
     */
    @Test
    void aHoldWithItsRequestIsReleasedOnlyOnceTheRequestIsJournaled() throws Exception {
        String rrn = "010000000005";
        io.switchgate.route.LostHostAnswer request = new io.switchgate.route.LostHostAnswer(rrn, "acqA", "TERM0001",
                "MERCHANT0000001", "0200", "200000", "000123", "1203115959", 2_000, "156", "hash", "621234******1232",
                "TERM0001|2|000123|1203115959", "200000|000000002000|hash|abc", null); // DE 3 as the hold has it
        io.switchgate.saf.InMemorySafQueue queue = new io.switchgate.saf.InMemorySafQueue();
        io.switchgate.store.InMemoryTransactionStore store = new io.switchgate.store.InMemoryTransactionStore();
        try (JournalHolds holds = new JournalHolds(open(HoldJournal.SEGMENT_BYTES), queue, "01")) {
            assertTrue(holds.hold(held(rrn, 2_000), request).get(5, TimeUnit.SECONDS));
        }
        java.util.Map<String, List<io.switchgate.route.LostHostAnswer>> lost = new java.util.HashMap<>();
        try (JournalHolds holds = new JournalHolds(open(HoldJournal.SEGMENT_BYTES), queue, "01")) {
            assertEquals(0, HeldReversals.settle(holds, "01", store, T0.plusSeconds(60), new java.util.HashMap<>(), lost));
            assertEquals(List.of(request), lost.get("acqA"));
            assertEquals(1, holds.held().size(), "still held: the start journals the request first");
            assertTrue(queue.find(SafMessage.heldId(rrn)).isEmpty(), "nothing queued yet");
        }
        // that start journaled the request, then was killed before it released the hold
        for (RuntimeException e : store.apply(List.of(new io.switchgate.store.ChangeSet().txn(new io.switchgate.model.TxnRecord(
                rrn, "01", io.switchgate.model.TxnType.SALE, "0200", "000000", "TERM0001", "MERCHANT0000001", "000123",
                "1203115959", request.dupKey(), request.fingerprint(), 2_000, "156", "hash", "621234******1232", "91",
                "HOST_ANSWER_LOST", null, io.switchgate.model.TxnStatus.DECLINED, 0, null, null, 1, "acqA", null, null,
                T0, T0, 1))))) {
            assertNull(e);
        }
        lost.clear();
        try (JournalHolds holds = new JournalHolds(open(HoldJournal.SEGMENT_BYTES), queue, "01")) {
            assertEquals(1, HeldReversals.settle(holds, "01", store, T0.plusSeconds(61), new java.util.HashMap<>(), lost));
            assertTrue(lost.isEmpty(), "its record is there: nothing more to journal");
            assertEquals(SafMessage.Status.PENDING, queue.find(SafMessage.heldId(rrn)).orElseThrow().status());
        }
    }

    /**
     * An undo's held 0420 (a void or reversal at the host) comes back from the journal as one: its own id, which the
     * start tells from a sale's held reversal by. Before, the journal kept no kind and it came back as the sale's, and
     * the start dropped it as "approval recorded".
     */
    @Test
    void anUndosHoldComesBackAsAnUndo() throws Exception {
        SafMessage sale = held("010000000007", 2_000);
        SafMessage undo = SafMessage.reversal("acqA", "500009", "010000000007", "1203120000", "000000", 2_000, "156",
                "12345678901", "TERM0001", "MERCHANT0000001", "0200500001" + "1203115959" + "00012345678901",
                "010000000007", "UNDO", T0).heldUndo("01", T0.plusNanos(5));
        assertTrue(undo.isHeldUndo());
        assertFalse(sale.isHeldUndo());
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertTrue(j.hold(sale).get(5, TimeUnit.SECONDS));
            assertTrue(j.hold(undo).get(5, TimeUnit.SECONDS));
        }
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertEquals(List.of(sale.id(), undo.id()), j.held().stream().map(SafMessage::id).toList());
            assertTrue(j.held().get(1).isHeldUndo());
            assertEquals("010000000007", j.held().get(1).txnRrn());
            assertTrue(j.settle(undo.id()));
        }
    }

    /**
     * A failed fdatasync stops the journal for good (no retry, as the main journal): the hold is refused, so its
     * request is not sent, and the journal says why, for /health and the host's view.
     */
    @Test
    void aFailedForceRefusesTheHoldAndSaysWhy() throws Exception {
        FaultyChannels disk = new FaultyChannels();
        try (HoldJournal j = new HoldJournal(options(1 << 20), Runnable::run, disk)) {
            assertTrue(j.hold(held("010000000001", 100)).get(10, TimeUnit.SECONDS));
            assertNull(j.problem(), "runs");
            disk.failForces = true;
            assertFalse(j.hold(held("010000000002", 200)).get(10, TimeUnit.SECONDS), "not durable: the request is not sent");
            String why = j.problem();
            assertNotNull(why);
            assertTrue(why.startsWith("held reversals' journal stopped"), why);
            disk.failForces = false;
            assertFalse(j.hold(held("010000000003", 300)).get(10, TimeUnit.SECONDS), "stopped for good: no retry");
            assertNotNull(j.problem());
        }
    }

    @Test
    void theJournalStaysAFewSegmentsLongButKeepsItsOldestOpenHold() throws Exception {
        SafMessage old = held("010000000000", 1);
        try (HoldJournal j = open(4096)) {
            assertTrue(j.hold(old).get(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 3_000; i++) {
                SafMessage h = held(String.format("01%010d", i), i);
                assertTrue(j.hold(h).get(5, TimeUnit.SECONDS));
                assertTrue(j.settle(h.id()));
            }
            long before = segments();
            j.prune();
            assertTrue(before > 50, "many segments written: " + before);
            assertTrue(segments() > 50, "the oldest open hold keeps its segment and those after it");
            assertTrue(j.settle(old.id()));
            j.prune();
            assertTrue(segments() <= 3, "once nothing old is open, all but the newest go: " + segments());
            SafMessage late = held("019999999999", 9);
            assertTrue(j.hold(late).get(5, TimeUnit.SECONDS));
        }
        try (HoldJournal j = open(4096)) {
            assertEquals(List.of("held-019999999999"), j.held().stream().map(SafMessage::id).toList());
        }
    }

    private long segments() throws Exception {
        try (var files = Files.list(dir.resolve("journal-holds"))) {
            return files.filter(f -> !Files.isDirectory(f) && !f.getFileName().toString().startsWith(".")
                    && !f.getFileName().toString().contains("lock")).count();
        }
    }

    private static TxnRecord approved(String rrn) {
        return new TxnRecord(rrn, "01", TxnType.SALE, "0200", "000000", "TERM0001", "MERCHANT0000001", "000123",
                "1203115959", "TERM0001|2|000123|" + rrn, "fp", 1_000, "156", "hash", "621234******1232", "00",
                null, "A1B2C3", TxnStatus.APPROVED, 0, null, null, 1, "acqA", "500001", rrn, T0, T0, 1);
    }

    @Test
    void aStartDropsTheHoldsWhoseApprovalIsRecordedAndQueuesTheRestOnce() throws Exception {
        InMemorySafQueue queue = new InMemorySafQueue();
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        assertNull(store.apply(List.of(new ChangeSet().txn(approved("010000000001")))).get(0));
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            for (String rrn : List.of("010000000001", "010000000002", "010000000003")) {
                assertTrue(j.hold(held(rrn, 1_000)).get(5, TimeUnit.SECONDS));
            }
        }
        // A crash after the third's release was queued and before it was marked settled: queued already.
        queue.enqueue(held("010000000003", 1_000).released("GATEWAY_RESTARTED", T0));
        try (JournalHolds holds = new JournalHolds(new HoldJournal(options(HoldJournal.SEGMENT_BYTES), Runnable::run), queue, "01")) {
            assertEquals(2, HeldReversals.settle(holds, "01", store, T0.plusSeconds(60)));
            assertEquals(List.of(), holds.held());
        }
        assertTrue(queue.find(SafMessage.heldId("010000000001")).isEmpty(), "its approval is recorded: nothing to undo");
        SafMessage due = queue.find(SafMessage.heldId("010000000002")).orElseThrow();
        assertEquals(SafMessage.Status.PENDING, due.status());
        assertEquals("GATEWAY_RESTARTED", due.reason());
        assertEquals(1_000, due.amount());
        assertEquals(2, queue.depth(), "the second queued, the third not queued twice");
        try (HoldJournal j = open(HoldJournal.SEGMENT_BYTES)) {
            assertEquals(List.of(), j.held(), "settled for good");
        }
    }
}
