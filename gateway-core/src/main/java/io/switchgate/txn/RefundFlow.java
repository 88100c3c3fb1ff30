package io.switchgate.txn;

import io.switchgate.model.BatchState;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Decline;
import io.switchgate.policy.LateOriginalRule;
import io.switchgate.policy.OriginalBusyRule;
import io.switchgate.policy.RefundCheck;
import io.switchgate.policy.RefundRules;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * A refund of a sale (DE 37 names it): the refund rules, then the sale's authorizer; its amount is held against the
 * sale and the merchant's day while a host decides, so concurrent refunds never exceed what is left.
 */
final class RefundFlow implements Flow {
    private final FlowSteps steps;
    private final ZoneId zone;

    RefundFlow(FlowSteps steps, ZoneId zone) {
        this.steps = steps;
        this.zone = zone;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        TxnRecord original = ledger.txn(r.msg.getString(37).trim());
        MerchantState merchant = ledger.merchant(r.terminal.merchantId());
        LocalDate today = LocalDate.ofInstant(r.now, zone);
        Decline d = LateOriginalRule.check(ledger.reversedBeforeArrival(r.terminal.id(), r.stan(), r.now));
        if (d == null) d = OriginalBusyRule.check(TxnType.REFUND, ledger.hostOpKindsOn(original));
        if (d == null) d = rules(r, ledger, original, merchant, today, true);
        if (d != null) {
            steps.journalUnchanged(r, Verdict.declined(d).on(original == null ? null : original.rrn(), null));
            return;
        }
        // Reserve the amount while the authorizer decides (a host answers later; others may ask meanwhile).
        String saleRrn = original.rrn();
        ledger.reserveRefund(saleRrn, merchant.id(), today, r.amount);
        steps.authorize(r, original.host(), saleRrn, (auth, cs, host) -> {
            ledger.releaseRefund(saleRrn, merchant.id(), today, r.amount);
            if (!auth.approved()) {
                steps.journal(r, cs, Verdict.declined(auth).on(saleRrn, null).by(host, auth.balance()));
                return;
            }
            if (r.answeredLater) {
                // The host answered after other requests ran: decide again on the sale as it is now. An approval that
                // no longer holds is declined, and the host's approval gets a stored reversal (see Replies.release).
                Decline stale = rules(r, ledger, ledger.txn(saleRrn), ledger.merchant(merchant.id()), today, false);
                if (stale != null) {
                    steps.journal(r, cs, Verdict.declined(stale).on(saleRrn, null).by(host, null));
                    return;
                }
            }
            TxnRecord sale = ledger.txn(saleRrn);
            TxnRecord refunded = sale.withRefundedAmount(sale.refundedAmount() + r.amount, r.now);
            ledger.put(refunded);
            MerchantDayTotal newDay = ledger.dayTotal(merchant.id(), today).plus(r.amount);
            ledger.put(newDay);
            BatchState batch = ledger.openBatch(r.terminal, r.now).plusRefund(r.amount);
            ledger.put(batch);
            cs.txn(refunded).dayTotal(newDay).batch(batch);
            steps.journal(r, cs, Verdict.approved(auth.authCode()).on(saleRrn, null).by(host, auth.balance()));
        });
    }

    /**
     * The refund rules against the sale, its earlier refunds, the merchant's day, and what is held for a host.
     *
     * @param beforeTheHost the first decision: a refund of the same amount still at the host makes this one a suspected
     *                      duplicate. Not once the host has answered this one: a later one of that amount was refused
     *                      by this very check, so what is in flight then is not this refund's duplicate.
     */
    private static Decline rules(Request r, EngineState ledger, TxnRecord original, MerchantState merchant, LocalDate today,
                                 boolean beforeTheHost) {
        MerchantDayTotal day = ledger.dayTotal(merchant.id(), today);
        List<TxnRecord> prior = original == null ? List.of()
                : ledger.childrenOf(original.rrn()).stream().filter(t -> t.type() == TxnType.REFUND).toList();
        long saleInFlight = original == null ? 0 : ledger.refundsReserved(original.rrn());
        long dayInFlight = ledger.dayRefundsReserved(merchant.id(), today);
        List<Long> sameSaleAtHost = List.of(); // nearly always: nothing of the sale at a host, nothing allocated
        if (beforeTheHost && original != null) {
            for (Request op : ledger.hostOpsOn(original.rrn())) {
                if (op == r || op.type != TxnType.REFUND) continue;
                if (sameSaleAtHost.isEmpty()) sameSaleAtHost = new java.util.ArrayList<>(2);
                sameSaleAtHost.add(op.amount);
            }
        }
        return RefundRules.check(new RefundCheck(r.amount, merchant.id(), r.panHash, merchant, original, prior,
                day.refundAmount() + dayInFlight, r.now, saleInFlight, sameSaleAtHost));
    }
}
