package io.switchgate.iso;

import java.util.Objects;

/**
 * How one data element is laid out on the wire: a row of a dialect's table.
 *
 * <p>Units of {@link #maxLength()}: digits for numeric and track-2 fields, characters for text,
 * bytes for binary fields, and sign plus digits for amounts (as jPOS counts them).
 */
public final class FieldSpec {

    /** What the value is. */
    public enum Kind {
        /** Digits only. Fixed-length values are left zero-padded. */
        NUMERIC,
        /** Track 2: digits and the separator '=' (coded as nibble D in BCD). */
        TRACK2,
        /** Alphanumeric/special text. Fixed-length values are right space-padded. */
        CHAR,
        /** Raw bytes; read and written as uppercase hex text. */
        BINARY,
        /** 'C' or 'D' followed by digits (jPOS IFA_AMOUNT / IFB_AMOUNT). */
        AMOUNT,
        /** The bitmap (field 1). */
        BITMAP
    }

    /** How the content (not the length prefix) is encoded. */
    public enum Encoding {
        ASCII,
        /** Packed BCD, an odd digit count padded with a 0 nibble on the left. */
        BCD_LEFT,
        /** Packed BCD, an odd digit count padded with a 0 nibble on the right. */
        BCD_RIGHT,
        /** EBCDIC (IBM-1047, as jPOS). */
        EBCDIC,
        /** Raw bytes. */
        BINARY,
        /** Each byte as two ASCII hex characters (jPOS IFA_BINARY / IFA_BITMAP). */
        HEX;

        boolean isBcd() {
            return this == BCD_LEFT || this == BCD_RIGHT;
        }
    }

    /** How a variable length prefix is encoded. */
    public enum PrefixEncoding {
        /** Fixed length, no prefix. */
        NONE,
        /** Decimal digits in ASCII. */
        ASCII,
        /** Decimal digits in packed BCD (LL: 1 byte, LLL and LLLL: 2 bytes). */
        BCD,
        /** An unsigned big-endian binary count (LL: 1 byte, LLL and LLLL: 2 bytes). */
        BINARY,
        /** Decimal digits in EBCDIC. */
        EBCDIC
    }

    private final int number;
    private final String name;
    private final Kind kind;
    private final Encoding encoding;
    private final PrefixEncoding prefixEncoding;
    private final int prefixDigits;
    private final int maxLength;
    private final String source;
    // derived, for the hot path
    final int prefixBytes;
    final boolean fixed;
    final boolean bcd;      // BCD_LEFT or BCD_RIGHT
    final boolean bcdLeft;
    final boolean hexEnc;   // HEX content
    final boolean ebcdic;   // EBCDIC content
    final boolean amount;
    final boolean binary;
    final boolean digits;   // NUMERIC or TRACK2
    final boolean track2;

    /**
     * @param prefixDigits 0 for fixed-length fields; 2, 3 or 4 for LL, LLL, LLLL
     * @param source       where the row came from (e.g. the jPOS class name), for messages; may be null
     */
    public FieldSpec(int number, String name, Kind kind, Encoding encoding,
                     PrefixEncoding prefixEncoding, int prefixDigits, int maxLength, String source) {
        this.number = number;
        this.name = name == null ? "" : name;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        this.prefixEncoding = Objects.requireNonNull(prefixEncoding, "prefixEncoding");
        this.prefixDigits = prefixDigits;
        this.maxLength = maxLength;
        this.source = source;
        if (number < 0 || number > 192) throw new IllegalArgumentException("field " + number + ": number must be 0..192");
        if (maxLength <= 0) throw new IllegalArgumentException("field " + number + ": length must be positive");
        this.fixed = prefixEncoding == PrefixEncoding.NONE;
        this.bcd = encoding == Encoding.BCD_LEFT || encoding == Encoding.BCD_RIGHT;
        this.bcdLeft = encoding == Encoding.BCD_LEFT;
        this.hexEnc = encoding == Encoding.HEX;
        this.ebcdic = encoding == Encoding.EBCDIC;
        this.amount = kind == Kind.AMOUNT;
        this.binary = kind == Kind.BINARY;
        this.digits = kind == Kind.NUMERIC || kind == Kind.TRACK2;
        this.track2 = kind == Kind.TRACK2;
        if (fixed != (prefixDigits == 0)) {
            throw new IllegalArgumentException("field " + number + ": prefix digits " + prefixDigits + " do not fit prefix " + prefixEncoding);
        }
        if (!fixed && (prefixDigits < 1 || prefixDigits > 4)) {
            throw new IllegalArgumentException("field " + number + ": prefix must have 1 to 4 digits");
        }
        switch (prefixEncoding) {
            case NONE: prefixBytes = 0; break;
            case ASCII: case EBCDIC: prefixBytes = prefixDigits; break;
            case BCD: prefixBytes = (prefixDigits + 1) >> 1; break;
            default: prefixBytes = prefixDigits <= 2 ? 1 : 2; break;
        }
        int maxPrefixValue = prefixEncoding == PrefixEncoding.BINARY
                ? (prefixBytes == 1 ? 255 : 65535)
                : (prefixDigits == 1 ? 9 : prefixDigits == 2 ? 99 : prefixDigits == 3 ? 999 : 9999);
        if (!fixed && maxLength > maxPrefixValue) {
            throw new IllegalArgumentException("field " + number + ": length " + maxLength + " does not fit a " + prefixDigits + "-digit prefix");
        }
        if (kind == Kind.BINARY && !(encoding == Encoding.BINARY || encoding == Encoding.HEX)) {
            throw new IllegalArgumentException("field " + number + ": binary field needs BINARY or HEX encoding");
        }
        if ((kind == Kind.NUMERIC || kind == Kind.TRACK2 || kind == Kind.AMOUNT)
                && !(encoding == Encoding.ASCII || encoding == Encoding.EBCDIC || encoding.isBcd())) {
            throw new IllegalArgumentException("field " + number + ": numeric field needs ASCII, EBCDIC or BCD encoding");
        }
        if (kind == Kind.CHAR && !(encoding == Encoding.ASCII || encoding == Encoding.EBCDIC)) {
            throw new IllegalArgumentException("field " + number + ": text field needs ASCII or EBCDIC encoding");
        }
        if (kind == Kind.AMOUNT && !fixed) {
            throw new IllegalArgumentException("field " + number + ": amounts are fixed length");
        }
        if (kind == Kind.AMOUNT && maxLength < 2) {
            throw new IllegalArgumentException("field " + number + ": amount length must be at least 2");
        }
    }

    public int number() { return number; }
    public String name() { return name; }
    public Kind kind() { return kind; }
    public Encoding encoding() { return encoding; }
    public PrefixEncoding prefixEncoding() { return prefixEncoding; }
    /** 0 for fixed length, else 2 (LL), 3 (LLL) or 4 (LLLL). */
    public int prefixDigits() { return prefixDigits; }
    public int maxLength() { return maxLength; }
    public boolean isFixed() { return fixed; }
    /** True for binary fields: their text form is hex. */
    public boolean isBinary() { return binary; }
    /** Where this row came from (e.g. {@code org.jpos.iso.IFB_LLNUM}), or null. */
    public String source() { return source; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FieldSpec)) return false;
        FieldSpec f = (FieldSpec) o;
        return number == f.number && kind == f.kind && encoding == f.encoding && prefixEncoding == f.prefixEncoding
                && prefixDigits == f.prefixDigits && maxLength == f.maxLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(number, kind, encoding, prefixEncoding, prefixDigits, maxLength);
    }

    @Override
    public String toString() {
        return number + ":" + kind + "/" + encoding + (fixed ? "" : "/" + "LLLL".substring(0, prefixDigits) + "-" + prefixEncoding)
                + "/" + maxLength;
    }
}
