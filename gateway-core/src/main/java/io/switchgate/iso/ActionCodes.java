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
 * <p>What cannot be read back safely is reported as null, and the caller treats a host's answer so as no answer (its
 * reversal is kept): an approval with a condition (1993 {@code 0xx} but {@code 000}, 1987 {@code 08}, {@code 10},
 * {@code 11}, {@code 16}, {@code 85}: a partial amount among them, which the gateway cannot honour as asked), an error
 * after which the issuer may still approve ({@code 911}, {@code 923}), a range that is not the message's, and
 * anything that is not a code at all. Applies to any dialect whose DE 39 is three characters long.
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
    /** 1993 action code of a host's authorization or reversal answer -> 1987 code (the 1xx, 2xx and 9xx of the table). */
    private static final Map<String, String> TO_1987 = new HashMap<>();
    /**
     * 1987 codes that approve with a condition (08 honour with identification, 10 partial amount, 11 VIP, 16 update
     * track 3, 85 no reason to decline): not a plain yes the gateway can journal as its {@code 00}, and taken as a
     * decline the approval would stand at the host with nothing to undo it. Read as unreadable.
     */
    private static final java.util.Set<String> CONDITIONAL_1987 = java.util.Set.of("08", "10", "11", "16", "85");
    /**
     * 1993 errors after which the issuer may still have approved (911 card issuer timed out, 923 request in progress):
     * not a refusal, so not a reason to drop the reversal kept for an approval. Read as unreadable.
     */
    private static final java.util.Set<String> MAYBE_APPROVED_1993 = java.util.Set.of("911", "923");

    static {
        TO_1993.forEach((code87, action) -> {
            char range = action.charAt(0);
            if (range == '1' || range == '2' || range == '9') TO_1987.put(action, code87);
        });
        TO_1987.put("912", "91"); // card issuer unavailable
        MAYBE_APPROVED_1993.forEach(TO_1987::remove);
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
     * characters; else its 1993 action code: an approval as {@code 000}, or in the range of its kind of message (4xx
     * reversal, 5xx reconciliation, 8xx network management: {@code 400}, {@code 500}, {@code 800}); a code the table
     * lacks as a plain denial.
     */
    public static String onWire(Dialect d, String mti, String code) {
        if (code == null || !threeDigits(d)) return code;
        if ("00".equals(code)) return switch (messageClass(mti)) {
            case '4' -> "400";
            case '5' -> "500";
            case '8' -> "800";
            default -> "000";
        };
        return TO_1993.getOrDefault(code, OTHER_DENIAL);
    }

    /**
     * DE 39 of an answer with MTI {@code mti} (a host's, to an authorization or a reversal; or the gateway's own, read
     * back by its tools) as the 1987 code: null when it cannot be read as a plain approval or a plain refusal. On a
     * two-character dialect: itself, if two letters or digits and not an approval with a condition. On a three-digit
     * one: {@code 000}, or the approval of the message's kind ({@code 400}, {@code 500}, {@code 800}), is {@code 00};
     * a 1xx, 2xx or 9xx is the 1987 code of the same meaning ({@code 116} -> {@code 51}), else {@code 05}, {@code 04}
     * or {@code 91} by its range, but for 911 and 923 (the issuer may still approve); {@code 501} on a 05x0 is
     * {@code 95}; anything else (0xx approvals with conditions such as {@code 002}, a partial amount; a range that is
     * not the message's) is null.
     */
    public static String fromWire(Dialect d, String mti, String de39) {
        if (de39 == null) return null;
        if (!threeDigits(d)) {
            if (de39.length() != 2 || CONDITIONAL_1987.contains(de39)) return null;
            for (int i = 0; i < 2; i++) if (!Character.isLetterOrDigit(de39.charAt(i)) || de39.charAt(i) > 'z') return null;
            return de39;
        }
        if (de39.length() != 3) return null;
        for (int i = 0; i < 3; i++) if (de39.charAt(i) < '0' || de39.charAt(i) > '9') return null;
        if (de39.equals("000") || de39.equals(onWire(d, mti, "00"))) return "00";
        if (messageClass(mti) == '5' && de39.equals("501")) return "95";
        if (MAYBE_APPROVED_1993.contains(de39)) return null;
        String known = TO_1987.get(de39);
        if (known != null) return known;
        return switch (de39.charAt(0)) {
            case '1' -> "05"; // denied
            case '2' -> "04"; // denied, pick up card
            case '9' -> "91"; // an error at the issuer or on the way
            default -> null;
        };
    }

    /** The MTI's second digit (2 financial, 4 reversal, 5 reconciliation, 8 network management), or 0. */
    private static char messageClass(String mti) {
        return mti != null && mti.length() == 4 ? mti.charAt(1) : '0';
    }
}
