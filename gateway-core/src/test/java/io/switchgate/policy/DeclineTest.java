package io.switchgate.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

class DeclineTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 24, 25})
    void reasonUpTo25CharactersIsAccepted(int len) {
        String reason = "R".repeat(len);
        Decline d = Decline.of("12", reason);
        assertEquals("12", d.code());
        assertEquals(reason, d.reason());
    }

    @ParameterizedTest
    @ValueSource(ints = {26, 27, 100})
    void reasonLongerThan25IsRejected(int len) {
        var e = assertThrows(IllegalArgumentException.class, () -> Decline.of("12", "R".repeat(len)));
        assertTrue(e.getMessage().contains("25"));
        assertThrows(IllegalArgumentException.class, () -> new Decline("12", "R".repeat(len)));
    }

    @Test
    void nullReasonIsAllowed() {
        assertNull(Decline.of("05", null).reason());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "1", "123", "0000"})
    void codeMustBeTwoCharacters(String code) {
        assertThrows(IllegalArgumentException.class, () -> Decline.of(code, "X"));
    }

    @Test
    void everyReasonTokenTheRulesUseFitsDe44() {
        // a Decline with a longer reason could not even be built; this pins the tokens' wire form
        for (String r : new String[]{"UNKNOWN_TERMINAL", "TERMINAL_NOT_ACTIVATED", "TERMINAL_SUSPENDED", "TERMINAL_RETURNED",
                "UNKNOWN_MERCHANT", "MERCHANT_MISMATCH", "MERCHANT_FROZEN", "MERCHANT_CLOSED", "ORIGINAL_NOT_FOUND",
                "ORIGINAL_NOT_A_SALE", "ORIGINAL_NOT_APPROVED", "ORIGINAL_VOIDED", "ORIGINAL_REVERSED", "INVALID_AMOUNT",
                "ORIGINAL_OTHER_MERCHANT", "CARD_MISMATCH", "REFUND_WINDOW_EXPIRED", "SUSPECTED_DUPLICATE",
                "EXCEEDS_REFUNDABLE", "SINGLE_REFUND_LIMIT", "DAILY_REFUND_LIMIT", "ALREADY_VOIDED",
                "ORIGINAL_OTHER_TERMINAL", "ORIGINAL_BATCH_SETTLED", "ORIGINAL_REFUNDED", "AMOUNT_MISMATCH",
                "TOTALS_MISMATCH", "REVERSED_BEFORE_ARRIVAL"}) {
            assertTrue(r.length() <= 25, r);
            assertTrue(r.matches("[A-Z0-9_]+"), r);
        }
    }
}
