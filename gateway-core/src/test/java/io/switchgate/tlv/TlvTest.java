package io.switchgate.tlv;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TlvTest {
    static final HexFormat H = HexFormat.of().withUpperCase();

    @Test
    void parsesTypicalDe55() {
        String part1 = "9F2608A1B2C3D4E5F60718" + "9F270180" + "9F100706010A03A00000" + "9F3704DEADBEEF"
                + "9F360200A1" + "95050000000000" + "9A03261125" + "9C0100" + "9F0206000000012345";
        String part2 = "5F2A020156" + "82023900" + "9F1A020156" + "9F0306000000000000";
        String de55 = part1 + "00" + part2 + "0000"; // 00 filler bytes between and after objects
        List<TlvItem> items = Tlv.parse(H.parseHex(de55));
        assertEquals("9F26", items.get(0).tagHex());
        assertEquals(0x9F26, items.get(0).tag());
        assertEquals("A1B2C3D4E5F60718", items.get(0).valueHex());
        assertEquals("Application Cryptogram", items.get(0).name());
        assertEquals(13, items.size());
        TlvItem atc = Tlv.find(items, 0x9F36);
        assertArrayEquals(new byte[] {0x00, (byte) 0xA1}, atc.value());
        assertEquals("Transaction Currency Code", EmvTags.name("5F2A"));
        assertNull(EmvTags.name(0x9F7F));
        assertTrue(EmvTags.size() >= 40);
        // rebuild (filler bytes are dropped)
        assertEquals(part1 + part2, H.formatHex(Tlv.build(items)));
    }

    @Test
    void longLengthsAndConstructed() {
        byte[] big = new byte[300];
        new Random(1).nextBytes(big);
        TlvItem inner = new TlvItem(0x86, big);
        TlvItem script = new TlvItem(0x72, Tlv.build(new TlvItem(0x9F18, new byte[] {1, 2, 3, 4}), inner));
        byte[] b = Tlv.build(script, new TlvItem("9F26", new byte[8]));
        List<TlvItem> back = Tlv.parse(b);
        assertEquals(2, back.size());
        assertTrue(back.get(0).isConstructed());
        assertFalse(back.get(1).isConstructed());
        assertEquals(inner, back.get(0).children().get(1));
        assertEquals(0x82, b[1] & 0xFF); // 2-byte length form
    }

    @Test
    void malformedIsAlwaysTlvException() {
        for (String bad : new String[] {"9F", "9F26", "9F2608A1", "5F", "9F818181818101", "9F2685", "9F26800102",
                "9F2681", "9F268201", "9F2684FFFFFFFF00"}) {
            assertThrows(TlvException.class, () -> Tlv.parse(H.parseHex(bad)), bad);
        }
        assertThrows(TlvException.class, () -> Tlv.parse(null));
        assertThrows(TlvException.class, () -> Tlv.parse(new byte[4], 3, 2));
        Random r = new Random(7);
        byte[] good = Tlv.build(new TlvItem(0x9F26, new byte[8]), new TlvItem(0x95, new byte[5]), new TlvItem(0x5F2A, new byte[2]));
        int ok = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] m = good.clone();
            if (r.nextBoolean()) m = java.util.Arrays.copyOf(m, r.nextInt(m.length + 4));
            for (int k = r.nextInt(4); k > 0 && m.length > 0; k--) m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            try {
                List<TlvItem> items = Tlv.parse(m);
                for (TlvItem it : items) {
                    if (it.isConstructed()) {
                        try {
                            it.children();
                        } catch (TlvException expected) {
                            // fine
                        }
                    }
                }
                ok++;
            } catch (TlvException expected) {
                assertTrue(expected.offset() >= 0 && expected.offset() <= m.length);
            }
        }
        assertTrue(ok > 0);
    }

    @Test
    void badTagsAreRejectedOnBuild() {
        assertThrows(IllegalArgumentException.class, () -> new TlvItem(0x9F, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new TlvItem(0x9F8F, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new TlvItem("XYZ", new byte[0]));
        List<TlvItem> none = new ArrayList<>();
        assertEquals(0, Tlv.build(none).length);
    }
}
