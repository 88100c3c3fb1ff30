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
