package io.switchgate.iso;

import java.util.HashMap;
import java.util.Map;

/**
 * DE 39 in a dialect whose field 39 is three digits (ISO 8583:1993, e.g. {@code iso93binary}: the "action code").
 * The gateway decides in the two-character response codes of ISO 8583:1987 (contract section 5), and journals and
 * reports them so. Written as they are into a three-digit field they would be padded to {@code 0xx}, and every
 * {@code 0xx} is an approval in 1993 ({@code 051} would tell a 1993 terminal "approved" where the gateway declined for
 * insufficient funds), so on such a dialect they go out as the 1993 action code of the same meaning, and a host's
 * action code is read back into the 1987 code. A dialect with a two-character DE 39 is left as it is.
 *
 * <p>What cannot be read back safely is reported as null, and the caller treats it as no answer: any {@code 0xx} but
 * {@code 000} (the approvals with conditions, partial amounts among them, which the gateway cannot honour as asked),
 * anything outside the decline and error ranges, and anything that is not three digits.
 */
public final class ActionCodes {
    /** 1987 response code -> 1993 action code, by meaning (ISO 8583:1993 annex A). */
    private static final Map<String, String> TO_1993 = Map.ofEntries(
            Map.entry("00", "000"),  // approved
            Map.entry("01", "107"),  // refer to card issuer
            Map.entry("03", "109"),  // invalid merchant
            Map.entry("04", "200"),  // pick up card
            Map.entry("05", "100"),  // do not honour
            Map.entry("12", "902"),  // invalid transaction
            Map.entry("13", "110"),  // invalid amount
            Map.entry("14", "111"),  // invalid card number
            Map.entry("25", "914"),  // original not found
            Map.entry("30", "904"),  // format error
            Map.entry("41", "208"),  // lost card, pick up
            Map.entry("43", "209"),  // stolen card, pick up
            Map.entry("51", "116"),  // not sufficient funds
            Map.entry("54", "101"),  // expired card
            Map.entry("55", "117"),  // incorrect PIN
            Map.entry("57", "119"),  // not permitted to cardholder
            Map.entry("58", "120"),  // not permitted to terminal
            Map.entry("59", "102"),  // suspected fraud
            Map.entry("61", "121"),  // exceeds withdrawal amount limit
            Map.entry("62", "104"),  // restricted card
            Map.entry("63", "916"),  // MAC incorrect
            Map.entry("65", "123"),  // exceeds withdrawal frequency limit
            Map.entry("75", "106"),  // allowable PIN tries exceeded
            Map.entry("91", "907"),  // card issuer or switch inoperative
            Map.entry("92", "908"),  // destination cannot be found for routing
            Map.entry("94", "913"),  // duplicate transmission
            Map.entry("95", "501"),  // reconciled, out of balance
            Map.entry("96", "909")); // system malfunction
    /** A 1987 code this table lacks (a host's own, relayed): a plain denial, never an approval. */
    private static final String OTHER_DENIAL = "100";
    private static final Map<String, String> TO_1987 = new HashMap<>();

    static {
        TO_1993.forEach((code87, action) -> TO_1987.put(action, code87));
        TO_1987.put("500", "00"); // reconciled, in balance
        TO_1987.put("800", "00"); // network management: accepted
        TO_1987.put("911", "91"); // card issuer timed out
        TO_1987.put("912", "91"); // card issuer unavailable
    }

    private ActionCodes() {
    }

    /** True if {@code d} writes DE 39 as a three-digit action code. */
    public static boolean threeDigits(Dialect d) {
        FieldSpec f = d.field(39);
        return f != null && f.maxLength() == 3;
    }

    /**
     * {@code code} (1987) as DE 39 of a response with MTI {@code mti} in dialect {@code d}: itself where DE 39 is two
     * characters; else its 1993 action code, in the 5xx range for a reconciliation's approval and the 8xx range for a
     * network management message's, and a plain denial for a code the table lacks.
     */
    public static String onWire(Dialect d, String mti, String code) {
        if (code == null || !threeDigits(d)) return code;
        if ("00".equals(code) && mti != null && mti.length() == 4) {
            if (mti.charAt(1) == '5') return "500";
            if (mti.charAt(1) == '8') return "800";
        }
        return TO_1993.getOrDefault(code, OTHER_DENIAL);
    }

    /**
     * DE 39 as a host wrote it in dialect {@code d}, as the 1987 code the gateway decides with; null when it cannot be
     * read as a plain approval or a plain refusal (see the class comment). Two-character dialects: as written.
     */
    public static String fromWire(Dialect d, String de39) {
        if (de39 == null || !threeDigits(d)) return de39;
        if (de39.length() != 3) return null;
        for (int i = 0; i < 3; i++) if (de39.charAt(i) < '0' || de39.charAt(i) > '9') return null;
        String known = TO_1987.get(de39);
        if (known != null) return known;
        return switch (de39.charAt(0)) {
            case '1' -> "05"; // denied
            case '2' -> "04"; // denied, pick up card
            case '9' -> "91"; // an error at the issuer or on the way
            default -> null;  // 0xx approved with conditions, or a class no 0210 or 0410 carries
        };
    }
}
