package io.switchgate.policy;

import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import static io.switchgate.policy.RuleFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TerminalRuleTest {

    /** The whole matrix: every status x every request type. Empty code = passes. */
    @ParameterizedTest(name = "{0} x {1} -> {2} {3}")
    @CsvSource({
            // active: everything
            "ACTIVE,     SALE,       ,   ",
            "ACTIVE,     BALANCE,    ,   ",
            "ACTIVE,     REFUND,     ,   ",
            "ACTIVE,     VOID,       ,   ",
            "ACTIVE,     REVERSAL,   ,   ",
            "ACTIVE,     SETTLEMENT, ,   ",
            "ACTIVE,     ECHO,       ,   ",
            "ACTIVE,     SIGNON,     ,   ",
            // registered: a sale (its first approved one activates it), sign-on, echo, and reversal of that sale
            "REGISTERED, SALE,       ,   ",
            "REGISTERED, BALANCE,    58, TERMINAL_NOT_ACTIVATED",
            "REGISTERED, REFUND,     58, TERMINAL_NOT_ACTIVATED",
            "REGISTERED, VOID,       58, TERMINAL_NOT_ACTIVATED",
            "REGISTERED, REVERSAL,   ,   ",
            "REGISTERED, SETTLEMENT, 58, TERMINAL_NOT_ACTIVATED",
            "REGISTERED, ECHO,       ,   ",
            "REGISTERED, SIGNON,     ,   ",
            // suspended: 58 for all but reversal and echo
            "SUSPENDED,  SALE,       58, TERMINAL_SUSPENDED",
            "SUSPENDED,  BALANCE,    58, TERMINAL_SUSPENDED",
            "SUSPENDED,  REFUND,     58, TERMINAL_SUSPENDED",
            "SUSPENDED,  VOID,       58, TERMINAL_SUSPENDED",
            "SUSPENDED,  REVERSAL,   ,   ",
            "SUSPENDED,  SETTLEMENT, ,   ",
            "SUSPENDED,  ECHO,       ,   ",
            "SUSPENDED,  SIGNON,     58, TERMINAL_SUSPENDED",
            // returned: 58 for all but reversal, settlement and echo
            "RETURNED,   SALE,       58, TERMINAL_RETURNED",
            "RETURNED,   BALANCE,    58, TERMINAL_RETURNED",
            "RETURNED,   REFUND,     58, TERMINAL_RETURNED",
            "RETURNED,   VOID,       58, TERMINAL_RETURNED",
            "RETURNED,   REVERSAL,   ,   ",
            "RETURNED,   SETTLEMENT, ,   ",
            "RETURNED,   ECHO,       ,   ",
            "RETURNED,   SIGNON,     58, TERMINAL_RETURNED",
    })
    void matrix(TerminalStatus status, TxnType type, String code, String reason) {
        assertOutcome(TerminalRule.check(terminal(status), type), code, reason);
    }

    @Test
    void matrixCoversEveryStatusAndType() throws Exception {
        // Guards the table above against a new enum constant slipping through untested.
        var src = TerminalRuleTest.class.getDeclaredMethod("matrix", TerminalStatus.class, TxnType.class, String.class, String.class)
                .getAnnotation(CsvSource.class).value();
        Set<String> seen = new HashSet<>();
        for (String row : src) {
            String[] p = row.split(",");
            seen.add(p[0].trim() + "/" + p[1].trim());
        }
        for (TerminalStatus s : TerminalStatus.values())
            for (TxnType t : TxnType.values()) assertEquals(true, seen.contains(s + "/" + t), "missing row " + s + " x " + t);
    }

    @ParameterizedTest
    @EnumSource(TxnType.class)
    void unknownTerminalIsRefusedFor(TxnType type) {
        assertDecline(TerminalRule.check(null, type), "58", "UNKNOWN_TERMINAL");
    }

    @ParameterizedTest
    @EnumSource(value = TerminalStatus.class, names = {"SUSPENDED", "RETURNED"})
    void moneyMovingRequestsOfSuspendedAndReturnedGet58(TerminalStatus status) {
        for (TxnType t : EnumSet.of(TxnType.SALE, TxnType.BALANCE, TxnType.REFUND, TxnType.VOID)) {
            assertEquals("58", TerminalRule.check(terminal(status), t).code(), status + " " + t);
        }
    }

    @Test
    void suspendedTerminalMaySettleItsOpenBatchLikeAReturnedOne() {
        assertEquals(TerminalRule.check(terminal(TerminalStatus.RETURNED), TxnType.SETTLEMENT),
                TerminalRule.check(terminal(TerminalStatus.SUSPENDED), TxnType.SETTLEMENT));
    }
}
