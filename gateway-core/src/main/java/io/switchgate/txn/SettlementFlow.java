package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.BatchState;
import io.switchgate.model.TerminalState;
import io.switchgate.policy.Decline;
import io.switchgate.policy.SettlementRule;
import io.switchgate.store.ChangeSet;
import java.util.List;

/**
 * A settlement (0500): the terminal's totals against the open batch's; when they agree the batch is closed and the
 * next one opened, else 95 with the gateway's totals in the response.
 */
final class SettlementFlow implements Flow {
    private final FlowSteps steps;

    SettlementFlow(FlowSteps steps) {
        this.steps = steps;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        // a decision taken again after a lost race starts clean: the lost one's closed batch answered a 95 with the
        // terminal's own totals (a black-box audit of two nodes)
        r.settledBatch = null;
        r.openBatchForResponse = null;
        List<Request> undoing = ledger.undoesAtHost(r.terminal.id());
        if (!undoing.isEmpty()) {
            // the batch it would close may still lose a sale: decided once the host has answered them
            steps.decideAfter(undoing, r);
            return;
        }
        IsoMessage m = r.msg;
        BatchState batch = ledger.openBatch(r.terminal, r.now);
        Decline d = SettlementRule.check(batch, FormatCheck.parseAmount(m.getString(74)), FormatCheck.parseAmount(m.getString(76)),
                FormatCheck.parseAmount(m.getString(86)), FormatCheck.parseAmount(m.getString(88)));
        ChangeSet cs = new ChangeSet();
        r.openBatchForResponse = batch;
        if (d != null) {
            steps.journal(r, cs, Verdict.declined(d));
            return;
        }
        BatchState closed = batch.closed(r.now);
        TerminalState next = r.terminal.withBatchNo(r.terminal.batchNo() + 1, r.now);
        ledger.put(next);
        ledger.put(BatchState.open(next.id(), next.batchNo(), r.now));
        ledger.settled(closed);
        cs.batch(closed).terminal(next);
        r.settledBatch = closed;
        steps.journal(r, cs, Verdict.approved(null));
    }
}
