package io.switchgate.iso;

/** Masking of card data for display and logs: first 6 and last 4 digits of a PAN stay visible. */
public final class PanMask {
    private PanMask() {}

    /**
     * The fewest digits a masked PAN hides: with one or two, its check digit and a short search give the PAN back.
     * Card numbers of 13 to 19 digits keep first 6 + last 4 (the contract's form) with at least this many hidden.
     */
    static final int MIN_HIDDEN = 3;

    /**
     * At most the first 6 and the last 4 with '*' in between ({@code 6212341234561232 -> 621234******1232}), and at
     * least {@value #MIN_HIDDEN} hidden: a PAN under 13 digits shows fewer leading digits ({@code 62123456782 ->
     * 6212***6782}; first 6 + last 4 of it hid one digit, which the Luhn check gives back). Values of 10 characters or
     * fewer are masked completely. Null stays null.
     */
    public static String mask(String pan) {
        if (pan == null) return null;
        int n = pan.length();
        char[] c = new char[n];
        if (n <= 10) {
            java.util.Arrays.fill(c, '*');
            return new String(c);
        }
        int lead = Math.min(6, n - 4 - MIN_HIDDEN);
        for (int i = 0; i < n; i++) c[i] = i < lead || i >= n - 4 ? pan.charAt(i) : '*';
        return new String(c);
    }

    /**
     * A field's value as it may be shown: the PAN (DE 2) and the extended PAN (DE 34) as {@link #mask}, track data
     * (DE 35 track 2, DE 36 track 3, DE 45 track 1) as {@link #maskTrack2}, the PIN block (DE 52) all '*', and in the
     * chip data (DE 55, hex) the values of the tags that carry the PAN or track data ({@link #maskIcc}); any other field
     * as it is. The one list of card-data fields for every dump of a message (logs, the decode command).
     */
    public static String forDisplay(int field, String value) {
        return switch (field) {
            case 2, 34 -> mask(value);
            case 35, 36, 45 -> maskTrack2(value);
            case 52 -> value == null ? null : "*".repeat(value.length());
            case 55 -> maskIcc(value);
            default -> value;
        };
    }

    /**
     * Chip data (BER-TLV as hex, DE 55) with the card data in it masked, its structure kept readable: the application
     * PAN (tag 5A) as {@link #mask}, the track 2 equivalents (57, 9F6B) as {@link #maskTrack2} (their separator is the
     * nibble {@code D}), and track 1 and the tracks' discretionary data (56, 9F1F, 9F20) all '*'. Every other tag, and
     * every tag and length, stays as it was ({@code 9F2608...}: the cryptogram is no secret). What does not parse as
     * BER-TLV is masked from there on: it may hold anything. Null stays null.
     */
    public static String maskIcc(String hex) {
        if (hex == null) return null;
        StringBuilder out = new StringBuilder(hex.length());
        maskTlv(hex, 0, hex.length(), out);
        return out.toString();
    }

    /** Appends {@code hex[from, to)} as BER-TLV to {@code out}, sensitive values masked; the rest masked once it fails. */
    private static void maskTlv(String hex, int from, int to, StringBuilder out) {
        int i = from;
        while (i < to) {
            int start = i;
            int first = hexByte(hex, i, to);
            if (first < 0) break;
            if (first == 0x00 || first == 0xFF) { // padding between objects
                out.append(hex, i, i + 2);
                i += 2;
                continue;
            }
            int tag = first;
            i += 2;
            if ((first & 0x1F) == 0x1F) { // subsequent tag bytes while bit 8 is set
                int b;
                do {
                    b = hexByte(hex, i, to);
                    if (b < 0 || tag > 0xFFFF) { i = -1; break; }
                    tag = tag << 8 | b;
                    i += 2;
                } while ((b & 0x80) != 0);
                if (i < 0) { i = start; break; }
            }
            int len = hexByte(hex, i, to);
            if (len < 0) { i = start; break; }
            i += 2;
            if (len > 0x80) { // long form: the next 1-2 bytes hold the length
                int n = len & 0x7F;
                if (n > 2) { i = start; break; }
                len = 0;
                for (int k = 0; k < n; k++) {
                    int b = hexByte(hex, i, to);
                    if (b < 0) { len = -1; break; }
                    len = len << 8 | b;
                    i += 2;
                }
                if (len < 0) { i = start; break; }
            } else if (len == 0x80) {
                i = start; // indefinite length: not in EMV
                break;
            }
            int end = i + 2 * len;
            if (end > to) { i = start; break; }
            out.append(hex, start, i);
            String value = hex.substring(i, end);
            if ((first & 0x20) != 0) {
                maskTlv(hex, i, end, out); // constructed: its objects one by one
            } else {
                switch (tag) {
                    case 0x5A -> out.append(maskPanDigits(value));
                    case 0x57, 0x9F6B -> out.append(maskTrack2(value));
                    case 0x56, 0x9F1F, 0x9F20 -> out.append("*".repeat(value.length()));
                    default -> out.append(value);
                }
            }
            i = end;
        }
        if (i < to) out.append("*".repeat(to - i));
    }

    /** A BCD PAN with its trailing 'F' pad kept visible as the pad it is. */
    private static String maskPanDigits(String bcd) {
        int end = bcd.length();
        while (end > 0 && (bcd.charAt(end - 1) == 'F' || bcd.charAt(end - 1) == 'f')) end--;
        return mask(bcd.substring(0, end)) + bcd.substring(end);
    }

    /** The byte whose two hex digits start at {@code i}, or -1 if there are not two hex digits before {@code to}. */
    private static int hexByte(String hex, int i, int to) {
        if (i + 2 > to) return -1;
        int hi = Character.digit(hex.charAt(i), 16);
        int lo = Character.digit(hex.charAt(i + 1), 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    /**
     * Track data: the PAN (up to the first separator '=', 'D' or '^') masked as {@link #mask}; everything after it
     * (expiry, service code, discretionary data) replaced by '*'. Null stays null.
     */
    public static String maskTrack2(String track) {
        if (track == null) return null;
        int n = track.length();
        int sep = -1;
        for (int i = 0; i < n; i++) {
            char ch = track.charAt(i);
            if (ch == '=' || ch == 'D' || ch == 'd' || ch == '^') {
                sep = i;
                break;
            }
        }
        if (sep < 0) return mask(track);
        StringBuilder sb = new StringBuilder(n);
        int s = 0;
        // keep a leading format code / sentinel (e.g. track 1 'B', ';') out of the PAN digits
        while (s < sep && !Character.isDigit(track.charAt(s))) sb.append(track.charAt(s++));
        sb.append(mask(track.substring(s, sep)));
        sb.append(track.charAt(sep));
        for (int i = sep + 1; i < n; i++) sb.append('*');
        return sb.toString();
    }
}
