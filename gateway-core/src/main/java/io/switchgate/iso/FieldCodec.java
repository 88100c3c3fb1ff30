package io.switchgate.iso;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.switchgate.iso.FieldSpec.Encoding;
import io.switchgate.iso.FieldSpec.Kind;
import io.switchgate.iso.FieldSpec.PrefixEncoding;

/**
 * Reads, validates and writes single fields by their {@link FieldSpec}. Stateless; package-private.
 * Every read is bounds-checked against {@code end}, so malformed input can only raise {@link IsoException}.
 */
final class FieldCodec {
    private FieldCodec() {}

    static final byte EBCDIC_ZERO = (byte) 0xF0;
    static final byte EBCDIC_SPACE = 0x40;

    // ------------------------------------------------------------------ unpack side

    /** Number of content bytes (after the prefix) for a value of {@code units} units. */
    static int contentBytes(FieldSpec f, int units) {
        if (f.bcd) return f.amount ? 1 + (units >> 1) : (units + 1) >> 1;
        return f.hexEnc ? units << 1 : units;
    }

    /**
     * Validates field {@code f} at {@code pos} and records its start in {@code starts[k]}.
     * @return the position after the field
     */
    static int walk(FieldSpec f, byte[] b, int pos, int end, int base, int[] starts, int k) {
        final int start = pos;
        int units;
        if (f.fixed) {
            units = f.maxLength();
        } else {
            units = readPrefix(f, b, pos, end, base);
            pos += f.prefixBytes;
        }
        int n = contentBytes(f, units);
        if (end - pos < n) {
            throw new IsoException(f.number(), start - base,
                    "field " + f.number() + " truncated: needs " + n + " bytes, " + (end - pos) + " left");
        }
        validate(f, b, pos, units, n, base);
        starts[k] = start;
        return pos + n;
    }

    static int readPrefix(FieldSpec f, byte[] b, int pos, int end, int base) {
        int v = readPrefixValue(f, b, pos, end, base);
        if (v > f.maxLength()) {
            throw new IsoException(f.number(), pos - base,
                    "field " + f.number() + " length " + v + " exceeds maximum " + f.maxLength());
        }
        return v;
    }

    /** The length a variable field's prefix says, whatever the field's maximum (a refused frame's fields after it). */
    static int readPrefixValue(FieldSpec f, byte[] b, int pos, int end, int base) {
        int nb = f.prefixBytes;
        if (end - pos < nb) {
            throw new IsoException(f.number(), pos - base, "field " + f.number() + " truncated in its length prefix");
        }
        int v = 0;
        switch (f.prefixEncoding()) {
            case ASCII:
                for (int i = 0; i < nb; i++) {
                    int d = b[pos + i] - '0';
                    if (d < 0 || d > 9) throw badPrefix(f, pos + i - base);
                    v = v * 10 + d;
                }
                break;
            case EBCDIC:
                for (int i = 0; i < nb; i++) {
                    int d = (b[pos + i] & 0xFF) - 0xF0;
                    if (d < 0 || d > 9) throw badPrefix(f, pos + i - base);
                    v = v * 10 + d;
                }
                break;
            case BCD:
                for (int i = 0; i < nb; i++) {
                    int x = b[pos + i] & 0xFF;
                    int hi = x >>> 4, lo = x & 0x0F;
                    if (hi > 9 || lo > 9) throw badPrefix(f, pos + i - base);
                    v = v * 100 + hi * 10 + lo;
                }
                break;
            case BINARY:
                for (int i = 0; i < nb; i++) v = (v << 8) | (b[pos + i] & 0xFF);
                break;
            default:
                throw new IllegalStateException();
        }
        return v;
    }

    private static IsoException badPrefix(FieldSpec f, int off) {
        return new IsoException(f.number(), off, "field " + f.number() + " has a non-decimal length prefix");
    }

    private static IsoException badDigit(FieldSpec f, int off) {
        return new IsoException(f.number(), off, "field " + f.number() + " has a non-numeric character");
    }

    /** Per byte value: bit 0 = high nibble is a digit, bit 1 = low nibble is a digit; bits 2/3 the same allowing D. */
    private static final byte[] BCD_CLASS = new byte[256];

    static {
        for (int x = 0; x < 256; x++) {
            int hi = x >>> 4, lo = x & 0xF;
            int c = 0;
            if (hi <= 9) c |= 1;
            if (lo <= 9) c |= 2;
            if (hi <= 9 || hi == 0xD) c |= 4;
            if (lo <= 9 || lo == 0xD) c |= 8;
            BCD_CLASS[x] = (byte) c;
        }
    }

    static void validate(FieldSpec f, byte[] b, int pos, int units, int n, int base) {
        if (f.digits) {
            digits(f, f.track2, b, pos, units, base);
        } else if (f.amount) {
            int s = b[pos] & 0xFF;
            boolean ok = f.ebcdic ? (s == 0xC3 || s == 0xC4) : (s == 'C' || s == 'D');
            if (!ok) throw new IsoException(f.number(), pos - base, "field " + f.number() + " has no C/D sign");
            digits(f, false, b, pos + 1, units - 1, base);
        } else if (f.hexEnc) {
            for (int i = 0; i < n; i++) {
                if (Codes.hexVal(b[pos + i] & 0xFF) < 0) {
                    throw new IsoException(f.number(), pos + i - base, "field " + f.number() + " has a non-hex character");
                }
            }
        } // CHAR and raw binary: any byte
    }

    private static void digits(FieldSpec f, boolean track2, byte[] b, int pos, int units, int base) {
        if (f.bcd) {
            if (units == 0) return;
            int full = track2 ? 12 : 3;  // both nibbles
            int hiOk = track2 ? 4 : 1, loOk = track2 ? 8 : 2;
            int nbytes = (units + 1) >> 1;
            int first = pos, last = pos + nbytes - 1;
            boolean odd = (units & 1) == 1;
            if (odd && f.bcdLeft) { // first byte: pad nibble then a digit
                if ((BCD_CLASS[b[first] & 0xFF] & loOk) == 0) throw badDigit(f, first - base);
                first++;
            } else if (odd) { // last byte: a digit then the pad nibble
                if ((BCD_CLASS[b[last] & 0xFF] & hiOk) == 0) throw badDigit(f, last - base);
                last--;
            }
            for (int i = first; i <= last; i++) {
                if ((BCD_CLASS[b[i] & 0xFF] & full) != full) throw badDigit(f, i - base);
            }
            return;
        }
        if (f.ebcdic) {
            for (int i = 0; i < units; i++) {
                int c = b[pos + i] & 0xFF;
                if ((c < 0xF0 || c > 0xF9) && !(track2 && (c == 0x7E || c == 0xC4))) throw badDigit(f, pos + i - base);
            }
            return;
        }
        for (int i = 0; i < units; i++) {
            int c = b[pos + i];
            if ((c < '0' || c > '9') && !(track2 && (c == '=' || c == 'D'))) throw badDigit(f, pos + i - base);
        }
    }

    /** Units of an already validated field starting at {@code start}. */
    static int unitsAt(FieldSpec f, byte[] b, int start) {
        if (f.fixed) return f.maxLength();
        int v = 0;
        int nb = f.prefixBytes;
        switch (f.prefixEncoding()) {
            case ASCII:
                for (int i = 0; i < nb; i++) v = v * 10 + (b[start + i] - '0');
                return v;
            case EBCDIC:
                for (int i = 0; i < nb; i++) v = v * 10 + ((b[start + i] & 0xFF) - 0xF0);
                return v;
            case BCD:
                for (int i = 0; i < nb; i++) {
                    int x = b[start + i] & 0xFF;
                    v = v * 100 + (x >>> 4) * 10 + (x & 0x0F);
                }
                return v;
            default:
                for (int i = 0; i < nb; i++) v = (v << 8) | (b[start + i] & 0xFF);
                return v;
        }
    }

    /** End (exclusive) of the validated field starting at {@code start}. */
    static int endAt(FieldSpec f, byte[] b, int start) {
        return start + f.prefixBytes + contentBytes(f, unitsAt(f, b, start));
    }

    static String decodeString(FieldSpec f, byte[] b, int start) {
        int units = unitsAt(f, b, start);
        int ds = start + f.prefixBytes;
        return decodeString(f, b, ds, units, ds + contentBytes(f, units));
    }

    static byte[] decodeBytes(FieldSpec f, byte[] b, int start) {
        int units = unitsAt(f, b, start);
        int ds = start + f.prefixBytes;
        return decodeBytes(f, b, ds, units, ds + contentBytes(f, units));
    }

    private static final ThreadLocal<byte[]> DIGITS = ThreadLocal.withInitial(() -> new byte[10000]);

    /** The text form of a validated field (jPOS getString semantics). */
    static String decodeString(FieldSpec f, byte[] b, int ds, int units, int de) {
        switch (f.kind()) {
            case BINARY:
                if (f.encoding() == Encoding.HEX) {
                    return Codes.upperHexText(new String(b, ds, de - ds, StandardCharsets.ISO_8859_1));
                }
                return Codes.hex(b, ds, de - ds);
            case AMOUNT:
                if (f.encoding().isBcd()) {
                    byte[] out = DIGITS.get();
                    out[0] = b[ds];
                    bcdToAscii(f.encoding(), false, b, ds + 1, units - 1, out, 1);
                    return new String(out, 0, units, StandardCharsets.ISO_8859_1);
                }
                return text(f.encoding(), b, ds, de - ds);
            default:
                if (f.encoding().isBcd()) {
                    byte[] out = DIGITS.get();
                    bcdToAscii(f.encoding(), f.kind() == Kind.TRACK2, b, ds, units, out, 0);
                    return new String(out, 0, units, StandardCharsets.ISO_8859_1);
                }
                return text(f.encoding(), b, ds, de - ds);
        }
    }

    private static String text(Encoding e, byte[] b, int off, int len) {
        if (e == Encoding.EBCDIC) {
            char[] c = new char[len];
            for (int i = 0; i < len; i++) c[i] = Codes.E2A[b[off + i] & 0xFF];
            return new String(c);
        }
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    private static void bcdToAscii(Encoding e, boolean track2, byte[] b, int pos, int units, byte[] out, int o) {
        int skip = (units & 1) == 1 && e == Encoding.BCD_LEFT ? 1 : 0;
        for (int i = 0; i < units; i++) {
            int nib = i + skip;
            int x = b[pos + (nib >> 1)];
            int d = (nib & 1) == 0 ? (x >>> 4) & 0x0F : x & 0x0F;
            out[o + i] = d == 0x0D && track2 ? (byte) '=' : Codes.HEX_UPPER[d];
        }
    }

    /** The byte form: raw bytes for binary fields, the text's ISO-8859-1 bytes otherwise. */
    static byte[] decodeBytes(FieldSpec f, byte[] b, int ds, int units, int de) {
        if (f.kind() == Kind.BINARY) {
            if (f.encoding() == Encoding.HEX) {
                byte[] out = new byte[units];
                for (int i = 0; i < units; i++) {
                    out[i] = (byte) (Codes.hexVal(b[ds + 2 * i] & 0xFF) << 4 | Codes.hexVal(b[ds + 2 * i + 1] & 0xFF));
                }
                return out;
            }
            return Arrays.copyOfRange(b, ds, de);
        }
        if (f.encoding() == Encoding.ASCII) return Arrays.copyOfRange(b, ds, de);
        return decodeString(f, b, ds, units, de).getBytes(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ pack side

    /** Size (prefix included) of a text value; checks its length. Content is checked by {@link #encodeText}. */
    static int sizeText(FieldSpec f, String s, int off) {
        int n = s.length();
        if (f.amount) {
            if (n < 1) throw packError(f, off, "needs a C/D sign");
            if (n > f.maxLength()) throw tooLong(f, off, n);
            return contentBytes(f, f.maxLength());
        }
        if (n > f.maxLength()) throw tooLong(f, off, n);
        return f.prefixBytes + contentBytes(f, f.fixed ? f.maxLength() : n);
    }

    /** Size (prefix included) of a binary value; checks its length. */
    static int sizeBinary(FieldSpec f, byte[] b, int off) {
        int n = b.length;
        if (f.fixed ? n != f.maxLength() : n > f.maxLength()) {
            throw packError(f, off, (f.fixed ? "must be exactly " : "must be at most ") + f.maxLength() + " bytes, got " + n);
        }
        return f.prefixBytes + contentBytes(f, n);
    }

    /** Hex text of a binary field to bytes, or an IsoException for the field. */
    static byte[] unhex(FieldSpec f, String s, int off) {
        byte[] b = Codes.unhexOrNull(s);
        if (b == null) throw packError(f, off, "is not an even-length hex string");
        return b;
    }

    /** Any value (String or byte[]) encoded alone; for tests and odd paths. */
    static byte[] encodeValue(FieldSpec f, Object v) {
        if (f.isBinary()) {
            byte[] b = v instanceof byte[] ? (byte[]) v : unhex(f, (String) v, 0);
            byte[] out = new byte[sizeBinary(f, b, 0)];
            encodeBinary(f, b, out, 0);
            return out;
        }
        String s = v instanceof String ? Codes.latin1((String) v) : new String((byte[]) v, StandardCharsets.ISO_8859_1);
        int size = sizeText(f, s, 0);
        byte[] out = new byte[size + bcdScratch(f, s)];
        encodeText(f, s, out, 0, 0);
        return java.util.Arrays.copyOf(out, size);
    }

    private static IsoException tooLong(FieldSpec f, int off, int n) {
        return packError(f, off, "length " + n + " exceeds maximum " + f.maxLength());
    }

    private static IsoException packError(FieldSpec f, int off, String what) {
        return new IsoException(f.number(), off, "field " + f.number() + " " + what);
    }

    /** Writes a binary field measured by {@link #sizeBinary}; returns the position after it. */
    static int encodeBinary(FieldSpec f, byte[] b, byte[] out, int pos) {
        int units = b.length;
        if (!f.fixed) pos = writePrefix(f, units, out, pos);
        if (f.encoding() == Encoding.HEX) {
            for (int i = 0; i < units; i++) {
                int x = b[i] & 0xFF;
                out[pos++] = Codes.HEX_UPPER[x >>> 4];
                out[pos++] = Codes.HEX_UPPER[x & 0x0F];
            }
            return pos;
        }
        System.arraycopy(b, 0, out, pos, units);
        return pos + units;
    }

    /**
     * Writes a text field measured by {@link #sizeText}, checking its content on the way (digits, sign);
     * returns the position after it. {@code off} is the field's offset for error reports.
     */
    static int encodeText(FieldSpec f, String s, byte[] out, int pos, int off) {
        final int n = s.length();
        if (f.amount) {
            int sign = s.charAt(0);
            if (sign != 'C' && sign != 'D') throw packError(f, off, "needs a C/D sign");
            out[pos++] = f.ebcdic ? Codes.toEbcdic((char) sign) : (byte) sign;
            return writeDigits(f, false, s, 1, n - 1, f.maxLength() - 1, out, pos, off);
        }
        int units = f.fixed ? f.maxLength() : n;
        if (!f.fixed) pos = writePrefix(f, units, out, pos);
        if (f.digits) return writeDigits(f, f.track2, s, 0, n, units, out, pos, off);
        // CHAR: right space-padded when fixed
        if (f.ebcdic) {
            for (int i = 0; i < n; i++) out[pos++] = Codes.toEbcdic(s.charAt(i));
            for (int i = n; i < units; i++) out[pos++] = EBCDIC_SPACE;
        } else {
            latin1(s, n, out, pos);
            pos += n;
            for (int i = n; i < units; i++) out[pos++] = ' ';
        }
        return pos;
    }

    /**
     * Copies the string's characters as bytes: a plain array copy for Latin-1 strings. Values reach the codec
     * through {@link IsoMessage#set}, which has already replaced characters above U+00FF by '?'
     * (as String.getBytes(ISO_8859_1) does), so the low byte is the character.
     */
    @SuppressWarnings("deprecation")
    static void latin1(String s, int n, byte[] out, int pos) {
        s.getBytes(0, n, out, pos);
    }

    @SuppressWarnings("deprecation")
    private static void latin1From(String s, int from, int n, byte[] out, int pos) {
        s.getBytes(from, from + n, out, pos);
    }

    /** Writes {@code units} digits: {@code units - n} leading zeros then s[from, from+n), checking each digit. */
    private static int writeDigits(FieldSpec f, boolean track2, String s, int from, int n, int units, byte[] out, int pos, int off) {
        int zeros = units - n;
        if (f.bcd) {
            final byte[] dv = track2 ? DV_TRACK2 : DV_NUM;
            return n < 16 ? shortBcd(f, dv, s, from, n, units, zeros, out, pos, off)
                    : longBcd(f, track2, dv, s, from, n, units, zeros, out, pos, off);
        }
        return textDigits(f, track2, s, from, n, zeros, out, pos, off);
    }

    /** ASCII or EBCDIC digits, left zero-filled. */
    private static int textDigits(FieldSpec f, boolean track2, String s, int from, int n, int zeros, byte[] out, int pos, int off) {
        boolean eb = f.ebcdic;
        for (int i = 0; i < zeros; i++) out[pos++] = eb ? EBCDIC_ZERO : (byte) '0';
        if (!eb) {
            latin1From(s, from, n, out, pos);
            for (int i = pos, e = pos + n; i < e; i++) {
                int c = out[i];
                if ((c < '0' || c > '9') && !(track2 && (c == '=' || c == 'D'))) throw badValue(f, off);
            }
            return pos + n;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(from + i);
            if ((c < '0' || c > '9') && !(track2 && (c == '=' || c == 'D'))) throw badValue(f, off);
            out[pos++] = Codes.toEbcdic(c);
        }
        return pos;
    }

    /**
     * Packed BCD for long values: leading 0 nibbles (pad on the left when odd and left-padded, then the zero fill),
     * the digits, and a trailing 0 nibble when odd and right-padded. The ASCII digits are first copied (an array copy)
     * just after the field's bytes, which the caller reserved (see bcdScratch), then packed eight, four, two at a time.
     */
    private static int longBcd(FieldSpec f, boolean track2, byte[] dv, String s, int from, int n, int units, int zeros,
                               byte[] out, int pos, int off) {
        int nbytes = (units + 1) >> 1;
        int src = pos + nbytes;
        latin1From(s, from, n, out, src);
        int e = src + n;
        int lead = ((units & 1) == 1 && f.bcdLeft ? 1 : 0) + zeros;
        int p = pos;
        for (; lead >= 2; lead -= 2) out[p++] = 0;
        int i = src;
        if (lead == 1) {
            int d = i < e ? dv[out[i++] & 0xFF] : 0;
            if (d < 0) throw badValue(f, off);
            out[p++] = (byte) d;
        }
        if (!track2) { // eight digits at a time: check and pack them as one long
            for (; i + 8 <= e; i += 8) {
                long x = (long) LONG_BE.get(out, i);
                if ((x & 0xF0F0F0F0F0F0F0F0L) != 0x3030303030303030L
                        || ((x & 0x0F0F0F0F0F0F0F0FL) + 0x0606060606060606L & 0xF0F0F0F0F0F0F0F0L) != 0) {
                    throw badValue(f, off);
                }
                long y = (x & 0x0F000F000F000F00L) >>> 4 | (x & 0x000F000F000F000FL);
                out[p] = (byte) (y >>> 48);
                out[p + 1] = (byte) (y >>> 32);
                out[p + 2] = (byte) (y >>> 16);
                out[p + 3] = (byte) y;
                p += 4;
            }
            if (i + 4 <= e) { // then four at a time
                int x = (int) INT_BE.get(out, i);
                if ((x & 0xF0F0F0F0) != 0x30303030 || ((x & 0x0F0F0F0F) + 0x06060606 & 0xF0F0F0F0) != 0) {
                    throw badValue(f, off);
                }
                int y = (x & 0x0F000F00) >>> 4 | (x & 0x000F000F);
                out[p] = (byte) (y >>> 16);
                out[p + 1] = (byte) y;
                p += 2;
                i += 4;
            }
        }
        for (; i + 1 < e; i += 2) {
            int hi = dv[out[i] & 0xFF], lo = dv[out[i + 1] & 0xFF];
            if ((hi | lo) < 0) throw badValue(f, off);
            out[p++] = (byte) (hi << 4 | lo);
        }
        if (i < e) {
            int hi = dv[out[i] & 0xFF];
            if (hi < 0) throw badValue(f, off);
            out[p++] = (byte) (hi << 4);
        }
        return p;
    }

    private static final java.lang.invoke.VarHandle LONG_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private static final java.lang.invoke.VarHandle INT_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private static int dig(byte[] dv, char c) {
        return c < 256 ? dv[c] : -1;
    }

    /** BCD for short values: straight from the chars, no bulk copy (whose fixed cost dominates for a few digits). */
    private static int shortBcd(FieldSpec f, byte[] dv, String s, int from, int n, int units, int zeros, byte[] out, int pos, int off) {
        int lead = ((units & 1) == 1 && f.bcdLeft ? 1 : 0) + zeros;
        int p = pos;
        for (; lead >= 2; lead -= 2) out[p++] = 0;
        int i = from, e = from + n;
        if (lead == 1) {
            int d = i < e ? dig(dv, s.charAt(i++)) : 0;
            if (d < 0) throw badValue(f, off);
            out[p++] = (byte) d;
        }
        for (; i + 1 < e; i += 2) {
            int hi = dig(dv, s.charAt(i)), lo = dig(dv, s.charAt(i + 1));
            if ((hi | lo) < 0) throw badValue(f, off);
            out[p++] = (byte) (hi << 4 | lo);
        }
        if (i < e) {
            int hi = dig(dv, s.charAt(i));
            if (hi < 0) throw badValue(f, off);
            out[p++] = (byte) (hi << 4);
        }
        return p;
    }

    /** Digit values of ASCII bytes, -1 for anything else; the track-2 table also maps '=' and 'D' to 0xD. */
    private static final byte[] DV_NUM = new byte[256];
    private static final byte[] DV_TRACK2 = new byte[256];

    static {
        java.util.Arrays.fill(DV_NUM, (byte) -1);
        java.util.Arrays.fill(DV_TRACK2, (byte) -1);
        for (int d = 0; d < 10; d++) {
            DV_NUM['0' + d] = (byte) d;
            DV_TRACK2['0' + d] = (byte) d;
        }
        DV_TRACK2['='] = 0x0D;
        DV_TRACK2['D'] = 0x0D;
    }

    /** Extra room {@link #encodeText} needs after a field for its BCD working copy. */
    static int bcdScratch(FieldSpec f, String s) {
        return f.bcd ? s.length() : 0;
    }

    private static IsoException badValue(FieldSpec f, int off) {
        return packError(f, off, "has a non-numeric character");
    }

    private static int writePrefix(FieldSpec f, int units, byte[] out, int pos) {
        int nb = f.prefixBytes;
        switch (f.prefixEncoding()) {
            case ASCII:
            case EBCDIC: {
                int base = f.prefixEncoding() == PrefixEncoding.ASCII ? '0' : 0xF0;
                int v = units;
                for (int i = nb - 1; i >= 0; i--) {
                    out[pos + i] = (byte) (base + v % 10);
                    v /= 10;
                }
                return pos + nb;
            }
            case BCD: {
                int v = units;
                for (int i = nb - 1; i >= 0; i--) {
                    int two = v % 100;
                    v /= 100;
                    out[pos + i] = (byte) ((two / 10) << 4 | (two % 10));
                }
                return pos + nb;
            }
            default: {
                int v = units;
                for (int i = nb - 1; i >= 0; i--) {
                    out[pos + i] = (byte) v;
                    v >>>= 8;
                }
                return pos + nb;
            }
        }
    }
}
