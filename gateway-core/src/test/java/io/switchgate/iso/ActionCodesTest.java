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
                assertEquals(Codes.APPROVED.equals(code), action.charAt(0) == '0' || action.equals("500") || action.equals("800"),
                        mti + " " + code + " -> " + action);
                assertEquals(code, ActionCodes.fromWire(D93, action), "read back: " + mti + " " + code + " -> " + action);
            }
        }
        assertEquals("116", ActionCodes.onWire(D93, "0210", Codes.INSUFFICIENT_FUNDS));
        assertEquals("904", ActionCodes.onWire(D93, "0210", Codes.FORMAT_ERROR));
        assertEquals("000", ActionCodes.onWire(D93, "0210", Codes.APPROVED));
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
            assertEquals(code, ActionCodes.fromWire(D87, code));
        }
        assertNull(ActionCodes.onWire(D93, "0210", null));
        assertNull(ActionCodes.fromWire(D87, null));
    }

    @Test
    void aHostsActionCodeIsReadAsApprovedOrDeclinedOnlyWhereThatIsWhatItSays() {
        assertEquals("00", ActionCodes.fromWire(D93, "000"));
        assertEquals("51", ActionCodes.fromWire(D93, "116"));
        assertEquals("91", ActionCodes.fromWire(D93, "911"), "issuer timed out");
        assertEquals("05", ActionCodes.fromWire(D93, "183"), "another denial");
        assertEquals("04", ActionCodes.fromWire(D93, "210"), "another denial with pick-up");
        assertEquals("91", ActionCodes.fromWire(D93, "999"), "another error");
        // approvals with conditions (002: partial amount) and classes no authorization answer carries: not readable
        for (String unreadable : List.of("001", "002", "006", "099", "300", "400", "600", "700", "00", "0000", "0A0", " 00", "")) {
            assertNull(ActionCodes.fromWire(D93, unreadable), "'" + unreadable + "'");
        }
    }
}
