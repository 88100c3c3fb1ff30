package io.switchgate.server.host;

import io.switchgate.model.TxnRecord;
import io.switchgate.saf.SafMessage;
import io.switchgate.policy.Codes;
import io.switchgate.store.TransactionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * At a node's start, before its SAF sender runs: the reversals it held for requests it had at a host when it
 * stopped (a kill while the host decided). A request whose approval the journal holds keeps it: its held reversal is
 * dropped. Any other (no record: the host's answer never reached the journal; or a record that is not an approval)
 * may have left money at the host that the gateway never recorded: its reversal is released and sent, so the host
 * undoes whatever it approved, once (a host with nothing to reverse answers so).
 */
final class HeldReversals {
    private static final Logger log = LoggerFactory.getLogger(HeldReversals.class);

    private HeldReversals() {
    }

    /** @return how many were released (the rest were dropped) */
    static int settle(HeldReversalStore holds, String node, TransactionStore store, Instant now) {
        int released = 0;
        int dropped = 0;
        for (SafMessage h : holds.held()) {
            TxnRecord t = h.txnRrn() == null ? null : store.findByRrn(h.txnRrn()).orElse(null);
            boolean recorded = t != null && Codes.APPROVED.equals(t.responseCode()) && h.host().equals(t.host());
            if (recorded) {
                if (holds.drop(h.id(), now, "APPROVAL_RECORDED")) dropped++;
            } else if (holds.release(h.id(), now, "GATEWAY_RESTARTED")) {
                released++;
                log.warn("host={} rrn {}: was at the host when this node stopped, and no approval of it was recorded;"
                        + " its reversal is released (saf id {})", h.host(), h.txnRrn(), h.id());
            }
        }
        if (released + dropped > 0) {
            log.info("SAF node={}: {} held reversal(s) of requests at a host when it stopped: {} released, {} dropped"
                    + " (their approval recorded)", node, released + dropped, released, dropped);
        }
        return released;
    }
}
