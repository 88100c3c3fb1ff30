package io.switchgate.server.admin;

import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalStatus;

/**
 * The status changes an operator may make (the engine itself only activates a registered terminal on its
 * first approved sale). Returns null when allowed, else the reason token for the 400 answer.
 *
 * <pre>
 * terminal: registered -> active | suspended | returned
 *           active     -> suspended | returned
 *           suspended  -> active | returned
 *           returned   -> (final)
 *           anything   -> registered: never
 * merchant: active <-> frozen, active | frozen -> closed, closed -> (final)
 * </pre>
 * Setting the status a subject already has is not a change: allowed, and nothing is recorded.
 */
final class Lifecycle {
    private Lifecycle() {
    }

    static String terminal(TerminalStatus from, TerminalStatus to) {
        if (from == to) return null;
        if (from == TerminalStatus.RETURNED) return "TERMINAL_RETURNED_IS_FINAL";
        if (to == TerminalStatus.REGISTERED) return "CANNOT_RETURN_TO_REGISTERED";
        return null;
    }

    static String merchant(MerchantStatus from, MerchantStatus to) {
        if (from == to) return null;
        if (from == MerchantStatus.CLOSED) return "MERCHANT_CLOSED_IS_FINAL";
        return null;
    }
}
