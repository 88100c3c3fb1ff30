package io.switchgate.txn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SharedStringsTest {

    @Test
    void equalValuesComeBackAsOneInstance() {
        SharedStrings codes = new SharedStrings(64);
        String first = new String("0200");
        assertSame(first, codes.of(first));
        assertSame(first, codes.of(new String("0200")), "a later copy gives the first instance");
        assertNull(codes.of(null));
    }

    @Test
    void staysBoundedAndCorrectWhateverTheValues() {
        SharedStrings codes = new SharedStrings(16);
        for (int i = 0; i < 100_000; i++) {
            String s = Integer.toString(i);
            assertEquals(s, codes.of(new String(s)), "a value is never replaced by another");
        }
        assertThrows(IllegalArgumentException.class, () -> new SharedStrings(100));
    }
}
