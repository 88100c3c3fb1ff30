package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class FieldCheckTest {

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "7, 1125120000, null",
            "7, 0229000000, null",            // DE 7 has no year: 29 February is a date
            "7, 0230000000, BAD_FIELD_7",
            "7, 0431000000, BAD_FIELD_7",
            "7, 1231235959, null",
            "7, 0001120000, BAD_FIELD_7",
            "7, 1301120000, BAD_FIELD_7",
            "7, 1100120000, BAD_FIELD_7",
            "7, 1125240000, BAD_FIELD_7",
            "7, 1125126000, BAD_FIELD_7",
            "7, 1125120060, BAD_FIELD_7",
            "14, 2812, null",
            "14, 2801, null",
            "14, 2800, BAD_FIELD_14",
            "14, 2813, BAD_FIELD_14",
            "14, 28AB, BAD_FIELD_14",
            "49, 156, null",
            "49, 840, null",
            "49, XYZ, BAD_FIELD_49",
            "49, 15, BAD_FIELD_49",
            "49, 1566, BAD_FIELD_49",
            // DE 90: the original's DE 7 (positions 11-20) held to DE 7's rule; zeros: not sent
            "90, 020012345611251200000000000000000000000000, null",
            "90, 020012345600000000000000000000000000000000, null",
            "90, 020012345613999999990000000000000000000000, BAD_FIELD_90",
            "90, 020012345602300000000000000000000000000000, BAD_FIELD_90",
            "90, 0200123456, null",                      // MTI and STAN only: nothing more to check
    })
    void fieldValues(int field, String value, String reason) {
        IsoMessage m = new IsoMessage("0200").set(7, "1125120000").set(field, value);
        var d = FieldCheck.check(m);
        if (reason == null) {
            assertNull(d, () -> "declined " + d);
        } else {
            assertNotNull(d);
            assertEquals("30", d.code());
            assertEquals(reason, d.reason());
        }
    }

    @ParameterizedTest(name = "DE 2 {0}, DE 35 {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "6212345678901232, 6212345678901232D2812101, null",
            "6212345678901232, 6212345678901232=2812101, null",
            "6212345678901232, 6212345678901240D2812101, BAD_FIELD_35",
            "621234567890123, 6212345678901232D2812101, BAD_FIELD_35",   // a prefix is not the PAN
            "6212345678901232, 6212345678901232, BAD_FIELD_35",          // no separator
            "null, 6212345678901240D2812101, null",
            "6212345678901232, null, null",
    })
    void panOfTrack2AgreesWithDe2(String de2, String de35, String reason) {
        IsoMessage m = new IsoMessage("0200").set(7, "1125120000");
        if (de2 != null) m.set(2, de2);
        if (de35 != null) m.set(35, de35);
        var d = FieldCheck.check(m);
        assertEquals(reason, d == null ? null : d.reason());
    }

    @ParameterizedTest(name = "DE 14 {0}, DE 35 {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            "2812, 6212345678901232D2812101, null",
            "2812, 6212345678901232=2812101, null",
            "2812, 6212345678901232D2912101, BAD_FIELD_35",   // two expiries: which card is this?
            "2812, 6212345678901232D28, BAD_FIELD_35",        // cut short
            "null, 6212345678901232D2912101, null",           // track 2's own expiry (the authorizer judges it)
    })
    void expiryOfTrack2AgreesWithDe14(String de14, String de35, String reason) {
        IsoMessage m = new IsoMessage("0200").set(7, "1125120000").set(35, de35);
        if (de14 != null) m.set(14, de14);
        var d = FieldCheck.check(m);
        assertEquals(reason, d == null ? null : d.reason());
    }
}
