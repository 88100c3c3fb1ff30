package io.switchgate.txn;

import io.switchgate.model.BatchState;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.policy.ReversalRules;
import io.switchgate.store.ChangeSet;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * A reversal (0400/0420) of the terminal's request named by the STAN in DE 90 (or its own DE 11): undone at its
 * authorizer, once, and only in the open batch; its effect on the sale's refundable amount, the batch and the
 * merchant's day taken back. A reversal of a request still at a host waits for that host's answer.
 */
final class ReversalFlow implements Flow {
    private final FlowSteps steps;
    private final ZoneId zone;

    ReversalFlow(FlowSteps steps, ZoneId zone) {
        this.steps = steps;
        this.zone = zone;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        OriginalNamed named = OriginalNamed.of(r.msg);
        String originalStan = named.stan();
        String originalDe7 = named.de7();
        Request stillAtHost = ledger.atHostByStan(r.terminal.id(), originalStan);
        if (stillAtHost != null) {
            // The terminal gave up on a request the host has not answered yet: reverse it once it is answered
            // (and journaled), rather than record "no original" and let a late approval stand.
            steps.decideAfter(List.of(stillAtHost), r);
            return;
        }
        TxnRecord original = ledger.reversalTarget(r.terminal.id(), originalStan, originalDe7,
                r.msg.hasField(4) ? r.amount : -1, r.reversalCandidates, r.msg.getString(7), r.now);
        r.reversalCandidates = null;
        if (original != null) {
            List<Request> busy = ledger.hostOpsOn(original.rrn());
            if (!busy.isEmpty()) {
                // A refund, void or reversal of it is at a host: decide this reversal after they end, never alongside.
                steps.decideAfter(busy, r);
                return;
            }
        }
        long refunds = 0;
        if (original != null && original.type() == TxnType.SALE) {
            for (TxnRecord c : ledger.childrenOf(original.rrn())) {
                if (c.type() == TxnType.REFUND && c.approved() && c.status() == TxnStatus.APPROVED) refunds += c.amount();
            }
        }
        // The original is this terminal's (found by its terminal and STAN): only in its open batch is it reversed.
        ReversalRules.Verdict v = ReversalRules.check(original, r.msg.hasField(4) ? r.amount : -1, refunds, r.terminal.batchNo());
        if (v.action() == ReversalRules.Action.UNDO && original.type() == TxnType.VOID) {
            TxnRecord sale = ledger.txn(original.originalRrn());
            if (sale != null && sale.status() == TxnStatus.REVERSED) {
                // The terminal reversed the sale after voiding it (see below): the sale is gone for good, and undoing
                // its void now would charge the card again behind a reversal the terminal was told was done.
                steps.journalUnchanged(r, Verdict.approved(original.authCode()).on(original.rrn(), originalStan).by(original.host(), null));
                return;
            }
        }
        if (v.action() == ReversalRules.Action.UNDO && original.type() == TxnType.VOID && io.switchgate.route.EmbeddedAuthorizer.isUpstreamHost(original.host())) {
            // A host took the void as a reversal of the sale, and a reversal cannot be undone there: bringing the sale
            // back here alone would leave it reversed at the host and refundable here (a black-box audit paid out a
            // refund of a sale the host had reversed). The void stands.
            steps.journalUnchanged(r, Verdict.declined(Codes.INVALID_TRANSACTION, "VOID_FINAL_AT_HOST").on(original.rrn(), originalStan));
            return;
        }
        switch (v.action()) {
            case DECLINE -> steps.journal(r, new ChangeSet().reversalNamedDe7(original == null ? originalDe7 : null),
                    Verdict.declined(v.decline()).on(original == null ? null : original.rrn(), originalStan));
            case NOTHING_TO_UNDO -> {
                Verdict done = Verdict.approved(original.authCode()).on(original.rrn(), originalStan).by(original.host(), null);
                if (original.type() == TxnType.SALE && original.status() == TxnStatus.VOIDED) {
                    // The void gave the money back already, so nothing moves; but the sale is now reversed as well as
                    // voided, and stays gone if the void is reversed later (a black-box audit: the void's reversal
                    // brought the sale back and charged the card again, after this reversal had been answered 00).
                    TxnRecord reversed = original.withStatus(TxnStatus.REVERSED, r.now);
                    ledger.put(reversed);
                    steps.journal(r, new ChangeSet().txn(reversed), done);
                } else {
                    steps.journalUnchanged(r, done);
                }
            }
            case UNDO -> {
                ChangeSet cs = new ChangeSet();
                steps.undo(r, original, cs, auth -> {
                    if (!auth.approved()) {
                        steps.journal(r, cs, Verdict.declined(auth).on(original.rrn(), originalStan).by(original.host(), null));
                        return;
                    }
                    undone(ledger, ledger.txn(original.rrn()), cs, r.now);
                    steps.journal(r, cs, Verdict.approved(original.authCode()).on(original.rrn(), originalStan).by(original.host(), null));
                });
            }
        }
    }

    /** Takes an approved request's effect back out of the refundable amount, the batch and the day total. */
    void undone(EngineState ledger, TxnRecord original, ChangeSet cs, Instant now) {
        TxnRecord reversed = original.withStatus(TxnStatus.REVERSED, now);
        ledger.put(reversed);
        cs.txn(reversed);
        TerminalState t = ledger.terminal(original.terminalId());
        switch (original.type()) {
            case SALE -> {
                BatchState b = ledger.openBatchIfCurrent(t, original.batchNo(), now);
                if (b != null) {
                    b = b.minusSale(original.amount());
                    ledger.put(b);
                    cs.batch(b);
                }
            }
            case REFUND -> {
                TxnRecord sale = ledger.txn(original.originalRrn());
                if (sale != null) {
                    TxnRecord restored = sale.withRefundedAmount(sale.refundedAmount() - original.amount(), now);
                    ledger.put(restored);
                    cs.txn(restored);
                }
                BatchState b = ledger.openBatchIfCurrent(t, original.batchNo(), now);
                if (b != null) {
                    b = b.minusRefund(original.amount());
                    ledger.put(b);
                    cs.batch(b);
                }
                MerchantDayTotal day = ledger.dayTotal(original.merchantId(), LocalDate.ofInstant(original.createdAt(), zone))
                        .plus(-original.amount());
                ledger.put(day);
                cs.dayTotal(day);
            }
            case VOID -> {
                TxnRecord sale = ledger.txn(original.originalRrn());
                if (sale != null) {
                    TxnRecord again = sale.withStatus(TxnStatus.APPROVED, now);
                    ledger.put(again);
                    cs.txn(again);
                    BatchState b = ledger.openBatchIfCurrent(t, sale.batchNo(), now);
                    if (b != null) {
                        b = b.plusSale(sale.amount());
                        ledger.put(b);
                        cs.batch(b);
                    }
                }
            }
            default -> { }
        }
    }
}
