package io.switchgate.txn;

/**
 * The decision for one kind of request (sale, balance inquiry, refund, void, reversal, settlement, sign-on): which
 * rules it applies, what it asks the authorizer, and what it changes in the working set. A flow runs on the engine
 * thread, after the checks every request goes through (format, terminal, keys, MAC, duplicate, status); it ends by
 * handing a {@link Verdict} to {@link FlowSteps#journal}, now or once the authorizer answers.
 */
interface Flow {
    void decide(Request r, EngineState ledger);
}
