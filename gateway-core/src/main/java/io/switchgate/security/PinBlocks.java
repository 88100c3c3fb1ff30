package io.switchgate.security;

import java.security.SecureRandom;
import org.bouncycastle.crypto.BlockCipher;

/**
 * ISO 9564-1 PIN blocks: build, parse, encipher, decipher. Pure functions over clear values, for
 * tests, terminal simulators and the load generator; the engine handles PIN blocks only through
 * {@link SecurityModule}, where the clear PIN never leaves the module.
 *
 * <ul>
 *   <li>Formats 0 and 3 (8 bytes): PIN field {@code C N P..P fill} XOR PAN field {@code 0000 ‖ pan12},
 *       pan12 = the 12 rightmost PAN digits excluding the check digit, left-padded with zeros.
 *       Format 0 fills with F, format 3 with random digits A-F.</li>
 *   <li>Format 1 (8 bytes): {@code 1 N P..P fill}, fill = any hex digits (ISO's transaction field), no PAN.</li>
 *   <li>Format 4 (16 bytes, AES): plain PIN field {@code 4 N P..P A..A} (16 nibbles) ‖ 8 random bytes;
 *       PAN field {@code M ‖ PAN ‖ 0..0} (32 nibbles), M = PAN length - 12 (0 for shorter PANs, left-padded
 *       with zeros to 12 digits); enciphered block = E(K, E(K, PIN field) XOR PAN field).</li>
 * </ul>
 *
 * PINs are 4 to 12 digits. Exceptions name the problem, never the PIN, PAN or block.
 */
public final class PinBlocks {
    private PinBlocks() {}

    // ---------------------------------------------------------------- PAN fields

    /** The 12 rightmost PAN digits excluding the check digit, left-padded with zeros (formats 0 and 3). */
    public static String pan12(String pan) {
        checkPan(pan);
        String body = pan.substring(0, pan.length() - 1);
        if (body.length() >= 12) {
            return body.substring(body.length() - 12);
        }
        return "000000000000".substring(body.length()) + body;
    }

    /** PAN field of formats 0 and 3: {@code 0000 ‖ pan12}, 8 bytes. */
    public static byte[] panField(String pan) {
        return panFieldFromPan12(pan12(pan));
    }

    /** PAN field of formats 0 and 3 from the 12 digits directly. */
    public static byte[] panFieldFromPan12(String pan12) {
        if (pan12 == null || pan12.length() != 12 || !allDigits(pan12)) {
            throw new IllegalArgumentException("pan12 must be 12 digits");
        }
        return Hex.decode("0000" + pan12);
    }

    /** PAN field of format 4, 16 bytes. */
    public static byte[] format4PanField(String pan) {
        checkPan(pan);
        String p = pan.length() < 12 ? "000000000000".substring(pan.length()) + pan : pan;
        int m = p.length() - 12;
        StringBuilder sb = new StringBuilder(32);
        sb.append((char) ('0' + m)).append(p);
        while (sb.length() < 32) sb.append('0');
        return Hex.decode(sb);
    }

    // ---------------------------------------------------------------- building clear blocks

    /** Format 0 clear block (PIN field XOR PAN field). */
    public static byte[] format0(String pin, String pan) {
        byte[] d = digits(pin);
        try {
            return build(PinFormat.ISO0, d, pan, null, null);
        } finally {
            Ciphers.zero(d);
        }
    }

    /** Format 1 clear block with the given fill (14 - PIN length hex digits). */
    public static byte[] format1(String pin, String fillHex) {
        byte[] d = digits(pin);
        try {
            return build(PinFormat.ISO1, d, null, fillNibbles(fillHex, 14 - d.length, false), null);
        } finally {
            Ciphers.zero(d);
        }
    }

    /** Format 3 clear block with the given fill (14 - PIN length digits A-F), bound to the PAN. */
    public static byte[] format3(String pin, String pan, String fillHex) {
        return format3FromPan12(pin, pan12(pan), fillHex);
    }

    /** Format 3 clear block from the 12 PAN digits directly. */
    public static byte[] format3FromPan12(String pin, String pan12, String fillHex) {
        byte[] d = digits(pin);
        try {
            byte[] field = pinField(PinFormat.ISO3, d, fillNibbles(fillHex, 14 - d.length, true));
            Ciphers.xor(field, 0, panFieldFromPan12(pan12), 0, 8);
            return field;
        } finally {
            Ciphers.zero(d);
        }
    }

    /** Format 4 plain PIN field (16 bytes) with the given 8 random bytes. */
    public static byte[] format4PinField(String pin, byte[] random8) {
        if (random8 == null || random8.length != 8) {
            throw new IllegalArgumentException("format 4 needs 8 random bytes");
        }
        byte[] d = digits(pin);
        try {
            return build(PinFormat.ISO4, d, null, null, random8);
        } finally {
            Ciphers.zero(d);
        }
    }

    /** A clear block (formats 0, 1, 3) or plain PIN field (format 4) with random fill. */
    public static byte[] build(PinFormat fmt, String pin, String pan, SecureRandom random) {
        byte[] d = digits(pin);
        try {
            return buildRandom(fmt, d, pan, random);
        } finally {
            Ciphers.zero(d);
        }
    }

    static byte[] buildRandom(PinFormat fmt, byte[] digits, String pan, SecureRandom random) {
        switch (fmt) {
            case ISO0:
                return build(fmt, digits, pan, null, null);
            case ISO1: {
                byte[] fill = new byte[14 - digits.length];
                for (int i = 0; i < fill.length; i++) fill[i] = (byte) random.nextInt(16);
                return build(fmt, digits, null, fill, null);
            }
            case ISO3: {
                byte[] fill = new byte[14 - digits.length];
                for (int i = 0; i < fill.length; i++) fill[i] = (byte) (10 + random.nextInt(6));
                return build(fmt, digits, pan, fill, null);
            }
            default: {
                byte[] r = new byte[8];
                random.nextBytes(r);
                return build(fmt, digits, null, null, r);
            }
        }
    }

    /** digits: PIN digit values 0-9; fill: nibble values (formats 1, 3); random8: format 4. */
    static byte[] build(PinFormat fmt, byte[] digits, String pan, byte[] fill, byte[] random8) {
        if (fmt == PinFormat.ISO4) {
            byte[] out = new byte[16];
            setNibble(out, 0, 4);
            setNibble(out, 1, digits.length);
            for (int i = 0; i < digits.length; i++) setNibble(out, 2 + i, digits[i]);
            for (int i = 2 + digits.length; i < 16; i++) setNibble(out, i, 0xA);
            System.arraycopy(random8, 0, out, 8, 8);
            return out;
        }
        byte[] f = fill;
        if (fmt == PinFormat.ISO0) {
            f = new byte[14 - digits.length];
            java.util.Arrays.fill(f, (byte) 0xF);
        }
        byte[] field = pinField(fmt, digits, f);
        if (fmt.usesPan()) {
            Ciphers.xor(field, 0, panField(pan), 0, 8);
        }
        return field;
    }

    private static byte[] pinField(PinFormat fmt, byte[] digits, byte[] fill) {
        byte[] out = new byte[8];
        setNibble(out, 0, fmt.controlNibble());
        setNibble(out, 1, digits.length);
        for (int i = 0; i < digits.length; i++) setNibble(out, 2 + i, digits[i]);
        for (int i = 0; i < fill.length; i++) setNibble(out, 2 + digits.length + i, fill[i]);
        return out;
    }

    // ---------------------------------------------------------------- parsing

    /** The PIN in a clear block (formats 0, 1, 3) or plain PIN field (format 4). */
    public static String parse(PinFormat fmt, byte[] clear, String pan) {
        byte[] d = extractDigits(fmt, clear, pan);
        try {
            char[] c = new char[d.length];
            for (int i = 0; i < d.length; i++) c[i] = (char) ('0' + d[i]);
            return new String(c);
        } finally {
            Ciphers.zero(d);
        }
    }

    /** The PIN digit values; throws {@link PinBlockException} if the block is not well formed. */
    static byte[] extractDigits(PinFormat fmt, byte[] clear, String pan) {
        if (clear == null || clear.length != fmt.blockLength()) {
            throw new PinBlockException("PIN block for " + fmt + " must be " + fmt.blockLength() + " bytes");
        }
        byte[] field = clear.clone();
        try {
            if (fmt == PinFormat.ISO0 || fmt == PinFormat.ISO3) {
                Ciphers.xor(field, 0, panField(pan), 0, 8);
            }
            if (nibble(field, 0) != fmt.controlNibble()) {
                throw new PinBlockException("PIN block is not " + fmt + " (control field)");
            }
            int n = nibble(field, 1);
            if (n < 4 || n > 12) {
                throw new PinBlockException("PIN block has an invalid PIN length");
            }
            byte[] d = new byte[n];
            for (int i = 0; i < n; i++) {
                int v = nibble(field, 2 + i);
                if (v > 9) {
                    Ciphers.zero(d);
                    throw new PinBlockException("PIN block has a non-decimal PIN digit");
                }
                d[i] = (byte) v;
            }
            for (int i = 2 + n; i < 16; i++) {
                int v = nibble(field, i);
                boolean ok = switch (fmt) {
                    case ISO0 -> v == 0xF;
                    case ISO1 -> true;
                    case ISO3 -> v >= 0xA;
                    case ISO4 -> v == 0xA;
                };
                if (!ok) {
                    Ciphers.zero(d);
                    throw new PinBlockException("PIN block has an invalid fill for " + fmt);
                }
            }
            return d;
        } finally {
            Ciphers.zero(field);
        }
    }

    // ---------------------------------------------------------------- cipher steps

    /** Enciphers a clear block / plain PIN field with a keyed encrypting engine (format 4: two passes with the PAN field between). */
    static byte[] encipher(PinFormat fmt, BlockCipher enc, byte[] clear, String pan) {
        byte[] out = new byte[fmt.blockLength()];
        enc.processBlock(clear, 0, out, 0);
        if (fmt == PinFormat.ISO4) {
            Ciphers.xor(out, 0, format4PanField(pan), 0, 16);
            enc.processBlock(out, 0, out, 0);
        }
        return out;
    }

    /** Deciphers a PIN block with a keyed decrypting engine to the clear block / plain PIN field. */
    static byte[] decipher(PinFormat fmt, BlockCipher dec, byte[] block, String pan) {
        if (block == null || block.length != fmt.blockLength()) {
            throw new PinBlockException("PIN block for " + fmt + " must be " + fmt.blockLength() + " bytes");
        }
        byte[] out = new byte[fmt.blockLength()];
        dec.processBlock(block, 0, out, 0);
        if (fmt == PinFormat.ISO4) {
            Ciphers.xor(out, 0, format4PanField(pan), 0, 16);
            dec.processBlock(out, 0, out, 0);
        }
        return out;
    }

    /** Encrypts a PIN into a block of the format under a clear key (terminal side). */
    public static byte[] encrypt(PinFormat fmt, byte[] key, String pin, String pan, SecureRandom random) {
        byte[] clear = build(fmt, pin, pan, random);
        try {
            return encipherClear(fmt, key, clear, pan);
        } finally {
            Ciphers.zero(clear);
        }
    }

    /** Enciphers an already built clear block / plain PIN field under a clear key. */
    public static byte[] encipherClear(PinFormat fmt, byte[] key, byte[] clear, String pan) {
        return encipher(fmt, Ciphers.engine(fmt.keyAlgorithm(), key, true), clear, pan);
    }

    /** Deciphers a block under a clear key to its clear block / plain PIN field. */
    public static byte[] decipherToClear(PinFormat fmt, byte[] key, byte[] block, String pan) {
        return decipher(fmt, Ciphers.engine(fmt.keyAlgorithm(), key, false), block, pan);
    }

    // ---------------------------------------------------------------- helpers

    /** PIN digit values, validating 4-12 decimal digits. */
    static byte[] digits(String pin) {
        if (pin == null || pin.length() < 4 || pin.length() > 12) {
            throw new PinBlockException("PIN must be 4 to 12 digits");
        }
        byte[] d = new byte[pin.length()];
        for (int i = 0; i < d.length; i++) {
            char c = pin.charAt(i);
            if (c < '0' || c > '9') {
                Ciphers.zero(d);
                throw new PinBlockException("PIN must be 4 to 12 digits");
            }
            d[i] = (byte) (c - '0');
        }
        return d;
    }

    private static byte[] fillNibbles(String fillHex, int expected, boolean aToF) {
        if (fillHex == null || fillHex.length() != expected) {
            throw new IllegalArgumentException("fill must be " + expected + " hex digits");
        }
        byte[] f = new byte[expected];
        for (int i = 0; i < expected; i++) {
            f[i] = (byte) Hex.nibble(fillHex.charAt(i), i);
            if (aToF && f[i] < 0xA) {
                throw new IllegalArgumentException("format 3 fill must be digits A-F");
            }
        }
        return f;
    }

    static void checkPan(String pan) {
        if (pan == null || pan.isEmpty() || pan.length() > 19 || !allDigits(pan)) {
            throw new PinBlockException("PAN must be 1 to 19 digits");
        }
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    static int nibble(byte[] b, int i) {
        int v = b[i >> 1] & 0xFF;
        return (i & 1) == 0 ? v >>> 4 : v & 0x0F;
    }

    static void setNibble(byte[] b, int i, int v) {
        int idx = i >> 1;
        if ((i & 1) == 0) {
            b[idx] = (byte) ((b[idx] & 0x0F) | (v << 4));
        } else {
            b[idx] = (byte) ((b[idx] & 0xF0) | (v & 0x0F));
        }
    }
}
