package io.switchgate.txn;

import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.store.ChangeSet;

import java.time.Instant;

/**
 * An operator's changes through the admin API, made on the engine thread like any request (so they cannot race one):
 * each puts the new terminal or merchant into the working set and returns it with the change set to journal, an
 * audit-trail event included. Null when there is no such terminal or merchant.
 */
final class OperatorChanges {
    /** The changed terminal or merchant, and what journals it. */
    record Change<T>(T updated, ChangeSet changes) { }

    private OperatorChanges() {
    }

    static Change<TerminalState> terminalStatus(EngineState state, String id, TerminalStatus status, String reason, Instant now) {
        TerminalState t = state.terminal(id);
        if (t == null) return null;
        TerminalState updated = t.withStatus(status, now);
        state.put(updated);
        ChangeSet cs = new ChangeSet().terminal(updated)
                .event(new StatusEvent("terminal", id, t.status().wireName(), status.wireName(), reason, now));
        return new Change<>(updated, cs);
    }

    /**
     * The terminal keeps its TMK and loses its TPK and TAK. Its audit trail gets an event whose status stays the same
     * and whose reason starts {@code KEYS_RESET} (64 characters at most, the column's width).
     */
    static Change<TerminalState> resetKeys(EngineState state, String id, String reason, Instant now) {
        TerminalState t = state.terminal(id);
        if (t == null) return null;
        TerminalState updated = t.withoutWorkingKeys(now);
        state.put(updated);
        String why = reason == null || reason.isBlank() ? "KEYS_RESET" : "KEYS_RESET: " + reason;
        ChangeSet cs = new ChangeSet().terminal(updated)
                .event(new StatusEvent("terminal", id, t.status().wireName(), t.status().wireName(),
                        why.length() > 64 ? why.substring(0, 64) : why, now));
        return new Change<>(updated, cs);
    }

    static Change<MerchantState> merchantStatus(EngineState state, String id, MerchantStatus status, String reason, Instant now) {
        MerchantState m = state.merchant(id);
        if (m == null) return null;
        MerchantState updated = m.withStatus(status, now);
        state.put(updated);
        ChangeSet cs = new ChangeSet().merchant(updated)
                .event(new StatusEvent("merchant", id, m.status().wireName(), status.wireName(), reason, now));
        return new Change<>(updated, cs);
    }
}
