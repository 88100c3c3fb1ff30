package io.switchgate.policy;

import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnType;

/**
 * Only active terminals transact. A registered terminal may make a sale (its first approved sale
 * activates it) and sign on to get its keys. Suspended and returned terminals are refused with 58,
 * except what only undoes or reconciles money: reversals, and settlement of the open batch.
 */
public final class TerminalRule {

    private TerminalRule() {
    }

    public static Decline check(TerminalState terminal, TxnType type) {
        if (terminal == null) return Decline.of(Codes.NOT_PERMITTED_TO_TERMINAL, "UNKNOWN_TERMINAL");
        switch (terminal.status()) {
            case ACTIVE:
                return null;
            case REGISTERED:
                if (type == TxnType.SALE || type == TxnType.SIGNON || type == TxnType.ECHO || type == TxnType.REVERSAL) return null;
                return Decline.of(Codes.NOT_PERMITTED_TO_TERMINAL, "TERMINAL_NOT_ACTIVATED");
            case SUSPENDED:
                if (type == TxnType.REVERSAL || type == TxnType.SETTLEMENT || type == TxnType.ECHO) return null;
                return Decline.of(Codes.NOT_PERMITTED_TO_TERMINAL, "TERMINAL_SUSPENDED");
            case RETURNED:
                if (type == TxnType.REVERSAL || type == TxnType.SETTLEMENT || type == TxnType.ECHO) return null;
                return Decline.of(Codes.NOT_PERMITTED_TO_TERMINAL, "TERMINAL_RETURNED");
            default:
                return Decline.of(Codes.NOT_PERMITTED_TO_TERMINAL, "TERMINAL_NOT_ACTIVE");
        }
    }
}
