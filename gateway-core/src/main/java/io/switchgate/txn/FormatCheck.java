package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.policy.Decline;

/**
 * Mandatory fields and their shapes per request (contract section 4). A missing field answers
 * {@code 30 MISSING_FIELD_n}, a malformed one {@code 30 BAD_FIELD_n}.
 */
public final class FormatCheck {
    private static final int[] ECHO = {7, 11, 41};
    private static final int[] SIGNON = {7, 11, 41};
    private static final int[] FINANCIAL = {3, 7, 11, 41, 42};
    private static final int[] REVERSAL = {7, 11, 41, 42};
    private static final int[] SETTLEMENT = {7, 11, 41, 42, 74, 76, 86, 88};

    private FormatCheck() {
    }

    public static Decline check(TxnType type, IsoMessage m) {
        int[] required = switch (type) {
            case ECHO -> ECHO;
            case SIGNON -> SIGNON;
            case SALE, BALANCE, REFUND, VOID -> FINANCIAL;
            case REVERSAL -> REVERSAL;
            case SETTLEMENT -> SETTLEMENT;
        };
        for (int f : required) {
            if (!m.hasField(f)) return missing(f);
        }
        if (!digits(m.getString(11), 6)) return bad(11);
        if (!digits(m.getString(7), 10)) return bad(7);
        String tid = m.getString(41);
        if (tid == null || tid.isBlank()) return bad(41);
        switch (type) {
            case SALE, REFUND, VOID -> {
                if (!m.hasField(4)) return missing(4);
                if (!digits(m.getString(4), 12)) return bad(4);
                if (!m.hasField(2) && !m.hasField(35)) return missing(2);
                if (type != TxnType.SALE && !m.hasField(37)) return missing(37);
            }
            case BALANCE -> {
                // contract section 4: DE 4 zero or absent; an amount on an inquiry is a terminal bug, not a debit
                if (m.hasField(4) && !zeroAmount(m.getString(4))) return bad(4);
                if (!m.hasField(2) && !m.hasField(35)) return missing(2);
            }
            case REVERSAL -> {
                if (!m.hasField(4)) return missing(4);
                if (!digits(m.getString(4), 12)) return bad(4);
                int naming = OriginalNamed.badField(m);
                if (naming != 0) return bad(naming);
            }
            case SETTLEMENT -> {
                if (!digits(m.getString(74), -1)) return bad(74);
                if (!digits(m.getString(76), -1)) return bad(76);
                if (!digits(m.getString(86), -1)) return bad(86);
                if (!digits(m.getString(88), -1)) return bad(88);
            }
            default -> { }
        }
        if (m.hasField(52) && m.getBytes(52).length != 8) return bad(52);
        return null;
    }

    static Decline missing(int field) {
        return Decline.of(Codes.FORMAT_ERROR, "MISSING_FIELD_" + field);
    }

    static Decline bad(int field) {
        return Decline.of(Codes.FORMAT_ERROR, "BAD_FIELD_" + field);
    }

    /** All ASCII digits, and exactly {@code len} of them unless len is -1. */
    static boolean digits(String s, int len) {
        if (s == null || s.isEmpty() || (len >= 0 && s.length() != len)) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /** Twelve digits, all of them zero. */
    static boolean zeroAmount(String s) {
        return digits(s, 12) && parseAmount(s) == 0;
    }

    /** Parses a digit string that FormatCheck already accepted. */
    static long parseAmount(String s) {
        long v = 0;
        for (int i = 0; i < s.length(); i++) v = v * 10 + (s.charAt(i) - '0');
        return v;
    }
}
