package io.switchgate.iso;

import java.nio.charset.Charset;

/** Byte-level helpers: hex, EBCDIC (IBM-1047, the table jPOS uses). Package-private. */
final class Codes {
    private Codes() {}

    static final byte[] HEX_UPPER = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    /** EBCDIC byte -> char. */
    static final char[] E2A = new char[256];
    /** char (0..255) -> EBCDIC byte. */
    static final byte[] A2E = new byte[256];
    /** Hex digit value of an ASCII byte, or -1. */
    private static final byte[] HEXVAL = new byte[256];

    static {
        Charset cs = Charset.forName("IBM1047");
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        String decoded = new String(all, cs);
        for (int i = 0; i < 256; i++) E2A[i] = decoded.charAt(i);
        char[] chars = new char[256];
        for (int i = 0; i < 256; i++) chars[i] = (char) i;
        byte[] enc = new String(chars).getBytes(cs);
        System.arraycopy(enc, 0, A2E, 0, 256);
        java.util.Arrays.fill(HEXVAL, (byte) -1);
        for (int i = 0; i < 10; i++) HEXVAL['0' + i] = (byte) i;
        for (int i = 0; i < 6; i++) {
            HEXVAL['A' + i] = (byte) (10 + i);
            HEXVAL['a' + i] = (byte) (10 + i);
        }
    }

    static int hexVal(int c) {
        return c < 0 || c > 255 ? -1 : HEXVAL[c];
    }

    static byte toEbcdic(char c) {
        return c < 256 ? A2E[c] : A2E['?'];
    }

    /** Uppercase hex text of b[off, off+len). */
    static String hex(byte[] b, int off, int len) {
        byte[] out = new byte[len << 1];
        for (int i = 0, j = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            out[j++] = HEX_UPPER[v >>> 4];
            out[j++] = HEX_UPPER[v & 0x0F];
        }
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static String hex(byte[] b) {
        return hex(b, 0, b.length);
    }

    /** Decodes hex text; returns null if it is not valid hex of even length. */
    static byte[] unhexOrNull(CharSequence s) {
        int n = s.length();
        if ((n & 1) != 0) return null;
        byte[] out = new byte[n >> 1];
        for (int i = 0; i < n; i += 2) {
            int hi = hexVal(s.charAt(i));
            int lo = hexVal(s.charAt(i + 1));
            if (hi < 0 || lo < 0) return null;
            out[i >> 1] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** Hex text to bytes; IllegalArgumentException (no data in the message) if not hex. */
    static byte[] unhex(CharSequence s) {
        byte[] b = unhexOrNull(s);
        if (b == null) throw new IllegalArgumentException("not an even-length hex string");
        return b;
    }

    /** The string with every character above U+00FF replaced by '?' (what ISO-8859-1 encoding would send). */
    static String latin1(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                return new String(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
        return s;
    }

    static String upperHexText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'f') return s.toUpperCase(java.util.Locale.ROOT);
        }
        return s;
    }
}
