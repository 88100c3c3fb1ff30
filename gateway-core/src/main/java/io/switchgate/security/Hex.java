package io.switchgate.security;

/** Uppercase hex without separators, strict on input. */
public final class Hex {
    private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

    private Hex() {}

    public static String encode(byte[] b) { return encode(b, 0, b.length); }

    public static String encode(byte[] b, int off, int len) {
        char[] c = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            c[2 * i] = DIGITS[v >>> 4];
            c[2 * i + 1] = DIGITS[v & 0x0F];
        }
        return new String(c);
    }

    /** Decodes hex (either case). The exception message gives the problem, never the input. */
    public static byte[] decode(CharSequence s) {
        int n = s.length();
        if ((n & 1) != 0) {
            throw new IllegalArgumentException("hex string has an odd length (" + n + ")");
        }
        byte[] out = new byte[n / 2];
        for (int i = 0; i < n; i += 2) {
            out[i / 2] = (byte) ((nibble(s.charAt(i), i) << 4) | nibble(s.charAt(i + 1), i + 1));
        }
        return out;
    }

    static int nibble(char c, int pos) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw new IllegalArgumentException("not a hex digit at position " + pos);
    }

    /** True if s is non-empty, even-length hex. */
    public static boolean isHex(CharSequence s) {
        if (s == null || s.length() == 0 || (s.length() & 1) != 0) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }
}
