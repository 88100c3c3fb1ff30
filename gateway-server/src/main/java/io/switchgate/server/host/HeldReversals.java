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
 *
 * <p>A held undo (the 0420 of a void or reversal, held while its 0400 was at the host): if the journal shows its
 * transaction undone by the terminal's request (the host answered it), it is dropped. If the journal shows it undone
 * by an earlier start ({@code UNDONE_AT_HOST_ON_RESTART}: that start was killed before it released the 0420), it is
 * released. If the transaction is still approved, the hold goes to {@code undoneHere}, by host, and stays held: the
 * gateway undoes the transaction in its own books before it serves, and only then releases it (the host may have
 * undone it: then it does for certain). Released first, a kill between the two left the host undone and the gateway
 * not, with nothing held any more to say so (a re-audit).
 */
final class HeldReversals {
    private static final Logger log = LoggerFactory.getLogger(HeldReversals.class);

    private HeldReversals() {
    }

    private static boolean undoneByAnEarlierStart(TransactionStore store, String rrn) {
        for (TxnRecord c : store.findByOriginalRrn(rrn)) {
            if (io.switchgate.txn.Engine.UNDONE_AT_RESTART.equals(c.reason())) return true;
        }
        return false;
    }

    /** @return how many were released (the rest were dropped) */
    static int settle(HeldReversalStore holds, String node, TransactionStore store, Instant now) {
        return settle(holds, node, store, now, new java.util.HashMap<>());
    }

    /** As above; {@code undoneHere} gets, by host, the held undos to undo here and then release (the class comment). */
    static int settle(HeldReversalStore holds, String node, TransactionStore store, Instant now,
                      java.util.Map<String, java.util.List<SafMessage>> undoneHere) {
        return settle(holds, node, store, now, undoneHere, new java.util.HashMap<>());
    }

    /**
     * As above; {@code lost} gets, by host, the requests released with no record at all whose hold kept the request: the
     * start journals them as answered {@code 91 HOST_ANSWER_LOST} ({@link io.switchgate.route.LostHostAnswer}).
     */
    static int settle(HeldReversalStore holds, String node, TransactionStore store, Instant now,
                      java.util.Map<String, java.util.List<SafMessage>> undoneHere,
                      java.util.Map<String, java.util.List<io.switchgate.route.LostHostAnswer>> lost) {
        int released = 0;
        int dropped = 0;
        for (SafMessage h : holds.held()) {
            TxnRecord t = h.txnRrn() == null ? null : store.findByRrn(h.txnRrn()).orElse(null);
            if (h.isHeldUndo()) {
                boolean stillApproved = t != null && Codes.APPROVED.equals(t.responseCode())
                        && t.status() == io.switchgate.model.TxnStatus.APPROVED;
                if (stillApproved) {
                    undoneHere.computeIfAbsent(h.host(), k -> new java.util.ArrayList<>()).add(h);
                    log.warn("host={} rrn {}: its void or reversal was at the host when this node stopped, and the journal"
                            + " does not show it: it is undone here, then its 0420 released (saf id {})", h.host(),
                            h.txnRrn(), h.id());
                } else if (undoneByAnEarlierStart(store, h.txnRrn())) {
                    if (holds.release(h.id(), now, "GATEWAY_RESTARTED")) released++;
                } else if (holds.drop(h.id(), now, "UNDO_RECORDED")) {
                    dropped++;
                }
                continue;
            }
            boolean recorded = t != null && Codes.APPROVED.equals(t.responseCode()) && h.host().equals(t.host());
            io.switchgate.route.LostHostAnswer request = t == null ? holds.requestOf(h.id()) : null;
            if (recorded) {
                if (holds.drop(h.id(), now, "APPROVAL_RECORDED")) dropped++;
            } else if (request != null) {
                // stays held until the start has journaled the request (HostAuthorizer.lostRecordedAfterRestart): released
                // first, a kill in between left nothing to journal it from, and its retransmission went to the host again
                lost.computeIfAbsent(h.host(), k -> new java.util.ArrayList<>()).add(request);
                log.warn("host={} rrn {}: was at the host when this node stopped, and no answer of it was recorded; it is"
                        + " journaled as 91 HOST_ANSWER_LOST, then its reversal released (saf id {})", h.host(), h.txnRrn(), h.id());
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
