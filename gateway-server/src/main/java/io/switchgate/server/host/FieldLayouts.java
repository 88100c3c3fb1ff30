package io.switchgate.server.host;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoLayout;
import io.switchgate.iso.IsoMessage;

/**
 * The forwarded fields whose meaning differs between the 1987 and the 1993 layout of ISO 8583, rewritten for a host
 * of the other layout. Without it, a terminal on an {@code iso93binary} listener routed to an {@code iso87binary}
 * host could not be forwarded at all (its 12-digit DE 12 does not fit the host's 6): every such request was answered
 * {@code 96 HOST_MAPPING_FAILED}.
 *
 * <p>A dialect's layout is read from its DE 12 ({@link IsoLayout}). From a 1993 request to a 1987 host:
 * <ul>
 *   <li>DE 12 = the time of the 1993 DE 12 (hhmmss), DE 13 = its month and day (MMDD, the 1987 "local date"). The 1993
 *       DE 13 is another field (the card's effective date) and is not forwarded.</li>
 *   <li>DE 22 (1987 POS entry mode, n3) from the 1993 POS data code (an12): its position 7, card data input mode, gives
 *       the PAN entry mode (1 or 6 manual {@code 01}, 2 magnetic stripe {@code 02}, 5 chip {@code 05}, anything else
 *       {@code 00} unknown), its position 12, PIN capture capability, the PIN entry capability (0 none {@code 2}, 1
 *       unknown {@code 0}, 4-9 or A-C, a PIN length, {@code 1}).</li>
 *   <li>DE 25 (1987 POS condition code, n2) from the same POS data code's positions 5 and 6, cardholder and card
 *       present: both present {@code 00}; mail or telephone order {@code 08}; cardholder present without the card
 *       {@code 05}; otherwise not present {@code 01}. The 1993 DE 25 is the message reason code, another field, and is
 *       not forwarded.</li>
 * </ul>
 * A dialect of its own with the 1993 DE 12 and the 1987 DE 22 has its DE 22 and 25 copied as they are.
 * Between two dialects of one layout every field is forwarded as the terminal sent it. A 1987 request to a host of
 * the 1993 layout is not translated (no built-in dialect is one: {@code iso93binary} cannot carry the gateway's
 * reversals, see {@link HostDialects}); a field that does not fit is still refused as before.
 */
final class FieldLayouts {
    /** The fields {@link #fromY1993} writes; none of them is copied as the terminal sent it. */
    static final java.util.Set<Integer> TRANSLATED = java.util.Set.of(12, 13, 22, 25);

    private FieldLayouts() {
    }

    /** True if the fields of {@code src} need {@link #fromY1993} rather than a copy for {@code host}. */
    static boolean from1993To1987(Dialect src, Dialect host) {
        return IsoLayout.of(src) == IsoLayout.Y1993 && IsoLayout.of(host) == IsoLayout.Y1987;
    }

    /**
     * Sets on {@code dst} (a 1987-layout host message) DE 12, 13, 22 and 25 from the 1993-layout {@code src}, each only
     * where its source field is present and of its length.
     */
    static void fromY1993(IsoMessage src, IsoMessage dst) {
        String dateTime = src.getString(12);
        if (dateTime != null && dateTime.length() == 12) { // digits: the host's packer refuses anything else
            dst.set(12, dateTime.substring(6));
            dst.set(13, dateTime.substring(2, 6));
        }
        if (!hasPosDataCode(src.dialect())) {
            // a dialect of its own with the 1993 DE 12 but the 1987 DE 22 (and so DE 25): those mean the same
            if (src.hasField(22)) dst.set(22, src.getString(22));
            if (src.hasField(25)) dst.set(25, src.getString(25));
            return;
        }
        String pos = src.getString(22);
        if (pos != null && pos.length() == 12) {
            dst.set(22, panEntryMode(pos.charAt(6)) + pinEntryCapability(pos.charAt(11)));
            dst.set(25, conditionCode(pos.charAt(4), pos.charAt(5)));
        }
    }

    /** True if {@code d}'s DE 22 is the 1993 POS data code (12 characters) rather than the 1987 entry mode (3 digits). */
    static boolean hasPosDataCode(Dialect d) {
        io.switchgate.iso.FieldSpec de22 = d == null ? null : d.field(22);
        return de22 != null && de22.maxLength() == 12;
    }

    static String panEntryMode(char cardDataInputMode) {
        return switch (cardDataInputMode) {
            case '1', '6' -> "01";
            case '2' -> "02";
            case '5' -> "05";
            default -> "00";
        };
    }

    static String pinEntryCapability(char pinCapture) {
        if (pinCapture == '0') return "2";
        if (pinCapture >= '4' && pinCapture <= '9' || pinCapture >= 'A' && pinCapture <= 'C') return "1";
        return "0";
    }

    static String conditionCode(char cardholderPresent, char cardPresent) {
        if (cardholderPresent == '0') return cardPresent == '1' ? "00" : "05";
        if (cardholderPresent == '2' || cardholderPresent == '3') return "08";
        return "01";
    }
}
