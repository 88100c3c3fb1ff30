package io.switchgate.projection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The projection's measurement knobs: a bad value stops the start with a message that names the property. */
class FileJournalKnobTest {
    private static final String P = "gateway.test.knob";

    @AfterEach
    void clear() {
        System.clearProperty(P);
    }

    @Test
    void unsetOrBlankIsTheDefault() {
        assertEquals(50, FileJournal.knob(P, 50, 0, 100));
        System.setProperty(P, " ");
        assertEquals(50, FileJournal.knob(P, 50, 0, 100));
    }

    @Test
    void aWholeNumberInRangeIsTaken() {
        System.setProperty(P, " 0 ");
        assertEquals(0, FileJournal.knob(P, 50, 0, 100));
        System.setProperty(P, "100");
        assertEquals(100, FileJournal.knob(P, 50, 0, 100));
    }

    @Test
    void outOfRangeOrNotANumberNamesTheProperty() {
        for (String bad : new String[]{"-1", "101", "abc", "1.5", "99999999999999999999"}) {
            System.setProperty(P, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FileJournal.knob(P, 50, 0, 100), bad);
            assertEquals("-D" + P + "=" + bad + ": must be a whole number from 0 to 100", e.getMessage());
        }
    }
}
