package io.switchgate.iso;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutated frames (truncated, bytes flipped, length prefixes altered, extended, bitmap bits set for undefined fields,
 * garbage): only {@link IsoException} may come out of unpack, and whatever unpacks reads and repacks cleanly.
 */
class MalformedInputTest {
    static final int FRAMES = 100_000;

    @ParameterizedTest
    @ValueSource(strings = {"iso87binary", "iso87ascii", "iso93binary", "custom-ascii"})
    void onlyIsoExceptionEscapes(String name) {
        Dialect d = JposOracle.ours(name);
        Random r = new Random(name.hashCode() * 31L);
        List<byte[]> bases = new ArrayList<>();
        List<IsoMessage> parsed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] b = d.pack(randomMessage(d, r));
            bases.add(b);
            parsed.add(d.unpack(b));
        }
        int rejected = 0, accepted = 0;
        int[] kinds = new int[7];
        for (int i = 0; i < FRAMES; i++) {
            int which = r.nextInt(bases.size());
            byte[] base = bases.get(which);
            int kind = r.nextInt(7);
            kinds[kind]++;
            byte[] f = mutate(kind, base, parsed.get(which), d, r);
            try {
                IsoMessage m = d.unpack(f, 0, f.length);
                accepted++;
                exercise(d, m, f);
            } catch (IsoException e) {
                rejected++;
                assertTrue(e.field() >= -1 && e.field() <= 192, "field " + e.field());
                assertTrue(e.offset() >= -1 && e.offset() <= f.length, "offset " + e.offset() + " of " + f.length);
                assertNotNull(e.getMessage());
            } catch (Throwable t) {
                fail(name + " kind " + kind + ": " + t + " on " + Codes.hex(f), t);
            }
        }
        assertEquals(FRAMES, rejected + accepted);
        assertTrue(rejected > FRAMES / 2, "rejected only " + rejected + " " + Arrays.toString(kinds));
    }

    /** Everything a caller may do with an unpacked message must work. */
    static void exercise(Dialect d, IsoMessage m, byte[] frame) {
        assertNotNull(m.getMti());
        for (int n : m.presentFields()) {
            assertNotNull(m.getString(n));
            assertNotNull(m.getBytes(n));
            assertTrue(m.offsetOf(n) > 0);
        }
        assertTrue(d.unpack(d.pack(m)).sameAs(m));
        // re-encode every field from its value; must pack (the values were valid) and unpack again
        IsoMessage c = new IsoMessage(m.getMti());
        for (int n : m.presentFields()) {
            if (d.field(n).isBinary()) c.set(n, m.getBytes(n));
            else c.set(n, m.getString(n));
        }
        byte[] again = d.pack(c);
        IsoMessage back = d.unpack(again);
        for (int n : m.presentFields()) assertEquals(m.getString(n).toUpperCase(), back.getString(n).toUpperCase());
    }

    static IsoMessage randomMessage(Dialect d, Random r) {
        IsoMessage m = new IsoMessage(RandomValues.digits(r, 4));
        double p = r.nextBoolean() ? 0.15 : 0.4;
        for (FieldSpec f : d.fields()) {
            int n = f.number();
            if (n < 2 || n > 128 || r.nextDouble() >= p) continue;
            Object v = RandomValues.value(f, r, true);
            if (v instanceof byte[]) m.set(n, (byte[]) v);
            else m.set(n, (String) v);
        }
        if (m.presentFields().length == 0) m.set(d.fields().get(2).number(), (String) RandomValues.value(d.fields().get(2), r, true));
        return m;
    }

    static byte[] mutate(int kind, byte[] b, IsoMessage parsed, Dialect d, Random r) {
        switch (kind) {
            case 0: // truncate
                return Arrays.copyOf(b, r.nextInt(b.length));
            case 1: { // flip 1..3 bytes
                byte[] c = b.clone();
                for (int k = 1 + r.nextInt(3); k > 0; k--) c[r.nextInt(c.length)] ^= (byte) (1 + r.nextInt(255));
                return c;
            }
            case 2: { // alter a length prefix (or the first bytes of a fixed field)
                byte[] c = b.clone();
                int[] pf = parsed.presentFields();
                int off = parsed.offsetOf(pf[r.nextInt(pf.length)]);
                int v = r.nextInt(4);
                c[off] = (byte) (v == 0 ? 0x99 : v == 1 ? '9' : v == 2 ? r.nextInt(256) : c[off] + 1);
                if (off + 1 < c.length && r.nextBoolean()) c[off + 1] = (byte) r.nextInt(256);
                return c;
            }
            case 3: { // extend with trailing bytes
                byte[] c = Arrays.copyOf(b, b.length + 1 + r.nextInt(20));
                for (int i = b.length; i < c.length; i++) c[i] = (byte) r.nextInt(256);
                return c;
            }
            case 4: { // set bitmap bits (may name undefined fields or a secondary bitmap)
                byte[] c = b.clone();
                int mtiLen = FieldCodec.contentBytes(d.field(0), 4);
                boolean hex = d.field(1).encoding() == FieldSpec.Encoding.HEX;
                int bit = r.nextInt(64);
                int pos = mtiLen + (hex ? bit / 4 : bit / 8);
                if (pos < c.length) {
                    if (hex) c[pos] = Codes.HEX_UPPER[r.nextInt(16)];
                    else c[pos] |= (byte) (0x80 >>> (bit % 8));
                }
                return c;
            }
            case 5: { // random garbage of a similar size
                byte[] c = new byte[r.nextInt(b.length + 8)];
                r.nextBytes(c);
                return c;
            }
            default: { // splice: a prefix of one frame and random tail
                byte[] c = b.clone();
                int from = r.nextInt(c.length);
                for (int i = from; i < c.length; i++) c[i] = (byte) r.nextInt(256);
                return c;
            }
        }
    }

    @Test
    void typicalErrorsCarryFieldAndOffset() {
        Dialect d = Dialect.named("iso87binary");
        byte[] ok = d.pack(IsoMessageTest.purchase());
        IsoMessage m = d.unpack(ok);
        // truncated in field 55
        int off55 = m.offsetOf(55);
        IsoException e = assertThrows(IsoException.class, () -> d.unpack(ok, 0, off55 + 3));
        assertEquals(55, e.field());
        assertEquals(off55, e.offset());
        // length above the maximum of field 2 (19): prefix 0x25
        byte[] bad = ok.clone();
        bad[m.offsetOf(2)] = 0x25;
        e = assertThrows(IsoException.class, () -> d.unpack(bad));
        assertEquals(2, e.field());
        // non-numeric digit in field 4
        byte[] bad4 = ok.clone();
        bad4[m.offsetOf(4) + 2] = (byte) 0x1A;
        e = assertThrows(IsoException.class, () -> d.unpack(bad4));
        assertEquals(4, e.field());
        assertEquals(m.offsetOf(4) + 2, e.offset());
        // trailing bytes
        byte[] longer = Arrays.copyOf(ok, ok.length + 2);
        e = assertThrows(IsoException.class, () -> d.unpack(longer));
        assertEquals(-1, e.field());
        assertEquals(ok.length, e.offset());
        // bitmap naming a field iso87binary lacks: none in 2..128, so use a dialect without field 8
        Dialect c = JposOracle.ours("custom-ascii");
        IsoMessage cm = new IsoMessage("0200").set(7, "1125121314");
        byte[] cb = c.pack(cm);
        cb[4 + 1] = '3'; // hex bitmap nibble for fields 5..8: 0011 -> fields 7 and 8
        e = assertThrows(IsoException.class, () -> c.unpack(cb));
        assertEquals(8, e.field());
        // no PAN in any message
        byte[] badPan = ok.clone();
        badPan[m.offsetOf(2) + 3] = (byte) 0xAB;
        e = assertThrows(IsoException.class, () -> d.unpack(badPan));
        assertFalse(e.getMessage().matches(".*\\d{6,}.*"), e.getMessage());
        // nonsense arguments
        assertThrows(IsoException.class, () -> d.unpack(null));
        assertThrows(IsoException.class, () -> d.unpack(ok, 5, ok.length));
        assertThrows(IsoException.class, () -> d.unpack(ok, -1, 3));
        assertThrows(IsoException.class, () -> d.unpack(new byte[0]));
    }
}
