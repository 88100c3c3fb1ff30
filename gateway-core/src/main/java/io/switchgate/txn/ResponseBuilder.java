package io.switchgate.txn;

import io.switchgate.iso.ActionCodes;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.BatchState;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.SecurityModule;

/**
 * Builds the packed response: the request's DE 3, 4, 7, 11, 12, 13, 41, 42, 49 echoed as received
 * (never DE 2, 14, 35, 52 or 55), DE 37/38/39/44, DE 54 for a balance, DE 48 for issued keys,
 * settlement totals, and the MAC (X9.19 under the TAK) in DE 64, or DE 128 when a secondary field is present.
 */
final class ResponseBuilder {
    static final int[] ECHOED = {3, 4, 7, 11, 12, 13, 41, 42, 49};
    private static final int[] SETTLEMENT_TOTALS = {74, 76, 86, 88};

    private ResponseBuilder() {
    }

    static byte[] build(Request r, Outcome o, KeyHandle tak, SecurityModule security) {
        IsoMessage resp = r.msg.toResponse(ECHOED);
        if (r.type == TxnType.ECHO || r.type == TxnType.SIGNON) resp.set(70, r.msg.getString(70));
        // DE 37 on every answer: the record's RRN, or the one assigned before the answer went wrong (96)
        String rrn = o.record() != null ? o.record().rrn() : r.assignedRrn();
        if (rrn != null) resp.set(37, rrn);
        boolean approved = Codes.APPROVED.equals(o.code());
        if (approved && o.authCode() != null) resp.set(38, o.authCode());
        resp.set(39, ActionCodes.onWire(r.dialect, resp.getMti(), o.code()));
        if (!approved && o.reason() != null) resp.set(44, o.reason());
        if (o.de48() != null) resp.set(48, o.de48());
        if (r.type == TxnType.BALANCE && approved && o.balance() != null) resp.set(54, additionalAmount(o.balance(), r.msg.getString(49)));
        if (r.type == TxnType.SETTLEMENT) settlementTotals(r, resp, approved);
        if (tak == null) return r.dialect.pack(resp);
        return MessageMac.pack(r.dialect, resp, tak, security);
    }

    /** ISO 8583 additional amounts: account type 10, amount type 02 (available), currency, C/D, 12 digits. */
    static String additionalAmount(long balance, String currency) {
        StringBuilder sb = new StringBuilder(20);
        sb.append("1002").append(currency == null ? "156" : currency).append(balance < 0 ? 'D' : 'C');
        String digits = Long.toString(Math.abs(balance));
        for (int i = digits.length(); i < 12; i++) sb.append('0');
        return sb.append(digits).toString();
    }

    private static void settlementTotals(Request r, IsoMessage resp, boolean approved) {
        BatchState b = r.settledBatch;
        if (b == null && r.terminal != null) {
            // 95: the gateway's own totals of the still-open batch.
            b = r.openBatchForResponse;
        }
        if (b == null) {
            // A retransmission of an approved 0500 answered from its record: the totals it settled are its own (an
            // approval means they were the gateway's), so its answer carries them as the first one did.
            if (approved) for (int f : SETTLEMENT_TOTALS) if (r.msg.hasField(f)) resp.set(f, r.msg.getString(f));
            return;
        }
        resp.set(74, pad(b.refundCount(), 10));
        resp.set(76, pad(b.saleCount(), 10));
        resp.set(86, pad(b.refundAmount(), 16));
        resp.set(88, pad(b.saleAmount(), 16));
    }

    private static String pad(long v, int width) {
        String s = Long.toString(v);
        StringBuilder sb = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s).toString();
    }

}
