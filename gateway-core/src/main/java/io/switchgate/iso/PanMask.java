package io.switchgate.iso;

/** Masking of card data for display and logs: first 6 and last 4 digits of a PAN stay visible. */
public final class PanMask {
    private PanMask() {}

    /**
     * First 6 + last 4 with '*' in between ({@code 6212341234561232 -> 621234******1232}); values of 10 characters
     * or fewer are masked completely. Null stays null.
     */
    public static String mask(String pan) {
        if (pan == null) return null;
        int n = pan.length();
        char[] c = new char[n];
        if (n <= 10) {
            java.util.Arrays.fill(c, '*');
            return new String(c);
        }
        for (int i = 0; i < n; i++) c[i] = i < 6 || i >= n - 4 ? pan.charAt(i) : '*';
        return new String(c);
    }

    /**
     * A field's value as it may be shown: the PAN (DE 2) and the extended PAN (DE 34) as {@link #mask}, track data
     * (DE 35 track 2, DE 36 track 3, DE 45 track 1) as {@link #maskTrack2}; any other field as it is. The one list of
     * card-number fields for every dump of a message (logs, the decode command).
     */
    public static String forDisplay(int field, String value) {
        return switch (field) {
            case 2, 34 -> mask(value);
            case 35, 36, 45 -> maskTrack2(value);
            default -> value;
        };
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
