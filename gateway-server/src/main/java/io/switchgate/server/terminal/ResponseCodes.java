package io.switchgate.server.terminal;

import java.util.Map;

/** The meaning of each DE 39 response code the gateway answers (CONTRACT.md section 5). */
public final class ResponseCodes {

    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("00", "approved"),
            Map.entry("03", "invalid merchant"),
            Map.entry("05", "do not honor"),
            Map.entry("12", "invalid transaction"),
            Map.entry("13", "invalid amount"),
            Map.entry("14", "invalid card number"),
            Map.entry("25", "unable to locate original"),
            Map.entry("30", "format error"),
            Map.entry("51", "insufficient funds"),
            Map.entry("54", "expired card"),
            Map.entry("55", "incorrect PIN"),
            Map.entry("58", "transaction not permitted to terminal"),
            Map.entry("61", "exceeds amount limit"),
            Map.entry("63", "security violation"),
            Map.entry("75", "PIN tries exceeded"),
            Map.entry("91", "issuer or host unavailable"),
            Map.entry("94", "duplicate transmission"),
            Map.entry("95", "reconciliation error"),
            Map.entry("96", "system malfunction"));

    private ResponseCodes() {
    }

    /** "approved", "insufficient funds", ...; "unknown code" for anything else. */
    public static String meaning(String code) {
        String m = code == null ? null : MEANING.get(code);
        return m == null ? "unknown code" : m;
    }

}
