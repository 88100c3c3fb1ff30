package io.switchgate.txn;

import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.policy.Codes;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SignOnKeys;
import io.switchgate.store.ChangeSet;

import java.util.function.Function;

/**
 * Sign-on (0800, DE 70 = 001): a terminal with a TMK is issued a new TPK and TAK under it, journaled (with its RRN)
 * together with the key change; without a TMK it is approved and nothing changes.
 */
final class SignOnFlow implements Flow {
    private final FlowSteps steps;
    private final SecurityModule security;
    /** The terminal's TMK as a key handle (imported once per key value by the engine). */
    private final Function<String, KeyHandle> tmk;

    SignOnFlow(FlowSteps steps, SecurityModule security, Function<String, KeyHandle> tmk) {
        this.steps = steps;
        this.security = security;
        this.tmk = tmk;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        TerminalState t = r.terminal;
        if (t.tmk() == null) {
            steps.screened(r, Codes.APPROVED, null);
            return;
        }
        SignOnKeys.Issued issued = SignOnKeys.issue(security, tmk.apply(t.tmk()));
        TerminalState updated = t.withWorkingKeys(issued.tpk().toStoredForm(), issued.tak().toStoredForm(), r.now);
        ledger.put(updated);
        ChangeSet cs = new ChangeSet().terminal(updated)
                .event(new StatusEvent("terminal", t.id(), t.status().wireName(), t.status().wireName(),
                        "KEYS_ISSUED tpk=" + issued.tpk().kcv() + " tak=" + issued.tak().kcv(), r.now));
        TxnRecord rec = steps.screenedRecord(r, Codes.APPROVED, null);
        ledger.put(rec);
        cs.txn(rec);
        steps.commitAndReply(r, new Outcome(Codes.APPROVED, null, rec.authCode(), rec, null, issued.de48()), cs, rec.rrn());
    }
}
