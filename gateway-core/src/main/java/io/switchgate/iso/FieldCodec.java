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
        if (f.kind() == Kind.AMOUNT) {
            return f.encoding().isBcd() ? 1 + (units >> 1) : units;
        }
        switch (f.encoding()) {
            case BCD_LEFT:
            case BCD_RIGHT:
                return (units + 1) >> 1;
            case HEX:
                return units << 1;
            default:
                return units;
        }
    }

    /**
     * Validates field {@code f} at {@code pos} and records {start, dataStart, units, end} in {@code lay[k..k+3]}.
     * @return the position after the field
     */
    static int walk(FieldSpec f, byte[] b, int pos, int end, int base, int[] lay, int k) {
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
        lay[k] = start;
        lay[k + 1] = pos;
        lay[k + 2] = units;
        lay[k + 3] = pos + n;
        return pos + n;
    }

    static int readPrefix(FieldSpec f, byte[] b, int pos, int end, int base) {
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
        if (v > f.maxLength()) {
            throw new IsoException(f.number(), pos - base,
                    "field " + f.number() + " length " + v + " exceeds maximum " + f.maxLength());
        }
        return v;
    }

    private static IsoException badPrefix(FieldSpec f, int off) {
        return new IsoException(f.number(), off, "field " + f.number() + " has a non-decimal length prefix");
    }

    private static IsoException badDigit(FieldSpec f, int off) {
        return new IsoException(f.number(), off, "field " + f.number() + " has a non-numeric character");
    }

    static void validate(FieldSpec f, byte[] b, int pos, int units, int n, int base) {
        switch (f.kind()) {
            case NUMERIC:
                digits(f, f.encoding(), false, b, pos, units, base);
                break;
            case TRACK2:
                digits(f, f.encoding(), true, b, pos, units, base);
                break;
            case AMOUNT: {
                int s = b[pos] & 0xFF;
                boolean ok = f.encoding() == Encoding.EBCDIC ? (s == 0xC3 || s == 0xC4) : (s == 'C' || s == 'D');
                if (!ok) throw new IsoException(f.number(), pos - base, "field " + f.number() + " has no C/D sign");
                digits(f, f.encoding(), false, b, pos + 1, units - 1, base);
                break;
            }
            case BINARY:
                if (f.encoding() == Encoding.HEX) {
                    for (int i = 0; i < n; i++) {
                        if (Codes.hexVal(b[pos + i] & 0xFF) < 0) {
                            throw new IsoException(f.number(), pos + i - base, "field " + f.number() + " has a non-hex character");
                        }
                    }
                }
                break;
            default:
                break; // CHAR: any byte
        }
    }

    private static void digits(FieldSpec f, Encoding e, boolean track2, byte[] b, int pos, int units, int base) {
        switch (e) {
            case ASCII:
                for (int i = 0; i < units; i++) {
                    int c = b[pos + i];
                    if ((c < '0' || c > '9') && !(track2 && (c == '=' || c == 'D'))) throw badDigit(f, pos + i - base);
                }
                break;
            case EBCDIC:
                for (int i = 0; i < units; i++) {
                    int c = b[pos + i] & 0xFF;
                    if ((c < 0xF0 || c > 0xF9) && !(track2 && (c == 0x7E || c == 0xC4))) throw badDigit(f, pos + i - base);
                }
                break;
            default: { // BCD
                int skip = (units & 1) == 1 && e == Encoding.BCD_LEFT ? 1 : 0;
                for (int i = 0; i < units; i++) {
                    int nib = i + skip;
                    int x = b[pos + (nib >> 1)];
                    int d = (nib & 1) == 0 ? (x >>> 4) & 0x0F : x & 0x0F;
                    if (d > 9 && !(track2 && d == 0x0D)) throw badDigit(f, pos + (nib >> 1) - base);
                }
            }
        }
    }

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
                    byte[] out = new byte[units];
                    out[0] = b[ds];
                    bcdToAscii(f.encoding(), false, b, ds + 1, units - 1, out, 1);
                    return new String(out, StandardCharsets.ISO_8859_1);
                }
                return text(f.encoding(), b, ds, de - ds);
            default:
                if (f.encoding().isBcd()) {
                    byte[] out = new byte[units];
                    bcdToAscii(f.encoding(), f.kind() == Kind.TRACK2, b, ds, units, out, 0);
                    return new String(out, StandardCharsets.ISO_8859_1);
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

    private static int len(Object v) {
        return v instanceof String ? ((String) v).length() : ((byte[]) v).length;
    }

    private static int ch(Object v, int i) {
        return v instanceof String ? ((String) v).charAt(i) : ((byte[]) v)[i] & 0xFF;
    }

    /** Value length in the field's units, validated against the spec. {@code v} is a String or byte[]. */
    static int valueUnits(FieldSpec f, Object v, int off) {
        int n = len(v);
        switch (f.kind()) {
            case BINARY: {
                if (v instanceof String) {
                    String s = (String) v;
                    if ((n & 1) != 0) throw packError(f, off, "is not an even-length hex string");
                    for (int i = 0; i < n; i++) {
                        if (Codes.hexVal(s.charAt(i)) < 0) throw packError(f, off, "is not an even-length hex string");
                    }
                    n >>= 1;
                }
                if (f.fixed ? n != f.maxLength() : n > f.maxLength()) {
                    throw packError(f, off, (f.fixed ? "must be exactly " : "must be at most ") + f.maxLength()
                            + " bytes, got " + n);
                }
                return n;
            }
            case AMOUNT: {
                if (n < 1) throw packError(f, off, "needs a C/D sign");
                int s = ch(v, 0);
                if (s != 'C' && s != 'D') throw packError(f, off, "needs a C/D sign");
                if (n > f.maxLength()) throw tooLong(f, off, n);
                for (int i = 1; i < n; i++) {
                    int c = ch(v, i);
                    if (c < '0' || c > '9') throw packError(f, off, "has a non-numeric character");
                }
                return f.maxLength();
            }
            case NUMERIC:
            case TRACK2: {
                if (n > f.maxLength()) throw tooLong(f, off, n);
                boolean t2 = f.kind() == Kind.TRACK2;
                for (int i = 0; i < n; i++) {
                    int c = ch(v, i);
                    if ((c < '0' || c > '9') && !(t2 && (c == '=' || c == 'D'))) {
                        throw packError(f, off, "has a non-numeric character");
                    }
                }
                return f.fixed ? f.maxLength() : n;
            }
            default:
                if (n > f.maxLength()) throw tooLong(f, off, n);
                return f.fixed ? f.maxLength() : n;
        }
    }

    private static IsoException tooLong(FieldSpec f, int off, int n) {
        return packError(f, off, "length " + n + " exceeds maximum " + f.maxLength());
    }

    private static IsoException packError(FieldSpec f, int off, String what) {
        return new IsoException(f.number(), off, "field " + f.number() + " " + what);
    }

    /** Total encoded size (prefix and content) of a value already measured by {@link #valueUnits}. */
    static int encodedSize(FieldSpec f, int units) {
        return f.prefixBytes + contentBytes(f, units);
    }

    /** Writes the field; returns the position after it. Assumes {@link #valueUnits} accepted the value. */
    static int encode(FieldSpec f, Object v, int units, byte[] out, int pos) {
        if (!f.fixed) pos = writePrefix(f, units, out, pos);
        final int n = len(v);
        switch (f.kind()) {
            case BINARY:
                if (f.encoding() == Encoding.HEX) {
                    for (int i = 0; i < units; i++) {
                        int x = binAt(v, i);
                        out[pos++] = Codes.HEX_UPPER[x >>> 4];
                        out[pos++] = Codes.HEX_UPPER[x & 0x0F];
                    }
                } else if (v instanceof byte[]) {
                    System.arraycopy(v, 0, out, pos, units);
                    pos += units;
                } else {
                    for (int i = 0; i < units; i++) out[pos++] = (byte) binAt(v, i);
                }
                return pos;
            case AMOUNT: {
                int sign = ch(v, 0);
                out[pos++] = f.encoding() == Encoding.EBCDIC ? Codes.toEbcdic((char) sign) : (byte) sign;
                return writeDigits(f.encoding(), false, v, 1, n - 1, units - 1, out, pos);
            }
            case NUMERIC:
            case TRACK2:
                return writeDigits(f.encoding(), f.kind() == Kind.TRACK2, v, 0, n, units, out, pos);
            default: { // CHAR: right space-padded when fixed
                boolean eb = f.encoding() == Encoding.EBCDIC;
                for (int i = 0; i < n; i++) {
                    int c = ch(v, i);
                    out[pos++] = eb ? Codes.toEbcdic((char) c) : (c < 256 ? (byte) c : (byte) '?');
                }
                for (int i = n; i < units; i++) out[pos++] = eb ? EBCDIC_SPACE : (byte) ' ';
                return pos;
            }
        }
    }

    private static int binAt(Object v, int i) {
        if (v instanceof byte[]) return ((byte[]) v)[i] & 0xFF;
        String s = (String) v;
        return Codes.hexVal(s.charAt(2 * i)) << 4 | Codes.hexVal(s.charAt(2 * i + 1));
    }

    /** Writes {@code units} digits: {@code units - n} leading zeros then v[from, from+n). */
    private static int writeDigits(Encoding e, boolean track2, Object v, int from, int n, int units, byte[] out, int pos) {
        int zeros = units - n;
        switch (e) {
            case ASCII:
                for (int i = 0; i < zeros; i++) out[pos++] = '0';
                for (int i = 0; i < n; i++) out[pos++] = (byte) ch(v, from + i);
                return pos;
            case EBCDIC:
                for (int i = 0; i < zeros; i++) out[pos++] = EBCDIC_ZERO;
                for (int i = 0; i < n; i++) out[pos++] = Codes.toEbcdic((char) ch(v, from + i));
                return pos;
            default: {
                int nbytes = (units + 1) >> 1;
                int skip = (units & 1) == 1 && e == Encoding.BCD_LEFT ? 1 : 0;
                Arrays.fill(out, pos, pos + nbytes, (byte) 0);
                for (int i = zeros; i < units; i++) {
                    int c = ch(v, from + i - zeros);
                    int d = c == '=' || c == 'D' ? 0x0D : c - '0';
                    int nib = i + skip;
                    out[pos + (nib >> 1)] |= (nib & 1) == 0 ? (byte) (d << 4) : (byte) d;
                }
                return pos + nbytes;
            }
        }
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
