package io.switchgate.iso;

import io.switchgate.policy.Codes;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ActionCodesTest {
    static final Dialect D93 = Dialect.named("iso93binary");
    static final Dialect D87 = Dialect.named("iso87binary");

    /** Every response code the gateway decides with (the constants of {@link Codes}). */
    static List<String> gatewayCodes() throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        for (Field f : Codes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) out.add((String) f.get(null));
        }
        assertTrue(out.size() >= 19, "the table of contract section 5: " + out);
        return out;
    }

    @Test
    void onAThreeDigitDe39OnlyAnApprovalIsWrittenInTheApprovedRange() throws Exception {
        assertTrue(ActionCodes.threeDigits(D93));
        for (String code : gatewayCodes()) {
            for (String mti : List.of("0210", "0410", "0430", "0510", "0810")) {
                String action = ActionCodes.onWire(D93, mti, code);
                assertEquals(3, action.length(), code);
                assertTrue(action.chars().allMatch(Character::isDigit), code + " -> " + action);
                // 0xx is an approval in ISO 8583:1993: a decline zero-padded ("051") would read as one
                assertEquals(Codes.APPROVED.equals(code), List.of("000", "400", "500", "800").contains(action),
                        mti + " " + code + " -> " + action);
                assertNotEquals('0', Codes.APPROVED.equals(code) ? '1' : action.charAt(0), mti + " " + code + " -> " + action);
                // and reads back as the code it stands for, but a 95 outside a reconciliation (it has no other use)
                if (!Codes.RECONCILIATION_ERROR.equals(code) || mti.startsWith("05")) {
                    assertEquals(code, ActionCodes.fromWire(D93, mti, action), "read back: " + mti + " " + code + " -> " + action);
                }
            }
        }
        assertEquals("116", ActionCodes.onWire(D93, "0210", Codes.INSUFFICIENT_FUNDS));
        assertEquals("904", ActionCodes.onWire(D93, "0210", Codes.FORMAT_ERROR));
        assertEquals("000", ActionCodes.onWire(D93, "0210", Codes.APPROVED));
        assertEquals("400", ActionCodes.onWire(D93, "0410", Codes.APPROVED), "reversal accepted");
        assertEquals("400", ActionCodes.onWire(D93, "0430", Codes.APPROVED));
        assertEquals("500", ActionCodes.onWire(D93, "0510", Codes.APPROVED), "reconciled, in balance");
        assertEquals("501", ActionCodes.onWire(D93, "0510", Codes.RECONCILIATION_ERROR), "reconciled, out of balance");
        assertEquals("800", ActionCodes.onWire(D93, "0810", Codes.APPROVED), "network management: accepted");
        assertEquals("100", ActionCodes.onWire(D93, "0210", "X7"), "a code the table lacks is a plain denial");
    }

    @Test
    void aTwoCharacterDe39IsLeftAsItIs() throws Exception {
        assertFalse(ActionCodes.threeDigits(D87));
        for (String code : gatewayCodes()) {
            assertEquals(code, ActionCodes.onWire(D87, "0210", code));
            if (!List.of("08", "10", "11", "16", "85").contains(code)) assertEquals(code, ActionCodes.fromWire(D87, "0210", code));
        }
        assertNull(ActionCodes.onWire(D93, "0210", null));
        assertNull(ActionCodes.fromWire(D87, "0210", null));
        assertNull(ActionCodes.fromWire(D93, "0210", null));
    }

    @Test
    void aHostsActionCodeIsReadAsApprovedOrDeclinedOnlyWhereThatIsWhatItSays() {
        assertEquals("00", ActionCodes.fromWire(D93, "0210", "000"));
        assertEquals("00", ActionCodes.fromWire(D93, "0410", "400"), "a reversal accepted");
        assertEquals("00", ActionCodes.fromWire(D93, "0410", "000"));
        assertEquals("51", ActionCodes.fromWire(D93, "0210", "116"));
        assertEquals("91", ActionCodes.fromWire(D93, "0210", "912"), "issuer unavailable");
        assertEquals("05", ActionCodes.fromWire(D93, "0210", "183"), "another denial");
        assertEquals("04", ActionCodes.fromWire(D93, "0210", "210"), "another denial with pick-up");
        assertEquals("91", ActionCodes.fromWire(D93, "0210", "999"), "another error");
        assertEquals("95", ActionCodes.fromWire(D93, "0510", "501"));
        // approvals with conditions (002: partial amount), errors after which the issuer may still approve (911 timed
        // out, 923 in progress), and ranges that are not the message's: not readable
        for (String unreadable : List.of("001", "002", "006", "099", "300", "400", "500", "501", "600", "700", "800",
                "911", "923", "00", "0000", "0A0", " 00", "")) {
            assertNull(ActionCodes.fromWire(D93, "0210", unreadable), "'" + unreadable + "'");
        }
        assertNull(ActionCodes.fromWire(D93, "0410", "500"));
    }

    @Test
    void onATwoCharacterDialectAHostsCodeIsReadWhenItIsTwoLettersOrDigitsAndNoApprovalWithACondition() {
        assertEquals("00", ActionCodes.fromWire(D87, "0210", "00"));
        assertEquals("N7", ActionCodes.fromWire(D87, "0210", "N7"), "a host's own code, relayed");
        // 08 honour with identification, 10 partial amount, 11 VIP, 16 update track 3, 85 no reason to decline
        for (String unreadable : List.of("5 ", " 5", "0", "000", "", "5\u0000", "\u00e90", "08", "10", "11", "16", "85")) {
            assertNull(ActionCodes.fromWire(D87, "0210", unreadable), "'" + unreadable + "'");
        }
    }
}
