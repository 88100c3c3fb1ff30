package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.policy.Codes;
import io.switchgate.policy.CurrencyRule;

/** The journal record of a request: what it was, what was decided, and when (one place for its many columns). */
final class TxnRecords {
    private TxnRecords() {
    }

    /**
     * The record of a request a flow decided: {@code v}'s code, reason, status and original, the request's own fields;
     * its MTI, processing code and currency the instances {@code codes} shares between records.
     */
    static TxnRecord decided(Request r, String rrn, String nodeId, Verdict v, String currency, SharedStrings codes) {
        boolean approved = v.approved();
        // Answered by a host later: created when it was sent there. Its DE 7 to the host is that instant's (a void or
        // reversal names the original at the host by its STAN and DE 7, rebuilt from this record), and so is the day
        // a refund was counted on. The record's update time is still the step that commits it.
        java.time.Instant created = r.answeredLater && r.authRequest != null ? r.authRequest.now() : r.now;
        return new TxnRecord(rrn, nodeId, r.type, codes.of(r.msg.getMti()), codes.of(r.msg.getString(3)), r.terminal.id(),
                r.terminal.merchantId(), r.stan(), r.msg.getString(7), r.dupKey, r.fingerprint, r.amount, codes.of(currency),
                r.panHash, r.maskedPan(), v.code(), v.reason(), approved ? authCode(v.authCode(), rrn) : null,
                approved ? v.status() : TxnStatus.DECLINED, 0, v.originalRrn(), v.originalStan(), r.terminal.batchNo(),
                v.host(), r.hostStan, r.hostRrn, created, r.now, 1);
    }

    /**
     * The record of a screened request: no duplicate key, no fingerprint, no original, so it is never a duplicate's
     * answer nor a reversal's target. When the terminal is unknown it names the DE 41 and DE 42 received.
     */
    static TxnRecord screened(Request r, String rrn, String nodeId, String code, String reason) {
        IsoMessage m = r.msg;
        String terminalId = r.terminal != null ? r.terminal.id() : r.terminalId();
        String merchantId = r.terminal != null ? r.terminal.merchantId() : r.merchantId();
        String de4 = m.getString(4);
        long amount = FormatCheck.digits(de4, 12) ? FormatCheck.parseAmount(de4) : 0;
        String de49 = m.getString(49);
        String currency = de49 == null ? CurrencyRule.DEFAULT_CURRENCY : FormatCheck.digits(de49, 3) ? de49 : null;
        boolean approved = Codes.APPROVED.equals(code);
        return new TxnRecord(rrn, nodeId, r.type, m.getMti(), clip(m.getString(3), 6), clip(terminalId, 32),
                clip(merchantId, 32), clip(r.stan(), 12), clip(m.getString(7), 16), null, null,
                amount, currency, r.panHash, r.maskedPan(), code, reason, approved ? authCode(null, rrn) : null,
                approved ? TxnStatus.APPROVED : TxnStatus.DECLINED, 0, null, null,
                r.terminal == null ? 0 : r.terminal.batchNo(), null, null, null, r.now, r.now, 1);
    }

    /**
     * The authorization code of an approval (contract section 4: "DE 38: a 6-character authorization code when
     * approved", on every approved response): the authorizer's, or for an answer no authorizer gave one to (a
     * reversal of an original without one, a settlement, an echo, a sign-on) the RRN's last six digits. It is part of
     * the journal record, so a retransmission hears the same DE 38.
     */
    static String authCode(String authorizers, String rrn) {
        if (authorizers != null) return authorizers;
        return rrn == null || rrn.length() < 6 ? null : rrn.substring(rrn.length() - 6);
    }

    /** A received value cut to its column's width (a screened request's fields may be anything). */
    private static String clip(String s, int max) {
        if (s == null) return null;
        s = s.trim();
        return s.length() <= max ? s : s.substring(0, max);
    }
}
