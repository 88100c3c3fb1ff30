package io.switchgate.config;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Tuning knobs: a bad value stops the start with a message that names the property. */
class TuningTest {
    private static final String P = "gateway.test.knob";

    @AfterEach
    void clear() {
        System.clearProperty(P);
    }

    @Test
    void unsetOrBlankIsTheDefault() {
        assertEquals(50, Tuning.wholeNumber(P, 50, 0, 100));
        System.setProperty(P, " ");
        assertEquals(50, Tuning.wholeInt(P, 50, 0, 100));
    }

    @Test
    void aWholeNumberInRangeIsTaken() {
        System.setProperty(P, " 0 ");
        assertEquals(0, Tuning.wholeNumber(P, 50, 0, 100));
        System.setProperty(P, "100");
        assertEquals(100, Tuning.wholeInt(P, 50, 0, 100));
    }

    @Test
    void outOfRangeOrNotANumberNamesTheProperty() {
        for (String bad : new String[]{"-1", "101", "abc", "1.5", "99999999999999999999"}) {
            System.setProperty(P, bad);
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Tuning.wholeNumber(P, 50, 0, 100), bad);
            assertEquals("-D" + P, e.key());
            assertEquals("-D" + P + ": '" + bad + "' is not a whole number from 0 to 100", e.getMessage());
        }
    }
}
