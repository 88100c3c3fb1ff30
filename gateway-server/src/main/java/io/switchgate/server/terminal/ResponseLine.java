package io.switchgate.server.terminal;

import io.switchgate.iso.ActionCodes;
import io.switchgate.iso.IsoMessage;

/**
 * One readable line per exchange, e.g. {@code sale 10000 -> 00 approved rrn=012345678901 auth=123456}, or
 * {@code refund 500 -> 12 invalid transaction REFUND_WINDOW_EXPIRED rrn=...}, with {@code balance=} from DE 54.
 * Never prints a PAN in full, a PIN block or a key.
 */
public final class ResponseLine {

    private ResponseLine() {
    }

    /**
     * @param what   what was sent, e.g. {@code "sale 10000"}
     * @param resp   the response
     * @param macOk  the response MAC check: null = none carried, false = did not verify
     */
    public static String format(String what, IsoMessage resp, Boolean macOk) {
        StringBuilder sb = new StringBuilder(96);
        String code = resp.getString(39);
        String code87 = code1987(resp);
        sb.append(what).append(" -> ");
        if (code == null) {
            sb.append("(no DE 39) ").append(resp.getMti());
        } else {
            sb.append(code).append(' ');
            if (code87 != null && !code87.equals(code)) sb.append('(').append(code87).append(") ");
            sb.append(ResponseCodes.meaning(code87 == null ? code : code87));
        }
        String reason = resp.getString(44);
        if (reason != null && !reason.isBlank() && !"00".equals(code87)) {
            sb.append(' ').append(reason.trim());
        }
        String balance = balance(resp.getString(54));
        if (balance != null) {
            sb.append(" balance=").append(balance);
        }
        append(sb, "rrn", resp.getString(37));
        append(sb, "auth", resp.getString(38));
        if ("0510".equals(resp.getMti()) && resp.hasField(76)) {
            sb.append(" gateway: sales ").append(num(resp.getString(76))).append('/').append(num(resp.getString(88)))
                    .append(" refunds ").append(num(resp.getString(74))).append('/').append(num(resp.getString(86)));
        }
        if (Boolean.FALSE.equals(macOk)) {
            sb.append(" RESPONSE_MAC_INVALID");
        }
        return sb.toString();
    }

    /**
     * DE 39 as the contract's two-character code: as received, or, from a listener whose DE 39 is an ISO 8583:1993
     * action code ({@code iso93binary}), the code it stands for ({@code 116} is {@code 51}); null if it stands for none.
     */
    public static String code1987(IsoMessage resp) {
        String code = resp.getString(39);
        if (code == null || resp.dialect() == null || !ActionCodes.threeDigits(resp.dialect())) return code;
        return ActionCodes.fromWire(resp.dialect(), resp.getMti(), code);
    }

    private static void append(StringBuilder sb, String name, String value) {
        if (value != null && !value.isBlank()) {
            sb.append(' ').append(name).append('=').append(value.trim());
        }
    }

    /**
     * The available (type 02) or else the first amount of DE 54: blocks of account type 2 + amount type 2 +
     * currency 3 + C/D + 12 digits; returned as minor units, negative for D. Null when absent or unreadable.
     */
    public static String balance(String de54) {
        if (de54 == null || de54.length() < 20) {
            return null;
        }
        String chosen = null;
        for (int i = 0; i + 20 <= de54.length(); i += 20) {
            String block = de54.substring(i, i + 20);
            if (chosen == null || block.startsWith("02", 2)) {
                chosen = block;
            }
        }
        String digits = chosen.substring(8, 20);
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return null;
            }
        }
        String v = num(digits);
        return chosen.charAt(7) == 'D' && !v.equals("0") ? "-" + v : v;
    }

    private static String num(String s) {
        if (s == null) {
            return "?";
        }
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }
}
