package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.policy.Decline;

/**
 * Field values that have the right shape but no meaning (contract section 4, "Field checks"), after
 * {@link FormatCheck}: DE 7 a real MMDDhhmmss, DE 14 a real YYMM, the PAN of DE 35 the PAN of DE 2 when both
 * are present, track 2's expiry a real YYMM when there is no DE 14 and DE 14 itself when there is, DE 49 three digits,
 * the original's DE 7 in DE 90 (when sent) a real MMDDhhmmss. Each failure answers
 * {@code 30 BAD_FIELD_n}. Allocation-free.
 */
public final class FieldCheck {
    /** Days per month, February with its 29th: DE 7 carries no year. */
    private static final int[] DAYS = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private FieldCheck() {
    }

    public static Decline check(IsoMessage m) {
        String de7 = m.getString(7);
        if (de7 != null && !transmissionTime(de7)) return FormatCheck.bad(7);
        String de14 = m.getString(14);
        if (de14 != null && !yymm(de14)) return FormatCheck.bad(14);
        String de2 = m.getString(2);
        String de35 = m.getString(35);
        if (de2 != null && de35 != null && !track2Pan(de35, de2)) return FormatCheck.bad(35);
        // without DE 14 the card's expiry is track 2's, held to the same rule (contract section 4: "14 (or in 35)")
        if (de14 == null && de35 != null && !track2Expiry(de35)) return FormatCheck.bad(35);
        // with DE 14 too, both name one card: an expiry of track 2 other than DE 14 is not that card's (the authorizer
        // saw only DE 14, and approved a track whose own expiry, sent alone, it refused 54 EXPIRY_MISMATCH: an audit)
        if (de14 != null && de35 != null && !track2ExpiryIs(de35, de14)) return FormatCheck.bad(35);
        String de49 = m.getString(49);
        if (de49 != null && !FormatCheck.digits(de49, 3)) return FormatCheck.bad(49);
        // the original's DE 7 in DE 90 (positions 11-20; zeros: not sent) is held to DE 7's rule: no request can bear
        // a month 13, and a reversal naming one found nothing and was kept, refusing the STAN for 24 hours (an audit)
        String de90 = m.getString(90);
        if (de90 != null && de90.length() >= 20) {
            String originalDe7 = de90.substring(10, 20);
            if (!"0000000000".equals(originalDe7) && !transmissionTime(originalDe7)) return FormatCheck.bad(90);
        }
        return null;
    }

    /** MMDDhhmmss: month 01-12, a day the month has (29 February allowed), hh 00-23, mm and ss 00-59. */
    static boolean transmissionTime(String s) {
        if (!FormatCheck.digits(s, 10)) return false;
        int month = two(s, 0);
        int day = two(s, 2);
        if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]) return false;
        return two(s, 4) <= 23 && two(s, 6) <= 59 && two(s, 8) <= 59;
    }

    /** YYMM with a month 01-12. */
    static boolean yymm(String s) {
        return s.length() == 4 && yymmAt(s, 0);
    }

    /** Four digits at {@code at} that are a YYMM with a month 01-12 (the string long enough is the caller's). */
    private static boolean yymmAt(String s, int at) {
        for (int k = at; k < at + 4; k++) {
            char d = s.charAt(k);
            if (d < '0' || d > '9') return false;
        }
        int month = two(s, at + 2);
        return month >= 1 && month <= 12;
    }

    /** True when track 2 starts with exactly {@code pan}, followed by its separator ('D' or '='). */
    static boolean track2Pan(String track2, String pan) {
        int n = pan.length();
        if (track2.length() <= n || !track2.startsWith(pan)) return false;
        char sep = track2.charAt(n);
        return sep == 'D' || sep == 'd' || sep == '=';
    }

    /**
     * True when track 2 has a real YYMM right after its separator (ISO/IEC 7813: PAN, separator, expiry, service
     * code, ...). A track with no separator is left to the card read (it names no PAN either).
     */
    static boolean track2Expiry(String track2) {
        for (int i = 0; i < track2.length(); i++) {
            char ch = track2.charAt(i);
            if (ch == 'D' || ch == 'd' || ch == '=') {
                return track2.length() >= i + 5 && yymmAt(track2, i + 1);
            }
        }
        return true;
    }

    /** True when track 2's expiry, after its separator, is {@code yymm}; a track with no separator is left alone. */
    static boolean track2ExpiryIs(String track2, String yymm) {
        for (int i = 0; i < track2.length(); i++) {
            char ch = track2.charAt(i);
            if (ch == 'D' || ch == 'd' || ch == '=') return track2.startsWith(yymm, i + 1);
        }
        return true;
    }

    private static int two(String s, int at) {
        return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
    }
}
