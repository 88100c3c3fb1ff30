package io.switchgate.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class CardDataTest {
    static final String PAN = "6212345678901232";

    /** de2 | de35 | de14 -> pan | expiry ("null" = null). */
    @ParameterizedTest(name = "DE2={0} DE35={1} DE14={2} -> {3}/{4}")
    @CsvSource(nullValues = "null", value = {
            // DE 2 alone, with or without DE 14
            "6212345678901232, null,                                 2812, 6212345678901232, 2812",
            "6212345678901232, null,                                 null, 6212345678901232, null",
            // track 2 alone: 'D' (binary track) or '=' (ASCII track) separates PAN and expiry
            "null,             6212345678901232D28121011234567,      null, 6212345678901232, 2812",
            "null,             6212345678901232=28121011234567,      null, 6212345678901232, 2812",
            "null,             6212345678901232d2812101,             null, 6212345678901232, 2812",
            "null,             4111111111111111D2501,                null, 4111111111111111, 2501",
            // track 2 with a 19-digit PAN
            "null,             6212345678901234569=3001201,          null, 6212345678901234569, 3001",
            // DE 2 and DE 14 win over what track 2 says
            "6212345678901232, 4111111111111111D2501101,             null, 6212345678901232, 2501",
            "null,             6212345678901232D2812101,             2901, 6212345678901232, 2901",
            "4111111111111111, 6212345678901232D2812101,             2901, 4111111111111111, 2901",
            // track 2 too short after the separator for an expiry
            "null,             6212345678901232D281,                 null, 6212345678901232, null",
            "null,             6212345678901232D,                    null, 6212345678901232, null",
            "null,             6212345678901232D2812,                null, 6212345678901232, 2812",
            // track 2 without separator: no PAN from it, but DE 2 still counts
            "6212345678901232, 6212345678901232281210,               null, 6212345678901232, null",
            "6212345678901232, 6212345678901232281210,               2812, 6212345678901232, 2812",
    })
    void reads(String de2, String de35, String de14, String pan, String expiry) {
        CardData c = CardData.from(de2, de35, de14);
        assertNotNull(c);
        assertEquals(pan, c.pan());
        assertEquals(expiry, c.expiry());
    }

    @ParameterizedTest(name = "DE2={0} DE35={1} DE14={2} -> no card")
    @CsvSource(nullValues = "null", value = {
            "null, null,                      null",
            "null, null,                      2812",
            "'',   null,                      2812",
            "null, 6212345678901232281210,    null",   // no separator
            "null, D2812101,                  null",   // separator first: no PAN
            "null, =2812101,                  2812",
            "null, '',                        null",
    })
    void noPan(String de2, String de35, String de14) {
        assertNull(CardData.from(de2, de35, de14));
    }

    @Test
    void toStringMasksThePanAndLeavesOutTheExpiry() {
        CardData c = CardData.from(null, PAN + "D2812101123", null);
        String s = c.toString();
        assertEquals("CardData[pan=621234******1232]", s);
        assertFalse(s.contains(PAN));
        assertFalse(s.contains("2812"));
    }

    @ParameterizedTest
    @CsvSource({
            "4111111111111111,    411111******1111",
            "6212345678901234569, 621234*********4569",
            "378282246310005,     378282*****0005",
            "1234567890,          **********",
    })
    void toStringMasksEveryLength(String pan, String masked) {
        String s = new CardData(pan, "2812").toString();
        assertEquals("CardData[pan=" + masked + "]", s);
        assertFalse(s.contains(pan));
    }
}
