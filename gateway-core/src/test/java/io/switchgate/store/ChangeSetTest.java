package io.switchgate.store;

import io.switchgate.model.CardAccount;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A change set's lists: empty, one row, several, a row taken out, and written with Java serialization. */
class ChangeSetTest {
    private static CardAccount card(String hash, long balance) {
        return new CardAccount(hash, "621234******1232", "2812", null, balance, 0, Instant.EPOCH, 2);
    }

    @Test
    void rowsAddedOneByOneAreAllKeptInOrder() {
        ChangeSet cs = new ChangeSet();
        assertTrue(cs.isEmpty());
        cs.card(card("a", 1));
        assertEquals(List.of(card("a", 1)), cs.cards);
        cs.card(card("b", 2)).card(card("c", 3));
        assertEquals(List.of(card("a", 1), card("b", 2), card("c", 3)), cs.cards);
        assertFalse(cs.isEmpty());
        assertTrue(cs.txns.isEmpty());
    }

    @Test
    void aCardIsTakenOutWhetherItIsTheOnlyRowOrOneOfSeveral() {
        ChangeSet one = new ChangeSet().card(card("a", 1));
        one.removeCard("zzz");
        assertEquals(1, one.cards.size());
        one.removeCard("a");
        assertTrue(one.cards.isEmpty());
        one.card(card("a", 5));
        assertEquals(List.of(card("a", 5)), one.cards, "a set still takes rows after one was taken out");

        ChangeSet several = new ChangeSet().card(card("a", 1)).card(card("b", 2)).card(card("a", 3));
        several.removeCard("a");
        assertEquals(List.of(card("b", 2)), several.cards);
    }

    @Test
    void writtenWithJavaSerializationEveryListIsAnArrayListAndTheSetIsUnchanged() throws Exception {
        ChangeSet cs = new ChangeSet().card(card("a", 1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(cs);
        }
        assertEquals(List.of(card("a", 1)), cs.cards);
        ChangeSet read;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            read = (ChangeSet) in.readObject();
        }
        assertEquals(ArrayList.class, read.cards.getClass());
        assertEquals(ArrayList.class, read.txns.getClass());
        assertEquals(cs.cards, read.cards);
        read.card(card("b", 2));
        assertEquals(2, read.cards.size());
    }
}
