package io.switchgate.route;

/**
 * The card as the request presents it: PAN from DE 2 or from track 2 (DE 35), expiry (YYMM) from
 * DE 14 or from track 2. Lives only in memory for the time of one request; toString masks the PAN.
 */
public record CardData(String pan, String expiry) {

    /** Reads DE 2 / DE 35 / DE 14 values (any may be null). Null when no PAN can be found. */
    public static CardData from(String de2, String de35, String de14) {
        String pan = de2;
        String expiry = de14;
        if (de35 != null) {
            int sep = -1;
            for (int i = 0; i < de35.length(); i++) {
                char ch = de35.charAt(i);
                if (ch == 'D' || ch == 'd' || ch == '=') {
                    sep = i;
                    break;
                }
            }
            if (sep > 0) {
                if (pan == null) pan = de35.substring(0, sep);
                if (expiry == null && de35.length() >= sep + 5) expiry = de35.substring(sep + 1, sep + 5);
            } else if (pan == null) {
                return null;
            }
        }
        if (pan == null || pan.isEmpty()) return null;
        return new CardData(pan, expiry);
    }

    @Override
    public String toString() {
        return "CardData[pan=" + io.switchgate.iso.PanMask.mask(pan) + "]";
    }
}
