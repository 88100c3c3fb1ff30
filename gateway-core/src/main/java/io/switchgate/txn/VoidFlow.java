package io.switchgate.txn;

import io.switchgate.model.BatchState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Decline;
import io.switchgate.policy.LateOriginalRule;
import io.switchgate.policy.OriginalBusyRule;
import io.switchgate.policy.VoidRules;
import io.switchgate.store.ChangeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A void of a sale in the terminal's open batch (DE 37 names it): undone at its authorizer, taken out of the batch. */
final class VoidFlow implements Flow {
    private static final Logger log = LoggerFactory.getLogger(VoidFlow.class);
    private final FlowSteps steps;

    VoidFlow(FlowSteps steps) {
        this.steps = steps;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        TxnRecord original = ledger.txn(r.msg.getString(37).trim());
        Decline d = LateOriginalRule.check(ledger.reversedBeforeArrival(r.terminal.id(), r.stan(), r.now));
        if (d == null) d = OriginalBusyRule.check(TxnType.VOID, ledger.hostOpKindsOn(original));
        if (d == null && undoneByTheLastStart(ledger, original, r)) {
            // The terminal never heard its void's answer (the gateway was killed with it at the host) and sends it
            // again: the last start has undone the sale here and at the host, so the void is done. Approved, changing
            // nothing; before, 12 ORIGINAL_REVERSED, and the terminal kept the sale in its batch (a re-audit).
            steps.journalUnchanged(r, Verdict.approved(original.authCode()).on(original.rrn(), null).by(original.host(), null));
            return;
        }
        if (d == null) d = VoidRules.check(original, r.terminal.id(), r.terminal.batchNo(), r.amount, r.panHash);
        if (d != null) {
            steps.journalUnchanged(r, Verdict.declined(d).on(original == null ? null : original.rrn(), null));
            return;
        }
        ChangeSet cs = new ChangeSet();
        steps.undo(r, original, cs, auth -> {
            if (!auth.approved()) {
                steps.journal(r, cs, Verdict.declined(auth).on(original.rrn(), null).by(original.host(), null));
                return;
            }
            TxnRecord sale = ledger.txn(original.rrn());
            if (r.answeredLater) {
                Decline stale = VoidRules.check(sale, r.terminal.id(), r.terminal.batchNo(), r.amount, r.panHash);
                if (stale != null) {
                    // Only another node can have changed the sale meanwhile (this one refuses operations on a busy
                    // sale); the host has undone it, and a repeated void finds nothing to undo there (25 = done).
                    log.warn("terminal {} stan {}: host undid rrn {} but the void no longer holds ({}); declined",
                            r.terminal.id(), r.stan(), original.rrn(), stale.reason());
                    steps.journal(r, cs, Verdict.declined(stale).on(original.rrn(), null).by(original.host(), null));
                    return;
                }
            }
            TxnRecord voided = sale.withStatus(TxnStatus.VOIDED, r.now);
            ledger.put(voided);
            BatchState batch = ledger.openBatch(r.terminal, r.now).minusSale(original.amount());
            ledger.put(batch);
            cs.txn(voided).batch(batch);
            // An approved 0210 carries an authorization code (DE 38): the authorizer's for the void if it gave one (a
            // host may), else the sale's own, the approval the void takes back.
            String authCode = auth.authCode() != null ? auth.authCode() : original.authCode();
            steps.journal(r, cs, Verdict.approved(authCode).on(original.rrn(), null).by(original.host(), auth.balance()));
        });
    }

    /** The sale this void names (same terminal, amount and card) was undone by a start ({@link Engine#undoAfterRestart}). */
    private static boolean undoneByTheLastStart(EngineState ledger, TxnRecord original, Request r) {
        if (original == null || original.status() != TxnStatus.REVERSED || original.type() != TxnType.SALE
                || !r.terminal.id().equals(original.terminalId()) || original.amount() != r.amount
                || (r.panHash != null && !r.panHash.equals(original.panHash()))) {
            return false;
        }
        for (TxnRecord c : ledger.childrenOf(original.rrn())) {
            if (Engine.UNDONE_AT_RESTART.equals(c.reason())) return true;
        }
        return false;
    }
}
