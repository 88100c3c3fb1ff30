package io.switchgate.server.admin;

import io.switchgate.model.BatchState;
import io.switchgate.model.MerchantState;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.switchgate.server.admin.Json.obj;
import static io.switchgate.server.admin.Json.time;

/**
 * What the admin API shows of the store's records. Only fields that are safe to show: the PAN as the stored
 * first 6 + last 4, keys as their check values; never the PAN hash, fingerprint, key material or PIN data.
 */
final class Views {
    private Views() {
    }

    static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    /** Approved and still standing (not reversed or voided since). */
    static boolean standing(TxnRecord t) {
        return t.approved() && t.status() == TxnStatus.APPROVED;
    }

    static Map<String, Object> txn(TxnRecord t) {
        return obj("rrn", t.rrn(),
                "type", lower(t.type()),
                "mti", t.mti(),
                "processingCode", t.processingCode(),
                "status", lower(t.status()),
                "amount", t.amount(),
                "refundedAmount", t.refundedAmount(),
                "currency", t.currency(),
                "maskedPan", t.maskedPan(),
                "terminal", t.terminalId(),
                "merchant", t.merchantId(),
                "stan", t.stan(),
                "transmissionTime", t.transmissionTime(),
                "responseCode", t.responseCode(),
                "reason", t.reason(),
                "authCode", t.authCode(),
                "createdAt", time(t.createdAt()),
                "updatedAt", time(t.updatedAt()),
                "originalRrn", t.originalRrn(),
                "originalStan", t.originalStan(),
                "host", t.host(),
                "batchNo", t.batchNo());
    }

    /** A child (refund, reversal, void) as listed under its original. */
    static Map<String, Object> child(TxnRecord t) {
        return obj("rrn", t.rrn(),
                "amount", t.amount(),
                "status", lower(t.status()),
                "responseCode", t.responseCode(),
                "reason", t.reason(),
                "terminal", t.terminalId(),
                "stan", t.stan(),
                "createdAt", time(t.createdAt()));
    }

    static Map<String, Object> refund(TxnRecord t) {
        return obj("rrn", t.rrn(),
                "originalRrn", t.originalRrn(),
                "amount", t.amount(),
                "currency", t.currency(),
                "status", lower(t.status()),
                "responseCode", t.responseCode(),
                "reason", t.reason(),
                "createdAt", time(t.createdAt()),
                "terminal", t.terminalId(),
                "stan", t.stan(),
                "maskedPan", t.maskedPan());
    }

    static Map<String, Object> batch(BatchState b) {
        return obj("batchNo", b.batchNo(),
                "open", b.open(),
                "openedAt", time(b.openedAt()),
                "closedAt", time(b.closedAt()),
                "saleCount", b.saleCount(),
                "saleAmount", b.saleAmount(),
                "refundCount", b.refundCount(),
                "refundAmount", b.refundAmount());
    }

    /** The terminal's open batch totals; {@code unsettled} when it holds any sale or refund not yet settled. */
    static Map<String, Object> openBatch(TerminalState t, BatchState b) {
        int sc = b == null ? 0 : b.saleCount();
        int rc = b == null ? 0 : b.refundCount();
        return obj("batchNo", t.batchNo(),
                "openedAt", b == null ? null : time(b.openedAt()),
                "saleCount", sc,
                "saleAmount", b == null ? 0L : b.saleAmount(),
                "refundCount", rc,
                "refundAmount", b == null ? 0L : b.refundAmount(),
                "unsettled", sc > 0 || rc > 0);
    }

    static Map<String, Object> terminalSummary(TerminalState t) {
        return obj("id", t.id(),
                "merchant", t.merchantId(),
                "status", t.status().wireName(),
                "macRequired", t.macRequired(),
                "activatedAt", time(t.activatedAt()),
                "updatedAt", time(t.updatedAt()),
                "batchNo", t.batchNo());
    }

    static Map<String, Object> terminal(TerminalState t, BatchState open, List<StatusEvent> history) {
        Map<String, Object> m = terminalSummary(t);
        m.put("keys", obj("tmk", kcv(t.tmk()), "tpk", kcv(t.tpk()), "tak", kcv(t.tak()), "bdk", kcv(t.bdk())));
        m.put("openBatch", openBatch(t, open));
        m.put("history", history(history));
        return m;
    }

    static Map<String, Object> merchant(MerchantState m, List<String> terminals, List<StatusEvent> history) {
        Map<String, Object> v = obj("id", m.id(),
                "status", m.status().wireName(),
                "refund", obj("windowDays", m.refundWindowDays(), "maxSingleAmount", limit(m.maxSingleRefund()),
                        "dailyAmountLimit", limit(m.dailyRefundLimit())),
                "currencies", m.currencies(),
                "updatedAt", time(m.updatedAt()));
        if (terminals != null) v.put("terminals", terminals);
        if (history != null) v.put("history", history(history));
        return v;
    }

    /** A refund limit as shown: null when there is none (0, or a value stored before 0 meant "none"). */
    static Long limit(long v) {
        return v <= 0 || v == Long.MAX_VALUE ? null : v;
    }

    static List<Map<String, Object>> history(List<StatusEvent> events) {
        List<Map<String, Object>> out = new ArrayList<>(events.size());
        for (StatusEvent e : events) {
            out.add(obj("from", e.fromStatus(), "to", e.toStatus(), "reason", e.reason(), "at", time(e.at())));
        }
        return out;
    }

    /**
     * The check value of a stored key ({@code kcv:XXXXXX:<cryptogram>}): the only thing about a key ever shown.
     * Null when there is no key; "present" when the stored form carries no check value.
     */
    static String kcv(String stored) {
        if (stored == null || stored.isEmpty()) return null;
        if (stored.startsWith("kcv:")) {
            int end = stored.indexOf(':', 4);
            if (end > 4) return stored.substring(4, end);
        }
        return "present";
    }
}
