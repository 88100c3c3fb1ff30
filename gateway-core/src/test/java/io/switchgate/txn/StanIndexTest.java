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

    /** Random puts, look-ups and removals against a HashMap, over few keys (long probe runs) and through growth. */
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
