package io.switchgate.server.host;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.saf.InMemorySafQueue;
import io.switchgate.saf.SafMessage;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.InMemoryTransactionStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A start settles the reversals its node held for requests at a host: dropped if the approval is recorded, else sent. */
class HeldReversalsTest {
    static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

    private static SafMessage held(String node, String rrn) {
        return SafMessage.held(node, "acqA", "500001", rrn, "1203120000", "000000", 1_000, "156", "12345678901",
                "TERM0001", "MERCHANT0000001", "0200000123" + "1203115959" + "00012345678901", rrn, T0);
    }

    private static TxnRecord sale(String rrn, String code, String host) {
        boolean approved = "00".equals(code);
        return new TxnRecord(rrn, "01", TxnType.SALE, "0200", "000000", "TERM0001", "MERCHANT0000001", "000123",
                "1203115959", "TERM0001|2|000123|" + rrn, "fp", 1_000, "156", "hash", "621234******1232", code,
                approved ? null : "HOST_DECLINED", approved ? "A1B2C3" : null,
                approved ? TxnStatus.APPROVED : TxnStatus.DECLINED, 0, null, null, 1, host, "500001", rrn, T0, T0, 1);
    }

    @Test
    void aRecordedApprovalDropsItsReversalAndAnythingElseSendsIt() {
        InMemorySafQueue queue = new InMemorySafQueue();
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        for (RuntimeException e : store.apply(List.of(new ChangeSet()
                .txn(sale("010000000001", "00", "acqA"))
                .txn(sale("010000000003", "05", "acqA"))
                .txn(sale("010000000004", "00", "embedded"))))) {
            assertNull(e);
        }
        for (String rrn : List.of("010000000001", "010000000002", "010000000003", "010000000004")) queue.enqueue(held("01", rrn));
        queue.enqueue(held("02", "020000000001")); // another node's, in flight there now

        try (QueueHolds holds = new QueueHolds(queue, "01")) {
            assertEquals(3, HeldReversals.settle(holds, "01", store, T0.plusSeconds(60)));
        }

        assertEquals(SafMessage.Status.DONE, queue.find(SafMessage.heldId("010000000001")).orElseThrow().status(),
                "its approval is recorded: nothing to undo");
        for (String rrn : List.of("010000000002", "010000000003", "010000000004")) {
            SafMessage m = queue.find(SafMessage.heldId(rrn)).orElseThrow();
            assertEquals(SafMessage.Status.PENDING, m.status(), rrn + ": no approval of this host recorded, so it is sent");
            assertEquals("GATEWAY_RESTARTED", m.reason());
        }
        assertEquals(SafMessage.Status.HELD, queue.find(SafMessage.heldId("020000000001")).orElseThrow().status(),
                "another node's is its own to settle");
        try (QueueHolds holds = new QueueHolds(queue, "01")) {
            assertEquals(0, HeldReversals.settle(holds, "01", store, T0.plusSeconds(61)), "settled once");
        }
    }

    /** The held 0420 of an undo (a void or reversal) of {@code rrn} sent under host STAN {@code stan}. */
    private static SafMessage heldUndo(String stan, String rrn) {
        return SafMessage.reversal("acqA", stan, rrn, "1203120000", "000000", 1_000, "156", "12345678901", "TERM0001",
                "MERCHANT0000001", "0200500001" + "1203115959" + "00012345678901", rrn, "UNDO", T0).heldUndo("01", T0);
    }

    /**
     * An undo held when the node stopped. Dropped if the journal shows its transaction undone by the terminal's request
     * (the host answered). Kept held, and handed to the gateway, if the transaction is still approved: the gateway
     * undoes it in its own books first and releases it only then (released first, a kill between the two lost the
     * gateway's undo: a re-audit). Released if an earlier start undid it here but was killed before releasing it.
     */
    @Test
    void anUndoHeldAtAStopIsDroppedIfRecordedElseUndoneHereBeforeItIsReleased() {
        InMemorySafQueue queue = new InMemorySafQueue();
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        TxnRecord voided = sale("010000000011", "00", "acqA");
        TxnRecord undoneByAStart = sale("010000000012", "00", "acqA");
        TxnRecord startsUndo = new TxnRecord("010000000099", "01", TxnType.REVERSAL, "0420", "000000", "TERM0001",
                "MERCHANT0000001", null, null, null, null, 1_000, "156", "hash", "621234******1232", "00",
                io.switchgate.txn.Engine.UNDONE_AT_RESTART, "A1B2C3", TxnStatus.APPROVED, 0, "010000000012", "000123", 1,
                "acqA", null, null, T0, T0, 1);
        for (RuntimeException e : store.apply(List.of(
                new ChangeSet().txn(sale("010000000010", "00", "acqA")).txn(voided).txn(undoneByAStart),
                new ChangeSet().txn(voided.withStatus(TxnStatus.VOIDED, T0))
                        .txn(undoneByAStart.withStatus(TxnStatus.REVERSED, T0)).txn(startsUndo)))) {
            assertNull(e);
        }
        for (String[] h : new String[][] {{"500010", "010000000010"}, {"500011", "010000000011"}, {"500012", "010000000012"}}) {
            queue.enqueue(heldUndo(h[0], h[1]));
        }
        java.util.Map<String, List<SafMessage>> undoneHere = new java.util.HashMap<>();
        try (QueueHolds holds = new QueueHolds(queue, "01")) {
            assertEquals(1, HeldReversals.settle(holds, "01", store, T0.plusSeconds(60), undoneHere));
        }
        assertEquals(List.of(SafMessage.undoHeldId("500010", "010000000010")),
                undoneHere.get("acqA").stream().map(SafMessage::id).toList(), "to be undone here, then released");
        assertEquals(SafMessage.Status.HELD, queue.find(SafMessage.undoHeldId("500010", "010000000010")).orElseThrow().status(),
                "not released before the gateway's own undo is committed");
        assertEquals(SafMessage.Status.DONE, queue.find(SafMessage.undoHeldId("500011", "010000000011")).orElseThrow().status(),
                "the journal shows the void the host answered: nothing to send");
        SafMessage released = queue.find(SafMessage.undoHeldId("500012", "010000000012")).orElseThrow();
        assertEquals(SafMessage.Status.PENDING, released.status(), "an earlier start undid it here and was killed before releasing it");
        assertEquals("GATEWAY_RESTARTED", released.reason());
    }
}
