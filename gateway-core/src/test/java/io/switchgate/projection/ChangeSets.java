package io.switchgate.projection;

import io.switchgate.store.ChangeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compares change sets (ChangeSet has no equals of its own): list by list, record by record. */
final class ChangeSets {
    private ChangeSets() {
    }

    static void assertSameSet(ChangeSet expected, ChangeSet actual, String what) {
        assertEquals(expected.txns, actual.txns, what + ": txns");
        assertEquals(expected.cards, actual.cards, what + ": cards");
        assertEquals(expected.terminals, actual.terminals, what + ": terminals");
        assertEquals(expected.merchants, actual.merchants, what + ": merchants");
        assertEquals(expected.batches, actual.batches, what + ": batches");
        assertEquals(expected.dayTotals, actual.dayTotals, what + ": dayTotals");
        assertEquals(expected.events, actual.events, what + ": events");
    }
}
