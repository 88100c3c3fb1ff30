package io.switchgate.route;

/**
 * A terminal's request that was at a host when the gateway stopped, with no answer of it journaled: the host may have
 * approved it, so its reversal was released (and reaches the host), and the gateway journals the request itself as
 * answered {@code 91 HOST_ANSWER_LOST} under the RRN the host saw, before it serves. The terminal's retransmission then
 * gets that answer, not a second authorization at the host, and the RRN is the gateway's to show (a crash audit: after
 * a kill the retransmission was sent to the host as a new request and approved again, and the host's RRN was unknown).
 * What the duplicate check needs is carried as the engine made it ({@code dupKey}, {@code fingerprint}); no PAN.
 */
public record LostHostAnswer(String rrn, String host, String terminalId, String merchantId, String mti,
                             String processingCode, String stan, String transmissionTime, long amount, String currency,
                             String panHash, String maskedPan, String dupKey, String fingerprint, String originalRrn) {

    /**
     * The same request with no duplicate key: journaled so, its record shows the RRN the host saw (admin API) and
     * answers no retransmission (another node answered that one already).
     */
    public LostHostAnswer withoutDuplicateKey() {
        return new LostHostAnswer(rrn, host, terminalId, merchantId, mti, processingCode, stan, transmissionTime, amount,
                currency, panHash, maskedPan, null, null, originalRrn);
    }

    /**
     * As one line of text, for a store that keeps it in a column beside its held reversal (several nodes on one
     * PostgreSQL): each field as its length, a colon and its characters, or {@code -} for none, so that no character a
     * field may hold can be taken for a separator. {@link #fromText} reads it back.
     */
    public String toText() {
        StringBuilder b = new StringBuilder(256);
        for (String f : fields()) {
            if (f == null) {
                b.append('-');
            } else {
                b.append(f.length()).append(':').append(f);
            }
        }
        return b.toString();
    }

    /** What {@link #toText} wrote. @throws IllegalArgumentException if {@code text} is not that */
    public static LostHostAnswer fromText(String text) {
        String[] f = new String[15];
        int at = 0;
        for (int i = 0; i < f.length; i++) {
            if (at >= text.length()) throw new IllegalArgumentException("a kept request cut short at field " + (i + 1));
            if (text.charAt(at) == '-') {
                at++;
                continue;
            }
            int colon = text.indexOf(':', at);
            if (colon < 0) throw new IllegalArgumentException("a kept request's field " + (i + 1) + " has no length");
            int length;
            try {
                length = Integer.parseInt(text, at, colon, 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a kept request's field " + (i + 1) + " has no length", e);
            }
            if (length < 0 || colon + 1 + length > text.length()) {
                throw new IllegalArgumentException("a kept request's field " + (i + 1) + " runs past its end");
            }
            f[i] = text.substring(colon + 1, colon + 1 + length);
            at = colon + 1 + length;
        }
        if (at != text.length()) throw new IllegalArgumentException("a kept request has more than 15 fields");
        long amount;
        try {
            amount = Long.parseLong(f[8]);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("a kept request's amount is not a number: " + f[8], e);
        }
        return new LostHostAnswer(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], amount, f[9], f[10], f[11], f[12], f[13], f[14]);
    }

    private String[] fields() {
        return new String[] {rrn, host, terminalId, merchantId, mti, processingCode, stan, transmissionTime,
                Long.toString(amount), currency, panHash, maskedPan, dupKey, fingerprint, originalRrn};
    }
}
