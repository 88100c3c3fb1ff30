package io.switchgate.txn;

import io.switchgate.model.TxnRecord;
import io.switchgate.policy.Codes;
import io.switchgate.route.AuthResult;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.SecurityModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * The last step of every request: its response packed (and MACed), a host approval that was not committed reversed
 * first, the listener told (metrics, transaction log), and the answer handed to the transport. Any thread.
 */
final class Replies {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private final SecurityModule security;
    private volatile EngineListener listener = EngineListener.NONE;

    Replies(SecurityModule security) {
        this.security = security;
    }

    void setListener(EngineListener listener) {
        this.listener = listener == null ? EngineListener.NONE : listener;
    }

    /** Packs {@code o} for {@code r} (MACed under {@code tak}) and releases it. */
    void reply(Request r, Outcome o, KeyHandle tak) {
        release(r, o, pack(r, o, tak));
    }

    /** The response bytes; a bare {@code 96 RESPONSE_PACK_FAILED} if they cannot be packed; null if not even that. */
    byte[] pack(Request r, Outcome o, KeyHandle tak) {
        try {
            return ResponseBuilder.build(r, o, tak, security);
        } catch (RuntimeException e) {
            log.error("cannot pack response for terminal {} stan {}: {}", r.terminalId(), r.stan(), e.toString());
            try {
                return ResponseBuilder.build(r, Outcome.of(Codes.SYSTEM_MALFUNCTION, "RESPONSE_PACK_FAILED"), null, security);
            } catch (RuntimeException again) {
                return null;
            }
        }
    }

    /**
     * Hands the answer to the transport. A host approval that was not committed (the commit failed, the decision
     * changed when the answer came back, the engine stopped) first gets its stored reversal: a host is never left
     * holding money the gateway did not record.
     */
    void release(Request r, Outcome o, byte[] bytes) {
        AuthResult uncommitted = r.hostApproval;
        if (uncommitted != null && r.authorizer != null) {
            r.hostApproval = null;
            String why = "NOT_COMMITTED_" + (o.reason() == null ? o.code() : o.reason());
            log.warn("terminal {} stan {} rrn {}: host {} approved, not committed ({}); storing its reversal",
                    r.terminalId(), r.stan(), r.authRequest.rrn(), r.authorizer.name(), why);
            CompletableFuture<Void> stored;
            try {
                stored = r.authorizer.reverseUncommitted(r.authRequest, uncommitted, why);
            } catch (RuntimeException e) {
                stored = CompletableFuture.failedFuture(e);
            }
            stored.whenComplete((v, e) -> {
                if (e != null) log.error("terminal {} stan {}: reversal of an uncommitted host approval failed: {}",
                        r.terminalId(), r.stan(), e.toString());
                answer(r, o, bytes);
            });
            return;
        }
        answer(r, o, bytes);
    }

    /**
     * Tells the listener (metrics, transaction log) of the {@code 30} to a frame that did not parse: no request was
     * built and nothing journaled, but it was answered, and an operator counting answers by DE 39 must see it (a
     * black-box audit found such answers neither counted nor logged).
     */
    void answeredUnparsed(String requestMti, String type, String terminal, String stan, String reason, long startNanos) {
        try {
            listener.answered(requestMti, type == null ? "UNKNOWN" : type, terminal, stan, null, 0, null,
                    Codes.FORMAT_ERROR, reason, System.nanoTime() - startNanos);
        } catch (RuntimeException e) {
            log.warn("engine listener failed: {}", e.toString());
        }
    }

    /**
     * DE 4 as sent, for a request answered before the engine read it (91 GATEWAY_STOPPING, ENGINE_BUSY: logged amount=0
     * while the terminal sent 100, a re-audit); 0 if there is none or it is not digits.
     */
    private static long sentAmount(Request r) {
        String de4 = r.msg.getString(4);
        return de4 != null && !de4.isEmpty() && de4.length() <= 18 && FormatCheck.digits(de4, -1) ? FormatCheck.parseAmount(de4) : 0;
    }

    /** Tells the listener (metrics, transaction log) and completes the request's answer. */
    private void answer(Request r, Outcome o, byte[] bytes) {
        TxnRecord rec = o.record();
        try {
            listener.answered(r.msg.getMti(), r.type == null ? "UNKNOWN" : r.type.name(), r.terminalId(), r.stan(),
                    // the record's amount where there is one: a request refused before its amount was read (a 63, a
                    // 58) logged 0 while the API showed DE 4 (an audit)
                    rec == null ? null : rec.rrn(), rec != null ? rec.amount() : r.amount != 0 ? r.amount : sentAmount(r),
                    r.maskedPan(),
                    o.code(), o.reason(), System.nanoTime() - r.startNanos);
        } catch (RuntimeException e) {
            log.warn("engine listener failed: {}", e.toString());
        }
        r.answer.complete(bytes);
    }
}
