package io.switchgate.txn;

import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.policy.Codes;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SignOnKeys;
import io.switchgate.store.ChangeSet;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sign-on (0800, DE 70 = 001): a terminal with a TMK is issued a new TPK and TAK under it, journaled (with its RRN)
 * together with the key change; without a TMK it is approved and nothing changes.
 */
final class SignOnFlow implements Flow {
    private final FlowSteps steps;
    private final SecurityModule security;
    /** The terminal's stored keys as key handles (each imported once per key value, the engine's cache). */
    private final TerminalKeys keys;
    /** Each terminal's last sign-on that issued keys, for its retransmission (engine thread only; memory only). */
    private final Map<String, LastSignOn> last = new HashMap<>();

    /**
     * A sign-on that issued keys: the request it answered (DE 11, DE 7), the TAK its request was checked under (null:
     * none), the TAK it issued, its journal record and DE 48.
     */
    private record LastSignOn(String stan, String de7, String checkedUnder, String issued, TxnRecord record, String de48) {
    }

    SignOnFlow(FlowSteps steps, SecurityModule security, TerminalKeys keys) {
        this.steps = steps;
        this.security = security;
        this.keys = keys;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        TerminalState t = r.terminal;
        if (t.tmk() == null) {
            steps.network(r); // nothing to issue: approved, and its retransmission hears the same answer
            return;
        }
        SignOnKeys.Issued issued = SignOnKeys.issue(security, keys.key(KeyType.TMK, t.tmk()));
        TerminalState updated = t.withWorkingKeys(issued.tpk().toStoredForm(), issued.tak().toStoredForm(), r.now);
        ledger.put(updated);
        ChangeSet cs = new ChangeSet().terminal(updated)
                .event(new StatusEvent("terminal", t.id(), t.status().wireName(), t.status().wireName(),
                        "KEYS_ISSUED tpk=" + issued.tpk().kcv() + " tak=" + issued.tak().kcv(), r.now));
        TxnRecord rec = steps.screenedRecord(r, Codes.APPROVED, null);
        ledger.put(rec);
        cs.txn(rec);
        if (t.bdk() == null) {
            last.put(t.id(), new LastSignOn(r.stan(), r.msg.getString(7), t.tak(), updated.tak(), rec, issued.de48()));
        }
        steps.commitAndReply(r, new Outcome(Codes.APPROVED, null, rec.authCode(), rec, null, issued.de48()), cs, rec.rrn());
    }

    /**
     * Answers a retransmission of the terminal's last sign-on (contract section 5: the same response again, same DE 37,
     * 38, 39, and here the same DE 48) and returns true; false if {@code r} is none. A terminal that lost the 0810 sends
     * the same 0800 again, MACed under the TAK it still has, the one that sign-on replaced: checked under the keys the
     * gateway now holds it would be answered 63, MACed under a TAK the terminal never got, and the terminal would be
     * locked out until an operator reset its keys (found by a black-box audit). It is one only if its DE 11 and DE 7 are
     * that sign-on's, its MAC verifies under the TAK that sign-on's request was checked with (none needed if it had
     * none), and the keys that sign-on issued are still the terminal's (a failed commit, a key reset or a later
     * sign-on end it). The answer is MACed as the first one was. Kept in memory: after a restart, or on another node,
     * the retransmission is checked as a new request.
     */
    boolean replayed(Request r) {
        TerminalState t = r.terminal;
        LastSignOn l = last.get(t.id());
        if (l == null || !l.stan().equals(r.stan()) || !Objects.equals(l.de7(), r.msg.getString(7))
                || !Objects.equals(t.tak(), l.issued())) {
            return false;
        }
        KeyHandle checkedUnder;
        try {
            checkedUnder = keys.key(KeyType.TAK, l.checkedUnder());
        } catch (RuntimeException e) {
            return false;
        }
        if (checkedUnder != null && !Boolean.TRUE.equals(MessageMac.verify(r.raw, r.msg, checkedUnder, security))) return false;
        r.macKey = checkedUnder;
        r.responseMacKey = checkedUnder;
        steps.replay(r, l.record(), l.de48());
        return true;
    }
}
