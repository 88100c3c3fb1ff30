package io.switchgate.txn;

/** A balance inquiry: the authorizer's answer, journaled as it is; nothing changes. */
final class BalanceFlow implements Flow {
    private final FlowSteps steps;

    BalanceFlow(FlowSteps steps) {
        this.steps = steps;
    }

    @Override
    public void decide(Request r, EngineState ledger) {
        steps.authorize(r, steps.route(r), null, (auth, cs, host) -> {
            if (io.switchgate.route.EmbeddedAuthorizer.isUpstreamHost(host) && auth.balance() != null && r.assignedRrn() != null) {
                ledger.hostBalances().answered(r.assignedRrn(), auth.balance());
            }
            steps.journal(r, cs, Verdict.answered(auth).by(host, auth.balance()));
        });
    }
}
