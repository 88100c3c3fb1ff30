package io.switchgate.policy;

import java.util.Map;

/** DE 39 response codes the gateway answers, with their meanings (contract section 5). */
public final class Codes {
    public static final String APPROVED = "00";
    public static final String INVALID_MERCHANT = "03";
    public static final String DO_NOT_HONOR = "05";
    public static final String INVALID_TRANSACTION = "12";
    public static final String INVALID_AMOUNT = "13";
    public static final String INVALID_CARD = "14";
    public static final String NO_ORIGINAL = "25";
    public static final String FORMAT_ERROR = "30";
    public static final String INSUFFICIENT_FUNDS = "51";
    public static final String EXPIRED_CARD = "54";
    public static final String INCORRECT_PIN = "55";
    public static final String NOT_PERMITTED_TO_TERMINAL = "58";
    public static final String EXCEEDS_LIMIT = "61";
    public static final String SECURITY_VIOLATION = "63";
    public static final String PIN_TRIES_EXCEEDED = "75";
    public static final String HOST_UNAVAILABLE = "91";
    public static final String DUPLICATE = "94";
    public static final String RECONCILIATION_ERROR = "95";
    public static final String SYSTEM_MALFUNCTION = "96";

    private static final Map<String, String> MEANINGS = Map.ofEntries(
            Map.entry(APPROVED, "approved"),
            Map.entry(INVALID_MERCHANT, "invalid merchant"),
            Map.entry(DO_NOT_HONOR, "do not honor"),
            Map.entry(INVALID_TRANSACTION, "invalid transaction"),
            Map.entry(INVALID_AMOUNT, "invalid amount"),
            Map.entry(INVALID_CARD, "invalid card number"),
            Map.entry(NO_ORIGINAL, "unable to locate original"),
            Map.entry(FORMAT_ERROR, "format error"),
            Map.entry(INSUFFICIENT_FUNDS, "insufficient funds"),
            Map.entry(EXPIRED_CARD, "expired card"),
            Map.entry(INCORRECT_PIN, "incorrect PIN"),
            Map.entry(NOT_PERMITTED_TO_TERMINAL, "transaction not permitted to terminal"),
            Map.entry(EXCEEDS_LIMIT, "exceeds amount limit"),
            Map.entry(SECURITY_VIOLATION, "security violation"),
            Map.entry(PIN_TRIES_EXCEEDED, "PIN tries exceeded"),
            Map.entry(HOST_UNAVAILABLE, "issuer or host unavailable"),
            Map.entry(DUPLICATE, "duplicate transmission"),
            Map.entry(RECONCILIATION_ERROR, "reconciliation error"),
            Map.entry(SYSTEM_MALFUNCTION, "system malfunction"));

    private Codes() {
    }

    /** A person's reading of a response code; "unknown" for codes we never answer. */
    public static String meaning(String code) {
        return code == null ? "unknown" : MEANINGS.getOrDefault(code, "unknown");
    }
}
