package io.switchgate.server.host;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FieldLayoutsTest {
    static final Dialect D87 = Dialect.named("iso87binary");
    static final Dialect D93 = Dialect.named("iso93binary");

    @Test
    void theLayoutIsReadFromDe12() {
        assertEquals(io.switchgate.iso.IsoLayout.Y1987, io.switchgate.iso.IsoLayout.of(D87));
        assertEquals(io.switchgate.iso.IsoLayout.Y1987, io.switchgate.iso.IsoLayout.of(Dialect.named("iso87ascii")));
        assertEquals(io.switchgate.iso.IsoLayout.Y1993, io.switchgate.iso.IsoLayout.of(D93));
        assertTrue(FieldLayouts.from1993To1987(D93, D87));
        assertFalse(FieldLayouts.from1993To1987(D87, D87));
        assertFalse(FieldLayouts.from1993To1987(D93, D93));
        assertFalse(FieldLayouts.from1993To1987(null, D87), "a message of no known dialect is copied");
    }

    @Test
    void panEntryModePinCapabilityAndConditionCode() {
        assertEquals("01", FieldLayouts.panEntryMode('1'));
        assertEquals("01", FieldLayouts.panEntryMode('6'));
        assertEquals("02", FieldLayouts.panEntryMode('2'));
        assertEquals("05", FieldLayouts.panEntryMode('5'));
        assertEquals("00", FieldLayouts.panEntryMode('3'));
        assertEquals("00", FieldLayouts.panEntryMode('0'));
        assertEquals("2", FieldLayouts.pinEntryCapability('0'));
        assertEquals("0", FieldLayouts.pinEntryCapability('1'));
        assertEquals("1", FieldLayouts.pinEntryCapability('4'));
        assertEquals("1", FieldLayouts.pinEntryCapability('C'));
        assertEquals("0", FieldLayouts.pinEntryCapability('D'));
        assertEquals("00", FieldLayouts.conditionCode('0', '1'));
        assertEquals("05", FieldLayouts.conditionCode('0', '0'));
        assertEquals("08", FieldLayouts.conditionCode('2', '0'));
        assertEquals("08", FieldLayouts.conditionCode('3', '0'));
        assertEquals("01", FieldLayouts.conditionCode('1', '0'));
        assertEquals("01", FieldLayouts.conditionCode('5', '0'));
    }

    @Test
    void aMessageWithoutTheSourceFieldsGetsNoneOfThem() {
        IsoMessage src = new IsoMessage("0200").dialect(D93).set(3, "000000");
        IsoMessage dst = new IsoMessage("0200").dialect(D87);
        FieldLayouts.fromY1993(src, dst);
        for (int f : new int[]{12, 13, 22, 25}) assertFalse(dst.hasField(f), "DE " + f);
    }

    @Test
    void everyTranslatedFieldPacksInThe1987Layout() {
        IsoMessage src = new IsoMessage("0200").dialect(D93).set(12, "261231235959").set(22, "000001500004");
        IsoMessage dst = new IsoMessage("0200").dialect(D87).set(3, "000000").set(11, "000001");
        FieldLayouts.fromY1993(src, dst);
        IsoMessage back = D87.unpack(D87.pack(dst));
        assertEquals("235959", back.getString(12));
        assertEquals("1231", back.getString(13));
        assertEquals("051", back.getString(22));
        assertEquals("00", back.getString(25));
    }

    /** A dialect of its own: the 1993 DE 12 (12 digits), the 1987 DE 22 and 25. Its DE 22 and 25 are copied. */
    @Test
    void aHybridDialectsEntryModeAndConditionCodeAreCopied() {
        java.util.List<io.switchgate.iso.FieldSpec> specs = new java.util.ArrayList<>();
        for (io.switchgate.iso.FieldSpec f : D87.fields()) specs.add(f.number() == 12 ? D93.field(12) : f);
        Dialect hybrid = Dialect.of("hybrid", specs);
        assertTrue(FieldLayouts.from1993To1987(hybrid, D87));
        IsoMessage src = new IsoMessage("0200").dialect(hybrid).set(12, "261231235959").set(22, "051").set(25, "00");
        IsoMessage dst = new IsoMessage("0200").dialect(D87);
        FieldLayouts.fromY1993(src, dst);
        assertEquals("235959", dst.getString(12));
        assertEquals("1231", dst.getString(13));
        assertEquals("051", dst.getString(22));
        assertEquals("00", dst.getString(25));
    }
}
