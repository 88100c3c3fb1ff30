package io.switchgate.txn;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class DuplicateIndexTest {

    /**
     * A request's fingerprint names its operation fields (DE 37, 49, 90, the settlement totals) by hash; one journaled
     * before they were part of it (processing code, amount and card only) still matches a retransmission of it.
     */
    @Test
    void aFingerprintFromBeforeTheOperationFieldsStillMatchesItsRetransmission() {
        io.switchgate.iso.IsoMessage refund = new io.switchgate.iso.IsoMessage("0200").set(3, "200000").set(4, "000000000300")
                .set(37, "010000000001").set(49, "156");
        String fp = DuplicateIndex.fingerprintOf(refund, "HASH");
        String old = DuplicateIndex.fingerprintOf("200000", "000000000300", "HASH");
        assertTrue(DuplicateIndex.sameRequest(fp, fp));
        assertTrue(DuplicateIndex.sameRequest(old, fp), "journaled before the upgrade");
        assertFalse(DuplicateIndex.sameRequest(fp, DuplicateIndex.fingerprintOf(refund.copy().set(37, "010000000002"), "HASH")));
        assertFalse(DuplicateIndex.sameRequest(fp, DuplicateIndex.fingerprintOf(refund.copy().set(49, "840"), "HASH")));
        assertFalse(DuplicateIndex.sameRequest(fp, DuplicateIndex.fingerprintOf(refund.copy().unset(37), "HASH")));
        assertFalse(DuplicateIndex.sameRequest(fp, DuplicateIndex.fingerprintOf(refund.copy().set(4, "000000000301"), "HASH")));
        assertFalse(DuplicateIndex.sameRequest(old, DuplicateIndex.fingerprintOf(refund.copy().set(4, "000000000301"), "HASH")));
        assertFalse(DuplicateIndex.sameRequest(fp, DuplicateIndex.fingerprintOf(refund, "OTHER")));
    }

    @Test
    void findsWhatWasAddedAndNothingElse() {
        DuplicateIndex index = new DuplicateIndex(100);
        index.add("T1|2|000001|1203101010", "010000000001", 1_000);
        index.add("T1|2|000002|1203101011", "010000000002", 1_001);
        assertEquals("010000000001", index.find("T1|2|000001|1203101010", rrn -> true));
        assertEquals("010000000002", index.find("T1|2|000002|1203101011", rrn -> true));
        assertNull(index.find("T1|2|000003|1203101012", rrn -> true));
        assertEquals(2, index.size());
    }

    @Test
    void aKeyLookedUpThenAddedIsFoundUnderAnyEqualString() {
        // The index hashes the string it saw last only once (a new request's key is looked up, then added): the
        // memo must follow the key's content, whichever string object carries it, and never a previous key's hash.
        DuplicateIndex index = new DuplicateIndex(100);
        String key = new String("T9|2|000042|1203101010");
        assertNull(index.find(key, rrn -> true));
        index.add(key, "010000000042", 1_000);
        index.add(new String("T9|2|000043|1203101010"), "010000000043", 1_001);
        assertEquals("010000000042", index.find(new String("T9|2|000042|1203101010"), rrn -> true));
        assertEquals("010000000043", index.find("T9|2|000043|1203101010", rrn -> true));
        assertEquals("010000000042", index.find(key, rrn -> true));
        assertNull(index.find(new String("T9|2|000044|1203101010"), rrn -> true));
    }

    @Test
    void offersEveryRrnUnderTheKeysHashNewestFirstUntilOneIsAccepted() {
        // Two entries under one hash: what two keys of the same hash look like to the index.
        DuplicateIndex index = new DuplicateIndex(100);
        index.add("K", "010000000001", 1);
        index.add("other", "010000000002", 2);
        index.add("K", "010000000003", 3);
        List<String> offered = new ArrayList<>();
        assertEquals("010000000001", index.find("K", rrn -> {
            offered.add(rrn);
            return rrn.endsWith("1");
        }));
        assertEquals(List.of("010000000003", "010000000001"), offered);
        offered.clear();
        assertNull(index.find("K", rrn -> offered.add(rrn) && false));
        assertEquals(List.of("010000000003", "010000000001"), offered, "each candidate offered once");
    }

    @Test
    void whenFullTheOldestLeavesAndItsTimeIsReturned() {
        DuplicateIndex index = new DuplicateIndex(3);
        assertEquals(DuplicateIndex.NOTHING_DROPPED, index.add("a", "010000000001", 10));
        assertEquals(DuplicateIndex.NOTHING_DROPPED, index.add("b", "010000000002", 20));
        assertEquals(DuplicateIndex.NOTHING_DROPPED, index.add("c", "010000000003", 30));
        assertEquals(10, index.add("d", "010000000004", 40));
        assertNull(index.find("a", rrn -> true));
        assertEquals("010000000004", index.find("d", rrn -> true));
        assertEquals(3, index.size());
        assertEquals(20, index.oldestAdded());
    }

    @Test
    void dropsByAgeOldestFirst() {
        DuplicateIndex index = new DuplicateIndex(100);
        for (int i = 0; i < 10; i++) index.add("k" + i, RrnAllocator.format("01", i), 100 + i);
        index.dropAddedBefore(105);
        assertEquals(5, index.size());
        assertNull(index.find("k4", rrn -> true));
        assertEquals(RrnAllocator.format("01", 5), index.find("k5", rrn -> true));
        index.dropAddedBefore(1_000);
        assertEquals(0, index.size());
        assertEquals(DuplicateIndex.NOTHING_DROPPED, index.oldestAdded());
    }

    @Test
    void rrnsThatDoNotPackAreKeptAsTheyAre() {
        DuplicateIndex index = new DuplicateIndex(10);
        String[] odd = {"ABC", "01000000000X", "\u00e901234567890", "0100000000001", ""};
        for (int i = 0; i < odd.length; i++) {
            assertEquals(-1, DuplicateIndex.pack(odd[i]), odd[i]);
            index.add("odd" + i, odd[i], i);
        }
        for (int i = 0; i < odd.length; i++) assertEquals(odd[i], index.find("odd" + i, rrn -> true));
        for (String rrn : new String[]{"010000000001", "zz9999999999", "A 0000000000"}) {
            assertEquals(rrn, DuplicateIndex.unpack(DuplicateIndex.pack(rrn)));
        }
    }

    @Test
    void theEnginesBoundIsOneKeyPer250BytesOfHeapAndAtLeast100000() {
        assertEquals(4_294_967, EngineState.defaultDuplicateKeys(1L << 30));
        assertEquals(100_000, EngineState.defaultDuplicateKeys(16L << 20));
        assertEquals(100_000_000, EngineState.defaultDuplicateKeys(1L << 40));
    }

    /**
     * Against a plain model (a queue of entries and a map of the live ones), many adds, drops by age and by size, with
     * the ring wrapping and growing and a table small enough that probes run into each other: every live key is found
     * with its RRN, every dropped one is not.
     */
    @Test
    void agreesWithASimpleModelOverAMillionOperations() {
        for (int max : new int[]{7, 1_000, 5_000}) {
            Random rnd = new Random(max);
            DuplicateIndex index = new DuplicateIndex(max);
            ArrayDeque<Object[]> order = new ArrayDeque<>(); // {key, rrn, time}
            Map<String, String> live = new HashMap<>();
            long time = 0;
            long serial = 0;
            for (int op = 0; op < 1_000_000 / (max < 100 ? 10 : 1); op++) {
                int what = rnd.nextInt(100);
                if (what < 70) {
                    String key = "T" + rnd.nextInt(50) + "|2|" + (serial++) + "|" + rnd.nextInt(1000);
                    String rrn = RrnAllocator.format("0" + rnd.nextInt(10), serial);
                    time += rnd.nextInt(3);
                    long dropped = index.add(key, rrn, time);
                    if (order.size() == max) {
                        Object[] gone = order.removeFirst();
                        live.remove((String) gone[0]);
                        assertEquals((long) gone[2], dropped);
                    } else {
                        assertEquals(DuplicateIndex.NOTHING_DROPPED, dropped);
                    }
                    order.addLast(new Object[]{key, rrn, time});
                    live.put(key, rrn);
                } else if (what < 72) {
                    long cutoff = time - rnd.nextInt(200);
                    index.dropAddedBefore(cutoff);
                    while (!order.isEmpty() && (long) order.peekFirst()[2] < cutoff) live.remove((String) order.removeFirst()[0]);
                } else if (!order.isEmpty()) {
                    // look up a live key, and one that left (or never was)
                    Object[] any = rnd.nextBoolean() ? order.peekLast() : order.peekFirst();
                    assertEquals(any[1], index.find((String) any[0], rrn -> true));
                    String gone = "T" + rnd.nextInt(50) + "|2|" + (serial - max - 1 - rnd.nextInt(1000)) + "|x";
                    assertNull(index.find(gone, rrn -> true));
                }
                assertEquals(order.size(), index.size());
            }
            for (Map.Entry<String, String> e : live.entrySet()) {
                String key = e.getKey();
                assertEquals(e.getValue(), index.find(key, rrn -> true), key);
            }
        }
    }
}
