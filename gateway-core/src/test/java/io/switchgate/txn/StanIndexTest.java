package io.switchgate.txn;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StanIndexTest {

    @Test
    void aNewerRequestWithTheSameStanTakesThePlaceAndKeepsItWhenTheOlderLeaves() {
        StanIndex index = new StanIndex();
        index.put("TERM0001", "000123", "100000000001");
        index.put("TERM0001", "000123", "100000000002");
        assertEquals("100000000002", index.get("TERM0001", "000123"));
        index.remove("TERM0001", "000123", "100000000001"); // the older row leaves the working set
        assertEquals("100000000002", index.get("TERM0001", "000123"));
        index.remove("TERM0001", "000123", "100000000002");
        assertNull(index.get("TERM0001", "000123"));
        assertEquals(0, index.size());
    }

    @Test
    void aRowWithoutATerminalIsIndexedAndRemovedWithoutThrowing() {
        StanIndex index = new StanIndex();
        index.put(null, "000001", "100000000001");
        assertTrue(index.contains(null, "000001"));
        assertFalse(index.contains("TERM0001", "000001"));
        index.remove(null, "000001", "100000000001");
        assertFalse(index.contains(null, "000001"));
    }

    /**
     * Keys whose home is the table's last slots (1,024 of them before any growth), so their run wraps to slot 0; each
     * removal, from the run's middle or start, must leave every other key findable (the backward shift).
     */
    @Test
    void removalsInARunThatWrapsAroundKeepTheRestFindable() {
        java.util.List<String[]> keys = new java.util.ArrayList<>();
        for (int n = 0; keys.size() < 6; n++) {
            String terminal = "TERM" + (n / 1000);
            String stan = String.format("%06d", n % 1000);
            int home = StanIndex.hash(terminal, stan) & 1023;
            if (home == 1023 || (home == 1022 && keys.size() < 2)) keys.add(new String[] {terminal, stan});
        }
        for (int removed = 0; removed < keys.size(); removed++) {
            StanIndex index = new StanIndex();
            for (int i = 0; i < keys.size(); i++) index.put(keys.get(i)[0], keys.get(i)[1], "rrn" + i);
            index.remove(keys.get(removed)[0], keys.get(removed)[1], "rrn" + removed);
            for (int i = 0; i < keys.size(); i++) {
                assertEquals(i == removed ? null : "rrn" + i, index.get(keys.get(i)[0], keys.get(i)[1]),
                        "key " + i + " after removing key " + removed);
            }
            assertEquals(keys.size() - 1, index.size());
        }
    }

    /** Random puts, look-ups and removals against a HashMap: few keys (many overwrites), and many (growth). */
    @Test
    void behavesAsAMapThroughCollisionsRemovalsAndGrowth() {
        for (int keys : new int[] {40, 3_000, 50_000}) {
            Random random = new Random(keys);
            StanIndex index = new StanIndex();
            Map<String, String> model = new HashMap<>();
            for (int op = 0; op < 300_000; op++) {
                String terminal = "TERM" + String.format("%04d", random.nextInt(Math.max(1, keys / 100)));
                String stan = String.format("%06d", random.nextInt(100));
                String key = terminal + '|' + stan;
                int what = random.nextInt(10);
                if (what < 5) {
                    String rrn = Long.toString(100_000_000_000L + op);
                    index.put(terminal, stan, rrn);
                    model.put(key, rrn);
                } else if (what < 8) {
                    String held = model.get(key);
                    // remove with the RRN held, or with a stale one (which must leave the entry)
                    String rrn = held != null && random.nextBoolean() ? held : "999999999999";
                    index.remove(terminal, stan, rrn);
                    if (rrn.equals(held)) model.remove(key);
                } else {
                    assertEquals(model.get(key), index.get(terminal, stan), key);
                }
                if (op % 50_000 == 0) assertEquals(model.size(), index.size());
            }
            for (Map.Entry<String, String> e : model.entrySet()) {
                String[] k = e.getKey().split("\\|");
                assertEquals(e.getValue(), index.get(k[0], k[1]), e.getKey());
            }
            assertEquals(model.size(), index.size());
            index.clear();
            assertEquals(0, index.size());
            for (String k : model.keySet()) assertFalse(index.contains(k.split("\\|")[0], k.split("\\|")[1]));
        }
    }
}
