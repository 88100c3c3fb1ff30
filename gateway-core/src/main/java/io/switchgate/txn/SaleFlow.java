package io.switchgate.txn;

import io.switchgate.model.BatchState;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.policy.Codes;
import io.switchgate.policy.Decline;
import io.switchgate.policy.LateOriginalRule;

/** A sale: authorized, then added to the terminal's open batch; a registered terminal's first sale activates it. */
final class SaleFlow implements Flow {
    private final FlowSteps steps;

    SaleFlow(FlowSteps steps) {
        this.steps = steps;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        if (r.amount <= 0) {
            steps.journalUnchanged(r, Verdict.declined(Codes.INVALID_AMOUNT, "INVALID_AMOUNT"));
            return;
        }
        Decline late = LateOriginalRule.check(ledger.reversedBeforeArrival(r.terminal.id(), r.stan(), r.now));
        if (late != null) {
            steps.journalUnchanged(r, Verdict.declined(late));
            return;
        }
        steps.authorize(r, steps.route(r), null, (auth, cs, host) -> {
            if (!auth.approved()) {
                steps.journal(r, cs, Verdict.declined(auth).by(host, auth.balance()));
                return;
            }
            // r.terminal is the terminal as it is now (re-read when a host answered later): the sale goes into the
            // batch open at commit, never into one settled while the host was deciding.
            TerminalState t = r.terminal;
            if (t.status() == TerminalStatus.REGISTERED) {
                TerminalState active = t.withStatus(TerminalStatus.ACTIVE, r.now);
                ledger.put(active);
                cs.terminal(active).event(new StatusEvent("terminal", t.id(), "registered", "active", "ACTIVATED_BY_FIRST_SALE", r.now));
                r.terminal = active;
            }
            BatchState batch = ledger.openBatch(r.terminal, r.now).plusSale(r.amount);
            ledger.put(batch);
            cs.batch(batch);
            steps.journal(r, cs, Verdict.approved(auth.authCode()).by(host, auth.balance()));
        });
    }
}
