package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.policy.Codes;
import io.switchgate.policy.Decline;

/**
 * The checks of a request that need nothing but the request itself (issue 14's admission): what kind of message it
 * is, whether it is one to answer at all, and its format (fields present and well formed, {@link FormatCheck} and
 * {@link FieldCheck}). They run on the event loop that read the frame, before the request is handed to the engine
 * thread, so that thread does not spend its time on them; what they found is kept on the request, and the engine
 * answers it in the contract's order (after looking up the terminal, whose key MACs even a format error's answer).
 */
final class Admission {
    private Admission() {
    }

    /**
     * Classifies {@code r} ({@code r.type}) and keeps the decline its format earns ({@code r.formatDecline}, null if
     * none). Done once per request; asked again, it gives the same answer.
     *
     * @return false if {@code r} is no request (a response MTI, or not four digits): nothing answers it
     */
    static boolean check(Request r) {
        if (r.admitted) return r.type != null || r.formatDecline != null;
        r.admitted = true;
        IsoMessage m = r.msg;
        String mti = m.getMti();
        r.type = MessageKind.classify(mti, m.getString(3), m.getString(70));
        if (r.type == null && MessageKind.responseMti(mti) == null) return false;
        r.formatDecline = formatDecline(r, m, mti);
        return true;
    }

    private static Decline formatDecline(Request r, IsoMessage m, String mti) {
        if (r.type == null) {
            if ("0200".equals(mti) && !m.hasField(3)) return Decline.of(Codes.FORMAT_ERROR, "MISSING_FIELD_3");
            if ("0800".equals(mti) && !m.hasField(70)) return Decline.of(Codes.FORMAT_ERROR, "MISSING_FIELD_70");
            return Decline.of(Codes.INVALID_TRANSACTION, "UNSUPPORTED_MESSAGE");
        }
        Decline d = FormatCheck.check(r.type, m);
        return d != null ? d : FieldCheck.check(m);
    }
}
