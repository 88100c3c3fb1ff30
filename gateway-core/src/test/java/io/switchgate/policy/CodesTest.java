package io.switchgate.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class CodesTest {

    /** The response-code table of CONTRACT.md section 5, verbatim. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "00|approved",
            "03|invalid merchant",
            "05|do not honor",
            "12|invalid transaction",
            "13|invalid amount",
            "14|invalid card number",
            "25|unable to locate original",
            "30|format error",
            "51|insufficient funds",
            "54|expired card",
            "55|incorrect PIN",
            "58|transaction not permitted to terminal",
            "61|exceeds amount limit",
            "63|security violation",
            "75|PIN tries exceeded",
            "91|issuer or host unavailable",
            "94|duplicate transmission",
            "95|reconciliation error",
            "96|system malfunction",
    })
    void meaningMatchesTheContractTable(String code, String meaning) {
        assertEquals(meaning, Codes.meaning(code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "99", "1", "000", "", "ab", "N7"})
    void codesWeNeverAnswerAreUnknown(String code) {
        assertEquals("unknown", Codes.meaning(code));
    }

    @Test
    void nullCodeIsUnknown() {
        assertEquals("unknown", Codes.meaning(null));
    }

    @Test
    void constantsAreTheContractCodes() {
        assertEquals("00", Codes.APPROVED);
        assertEquals("03", Codes.INVALID_MERCHANT);
        assertEquals("05", Codes.DO_NOT_HONOR);
        assertEquals("12", Codes.INVALID_TRANSACTION);
        assertEquals("13", Codes.INVALID_AMOUNT);
        assertEquals("14", Codes.INVALID_CARD);
        assertEquals("25", Codes.NO_ORIGINAL);
        assertEquals("30", Codes.FORMAT_ERROR);
        assertEquals("51", Codes.INSUFFICIENT_FUNDS);
        assertEquals("54", Codes.EXPIRED_CARD);
        assertEquals("55", Codes.INCORRECT_PIN);
        assertEquals("58", Codes.NOT_PERMITTED_TO_TERMINAL);
        assertEquals("61", Codes.EXCEEDS_LIMIT);
        assertEquals("63", Codes.SECURITY_VIOLATION);
        assertEquals("75", Codes.PIN_TRIES_EXCEEDED);
        assertEquals("91", Codes.HOST_UNAVAILABLE);
        assertEquals("94", Codes.DUPLICATE);
        assertEquals("95", Codes.RECONCILIATION_ERROR);
        assertEquals("96", Codes.SYSTEM_MALFUNCTION);
    }

    @Test
    void everyConstantHasAMeaningAndNoTwoShareACode() throws IllegalAccessException {
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (Field f : Codes.class.getDeclaredFields()) {
            if (f.getType() != String.class || !Modifier.isPublic(f.getModifiers())) continue;
            String code = (String) f.get(null);
            assertTrue(seen.add(code), "duplicate code " + code);
            assertNotEquals("unknown", Codes.meaning(code), f.getName());
            assertEquals(2, code.length(), f.getName());
            n++;
        }
        assertEquals(19, n, "the contract's table has 19 codes");
    }
}
