package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;

/**
 * The request a reversal names (contract section 4): the terminal's original STAN and, when sent, the original's DE 7.
 * From DE 90 (1987: original MTI 4, STAN 6, DE 7 10, ...); in the 1993 layout, whose DE 90 has no room for them, from
 * DE 56 (original MTI 4, STAN 6, local date and time 12, acquirer), which carries no DE 7; else the reversal's own DE 11.
 * One reading for the format check, the prefetch stage and the decision, so they never disagree on what is named.
 *
 * @param stan the original's STAN
 * @param de7  the original's DE 7 (DE 90 positions 11-20), or null when not sent (absent, or zeros)
 */
record OriginalNamed(String stan, String de7) {

    /** What {@code m} names; its STAN is null only when the message carries none at all. */
    static OriginalNamed of(IsoMessage m) {
        String de90 = m.getString(90);
        if (de90 != null && de90.length() >= 10) {
            String de7 = de90.length() >= 20 && !"0000000000".equals(de90.substring(10, 20)) ? de90.substring(10, 20) : null;
            return new OriginalNamed(de90.substring(4, 10), de7);
        }
        String de56 = de90 == null ? m.getString(56) : null;
        if (de56 != null && de56.length() >= 10 && FormatCheck.digits(de56.substring(0, 10), 10)) {
            return new OriginalNamed(de56.substring(4, 10), null);
        }
        return new OriginalNamed(m.getString(11), null);
    }

    /**
     * The field that names the original badly, or 0: DE 90 shorter than MTI and STAN or with a STAN that is not six
     * digits. A DE 56 that does not start with ten digits is not read at all (in the 1987 layout it is reserved, and a
     * terminal may fill it with anything): the reversal's own DE 11 names the original then.
     */
    static int badField(IsoMessage m) {
        String de90 = m.getString(90);
        return de90 != null && (de90.length() < 10 || !FormatCheck.digits(de90.substring(4, 10), 6)) ? 90 : 0;
    }
}
