package io.switchgate.iso;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class IsoMessageTest {

    static IsoMessage purchase() {
        return new IsoMessage("0200")
                .set(2, "6212345678901232")
                .set(3, "000000")
                .set(4, "000000012345")
                .set(7, "1125121314")
                .set(11, "000123")
                .set(12, "121314")
                .set(13, "1125")
                .set(14, "2812")
                .set(22, "051")
                .set(25, "00")
                .set(35, "6212345678901232=28121010000")
                .set(37, "123456789012")
                .set(41, "TERM0001")
                .set(42, "MERCHANT0000001")
                .set(49, "156")
                .set(52, "0123456789ABCDEF")
                .set(55, "9F2608A1B2C3D4E5F60718")
                .set(64, new byte[8]);
    }

    @Test
    void roundTripBinaryAndAscii() {
        for (String d : Dialect.BUILT_IN) {
            Dialect dialect = Dialect.named(d);
            IsoMessage m = purchase();
            if (d.equals("iso87ascii")) m.set(55, "some text");
            if (d.equals("iso93binary")) m.set(22, "051000000000").set(25, "0000").set(12, "261125121314");
            byte[] b = dialect.pack(m);
            IsoMessage u = dialect.unpack(b);
            assertEquals("0200", u.getMti(), d);
            assertArrayEquals(m.presentFields(), u.presentFields(), d);
            for (int n : m.presentFields()) {
                m.dialect(dialect);
                assertEquals(m.getString(n), u.getString(n), d + " field " + n);
            }
            assertArrayEquals(b, dialect.pack(u), d + " repack of parsed");
            assertEquals("0200", dialect.peekMti(b, 0, b.length));
        }
    }

    @Test
    void gettersAndSetters() {
        Dialect d = Dialect.named("iso87binary");
        IsoMessage u = d.unpack(d.pack(purchase()));
        assertEquals("0123456789ABCDEF", u.getString(52));
        assertArrayEquals(new byte[8], u.getBytes(64));
        assertEquals("TERM0001", u.getString(41));
        assertArrayEquals("TERM0001".getBytes(), u.getBytes(41));
        assertNull(u.getString(39));
        assertFalse(u.hasField(39));
        assertEquals(d, u.dialect());
        assertTrue(u.offsetOf(2) > 0);
        assertEquals(-1, u.offsetOf(39));
        IsoMessage r = u.toResponse(3, 4, 11, 39, 41);
        assertEquals("0210", r.getMti());
        assertArrayEquals(new int[] {3, 4, 11, 41}, r.presentFields());
        r.set(39, "00");
        IsoMessage r2 = d.unpack(d.pack(r));
        assertEquals("00", r2.getString(39));
        assertEquals("000000012345", r2.getString(4));
        assertEquals("0430", new IsoMessage("0420").toResponse().getMti());
        assertEquals("0810", new IsoMessage("0800").toResponse().getMti());
        assertEquals("0510", new IsoMessage("0500").toResponse().getMti());
        IsoMessage c = u.copy().unset(2).set(4, "000000000001");
        assertTrue(u.hasField(2));
        assertEquals("000000012345", u.getString(4));
        assertEquals("000000000001", c.getString(4));
        assertEquals(-1, c.offsetOf(4));
    }

    @Test
    void aParsedFieldIsDecodedOnceAndASetValueStillWins() {
        Dialect d = Dialect.named("iso87binary");
        IsoMessage u = d.unpack(d.pack(purchase()));
        String first = u.getString(41);
        assertSame(first, u.getString(41), "the second read is the first read's String, not a new decode");
        assertEquals("000000012345", u.getString(4));
        u.set(4, "000000000007");
        assertEquals("000000000007", u.getString(4), "a value set after a read replaces the parsed one");
        u.unset(4);
        assertNull(u.getString(4));
        IsoMessage c = u.copy();
        assertEquals(first, c.getString(41));
        assertEquals("0123456789ABCDEF", c.getString(52), "binary fields still read as hex");
    }

    @Test
    void packErrorsCarryFieldAndNoData() {
        Dialect d = Dialect.named("iso87binary");
        IsoException e = assertThrows(IsoException.class, () -> d.pack(purchase().set(2, "62123456789012345678901")));
        assertEquals(2, e.field());
        assertFalse(e.getMessage().contains("6212345"));
        e = assertThrows(IsoException.class, () -> d.pack(purchase().set(4, "12A")));
        assertEquals(4, e.field());
        e = assertThrows(IsoException.class, () -> d.pack(purchase().set(52, "0102")));
        assertEquals(52, e.field());
        e = assertThrows(IsoException.class, () -> d.pack(purchase().set(35, "6212345678901232X2812")));
        assertEquals(35, e.field());
        e = assertThrows(IsoException.class, () -> d.pack(purchase().set(3, "00000:")));
        assertEquals(3, e.field());
        e = assertThrows(IsoException.class, () -> d.pack(purchase().set(2, "621234567890123/")));
        assertEquals(2, e.field());
    }

    @Test
    void textBeyondLatin1BecomesQuestionMarkLikeJpos() throws Exception {
        Dialect d = Dialect.named("iso87binary");
        IsoMessage m = new IsoMessage("0200").set(43, "Caf\u00e9 \u4e2d\u6587");
        byte[] b = d.pack(m);
        org.jpos.iso.ISOMsg j = new org.jpos.iso.ISOMsg("0200");
        j.setPackager(JposOracle.packager("iso87binary"));
        j.set(43, "Caf\u00e9 \u4e2d\u6587");
        assertArrayEquals(j.pack(), b);
        assertEquals(String.format("%-40s", "Caf\u00e9 ??"), d.unpack(b).getString(43));
        assertThrows(IsoException.class, () -> d.pack(new IsoMessage("02\u0130" + "0").set(3, "000000")));
    }

    @Test
    void panMask() {
        assertEquals("621234******1232", PanMask.mask("6212345678901232"));
        assertEquals("**********", PanMask.mask("1234567890"));
        // a short PAN hides at least three digits, never only one or two the check digit gives back (a black-box audit)
        assertEquals("6212***6782", PanMask.mask("62123456782"));
        assertEquals("62123***7782", PanMask.mask("621234567782"));
        assertEquals("621234***0123", PanMask.mask("6212345670123"));
        assertEquals("621234*********2345", PanMask.mask("6212345678901212345"));
        assertEquals("621234******1232=********", PanMask.maskTrack2("6212345678901232=28121010"));
        assertNull(PanMask.mask(null));
        assertEquals("411111******1111", PanMask.forDisplay(34, "4111111111111111"));
        assertEquals("B411111******1111^***", PanMask.forDisplay(45, "B4111111111111111^ABC"));
        assertEquals("000000", PanMask.forDisplay(3, "000000"));
        assertEquals("****************", PanMask.forDisplay(52, "0123456789ABCDEF"));
    }

    @Test
    void chipDataKeepsItsStructureWithTheCardDataMasked() {
        String track2 = "6212345678901232D2812101000F", track2Masked = "621234******1232D***********";
        // a plain tag shown, the PAN masked
        assertEquals("9F0206000000010000" + "5A08621234******1232",
                PanMask.maskIcc("9F0206000000010000" + "5A086212345678901232"));
        // a 17-digit PAN with its F pad
        assertEquals("5A0A621234*******2345FFF", PanMask.maskIcc("5A0A62123456789012345FFF"));
        // a constructed template (70) holding track 2 (57) and track 1 (56) equivalents
        assertEquals("7016" + "570E" + track2Masked + "5604" + "********",
                PanMask.maskIcc("7016" + "570E" + track2 + "5604" + "42363231"));
        // 9F6B (contactless track 2) with a long-form length (81 0E)
        assertEquals("9F6B810E" + track2Masked, PanMask.maskIcc("9F6B810E" + track2));
        // what does not parse as BER-TLV is masked from there on: a length past the end, a lone nibble
        assertEquals("9F0201AA" + "*".repeat(15), PanMask.maskIcc("9F0201AA" + "5A0862123456789"));
        assertEquals("9A03261207*", PanMask.maskIcc("9A03261207F"));
        assertNull(PanMask.maskIcc(null));
        assertEquals("", PanMask.maskIcc(""));
        String dump = new IsoMessage("0200").set(2, "6212345678901232").set(34, "4111111111111111")
                .set(35, "6212345678901232=28121010").toString();
        assertFalse(dump.contains("6212345678901232") || dump.contains("4111111111111111"), dump);
    }

    @Test
    void hasAnyFieldAgreesWithAskingFieldByField() {
        java.util.Random rnd = new java.util.Random(8583);
        for (int trial = 0; trial < 500; trial++) {
            IsoMessage m = new IsoMessage("0200");
            int count = rnd.nextInt(6);
            for (int i = 0; i < count; i++) m.set(2 + rnd.nextInt(191), "1");
            for (int probe = 0; probe < 20; probe++) {
                int from = rnd.nextInt(200) - 4;
                int to = from + rnd.nextInt(140);
                boolean expected = false;
                for (int n = from; n <= to; n++) expected |= m.hasField(n);
                assertEquals(expected, m.hasAnyField(from, to), "fields " + from + ".." + to);
            }
        }
        IsoMessage edges = new IsoMessage("0800").set(64, "1").set(65, "1").set(128, "1").set(192, "1");
        assertTrue(edges.hasAnyField(64, 64));
        assertTrue(edges.hasAnyField(65, 65));
        assertTrue(edges.hasAnyField(128, 128));
        assertTrue(edges.hasAnyField(192, 192));
        assertFalse(edges.hasAnyField(66, 127));
        assertFalse(edges.hasAnyField(129, 191));
        assertFalse(edges.hasAnyField(2, 63));
    }
}
