package io.switchgate.iso;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Dialect#unpackReadable}: the fields of a refused frame that can still be read, for its 30 answer. */
class UnpackReadableTest {

    static IsoMessage sale() {
        return new IsoMessage("0200").set(2, "6212345678901232").set(3, "000000").set(4, "000000010000")
                .set(7, "1125120000").set(11, "000123").set(41, "TERM0001").set(42, "MERCHANT0000001").set(49, "156");
    }

    @Test
    void aWellFormedFrameIsReadWhole() {
        for (String name : Dialect.BUILT_IN) {
            Dialect d = Dialect.named(name);
            IsoMessage m = d.unpackReadable(d.pack(sale()), 0, d.pack(sale()).length);
            assertEquals("000123", m.getString(11), name);
            assertEquals("MERCHANT0000001", m.getString(42), name);
        }
    }

    @Test
    void aFieldWithBadContentIsLeftOutAndReadingGoesOn() {
        Dialect d = Dialect.named("iso87binary");
        byte[] b = d.pack(sale());
        b[d.unpack(b).offsetOf(4) + 1] = (byte) 0xAB;
        assertThrows(IsoException.class, () -> d.unpack(b));
        IsoMessage m = d.unpackReadable(b, 0, b.length);
        assertFalse(m.hasField(4));
        assertEquals("000000", m.getString(3));
        assertEquals("000123", m.getString(11));
        assertEquals("TERM0001", m.getString(41));
        assertEquals("156", m.getString(49));
    }

    /** A length prefix over the field's maximum, every byte it announces there: the fields after it are read. */
    @Test
    void aFieldLongerThanItsMaximumIsLeftOutAndReadingGoesOnWhereItsPrefixSaysItEnds() {
        int checked = 0;
        for (String name : Dialect.BUILT_IN) {
            Dialect d = Dialect.named(name);
            byte[] p19 = d.pack(sale().set(2, "6212345678901232100")); // 19 digits: the longest DE 2 that packs
            int s2 = d.unpack(p19).offsetOf(2);
            int e2 = d.unpack(p19).offsetOf(3);
            byte[] field20 = fieldOf(e2 - s2, "62123456789012321000"); // 20 digits, its prefix saying so
            if (field20 == null) continue; // a layout whose DE 2 is neither of the two below
            byte[] frame = new byte[p19.length - (e2 - s2) + field20.length];
            System.arraycopy(p19, 0, frame, 0, s2);
            System.arraycopy(field20, 0, frame, s2, field20.length);
            System.arraycopy(p19, e2, frame, s2 + field20.length, p19.length - e2);
            assertThrows(IsoException.class, () -> d.unpack(frame), name);
            IsoMessage m = d.unpackReadable(frame, 0, frame.length);
            assertNotNull(m, name);
            assertFalse(m.hasField(2), name);
            assertEquals("000000", m.getString(3), name);
            assertEquals("000123", m.getString(11), name);
            assertEquals("TERM0001", m.getString(41), name);
            assertEquals("156", m.getString(49), name);
            checked++;
        }
        assertTrue(checked >= 2, "a binary and an ASCII layout: " + checked);
    }

    /** DE 2 as {@code digits}, prefix and content, in the layout whose 19-digit DE 2 takes {@code len} bytes; else null. */
    private static byte[] fieldOf(int len, String digits) {
        if (len == 2 + 19) { // ASCII: "19" then 19 characters
            return (String.format("%02d", digits.length()) + digits).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (len == 1 + 10) { // BCD: one prefix byte, then the digits two to a byte
            byte[] f = new byte[1 + digits.length() / 2];
            f[0] = (byte) (((digits.length() / 10) << 4) | (digits.length() % 10));
            for (int i = 0; i < digits.length() / 2; i++) {
                f[1 + i] = (byte) (((digits.charAt(2 * i) - '0') << 4) | (digits.charAt(2 * i + 1) - '0'));
            }
            return f;
        }
        return null;
    }

    @Test
    void readingStopsWhereALengthCannotBeKnown() {
        Dialect d = Dialect.named("iso87ascii");
        byte[] b = d.pack(sale());
        int de2 = d.unpack(b).offsetOf(2);
        b[de2] = 'X'; // DE 2's LLVAR prefix
        IsoMessage m = d.unpackReadable(b, 0, b.length);
        assertNotNull(m);
        assertEquals("0200", m.getMti());
        assertFalse(m.hasField(2));
        assertFalse(m.hasField(11), "nothing after a field of unknown length");

        byte[] full = d.pack(sale());
        int de42 = d.unpack(full).offsetOf(42);
        IsoMessage cut = d.unpackReadable(full, 0, de42 + 3);
        assertEquals("TERM0001", cut.getString(41));
        assertFalse(cut.hasField(42));
    }

    @Test
    void noMtiOrBitmapIsNull() {
        Dialect d = Dialect.named("iso87binary");
        byte[] b = d.pack(sale());
        assertNull(d.unpackReadable(Arrays.copyOf(b, 5), 0, 5));
        assertNull(d.unpackReadable(new byte[]{(byte) 0xAB}, 0, 1));
    }
}
