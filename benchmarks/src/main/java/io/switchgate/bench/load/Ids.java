package io.switchgate.bench.load;

import java.time.Duration;

/** Terminal ids and card numbers shared by {@code bench-config} and {@code loadgen}, so both name the same ones. */
public final class Ids {
    private Ids() {
    }

    /** Terminal i: the prefix, zero-padded to the 8 characters of DE 41. */
    public static String terminal(String prefix, int i) {
        String n = Integer.toString(i);
        if (prefix.length() + n.length() > 8) throw new IllegalArgumentException("terminal prefix '" + prefix + "' too long for " + i);
        StringBuilder sb = new StringBuilder(8).append(prefix);
        while (sb.length() + n.length() < 8) sb.append('0');
        return sb.append(n).toString();
    }

    /** Card i: 621234 + 9 digits + Luhn check digit (16 digits, routed to the embedded authorizer by prefix 62). */
    public static String pan(int i) {
        String body = "621234" + pad(i, 9);
        return body + luhnDigit(body);
    }

    static int luhnDigit(String body) {
        int sum = 0;
        boolean dbl = true;
        for (int k = body.length() - 1; k >= 0; k--) {
            int d = body.charAt(k) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            dbl = !dbl;
        }
        return (10 - sum % 10) % 10;
    }

    static String pad(long v, int width) {
        String s = Long.toString(v);
        if (s.length() >= width) return s.substring(s.length() - width);
        StringBuilder sb = new StringBuilder(width);
        for (int k = s.length(); k < width; k++) sb.append('0');
        return sb.append(s).toString();
    }

    /** "20s", "500ms", "2m", "1h" or plain seconds. */
    public static Duration duration(String s) {
        s = s.trim().toLowerCase();
        if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        if (s.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        if (s.endsWith("m")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60);
        if (s.endsWith("h")) return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
        return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
    }
}
