package io.switchgate.iso;

import java.nio.charset.StandardCharsets;

/**
 * An ISO 8583 message: an MTI and data elements 2..192.
 *
 * <p>A message produced by {@link Dialect#unpack} is a view over the frame bytes: the bitmap and every
 * field's offset were validated and recorded on unpack, and a field's value is decoded only when read.
 * The byte array given to unpack must therefore not be changed while the message is in use.
 *
 * <p>Values are text or bytes, as with jPOS's {@code ISOMsg}: {@link #getString} gives text as-is and binary
 * fields as uppercase hex; {@link #getBytes} gives binary fields raw and text as its ASCII bytes.
 * Not thread-safe.
 */
public final class IsoMessage {
    static final int MAX_FIELD = 192;

    private String mti;
    Dialect dialect;

    /** Present data fields: bit (n-1) of the 192-bit set, spread over three words. */
    long b0, b1, b2;
    /** Values set through the API (String or byte[]), by field number; null = not set here. Lazily allocated. */
    Object[] vals;

    // parsed view (all null/0 for a message built in code)
    byte[] buf;
    int base;
    int mtiEnd;        // absolute end of the MTI bytes in buf
    boolean mtiRaw;    // the MTI is still the parsed bytes buf[base, mtiEnd)
    long p0, p1, p2;   // fields present when parsed (for ranking into lay)
    int[] lay;         // per parsed field: start, dataStart, units, end (absolute offsets in buf)

    public IsoMessage() {
    }

    public IsoMessage(String mti) {
        setMti(mti);
    }

    // ------------------------------------------------------------------ MTI

    public String getMti() {
        if (mti == null && mtiRaw) {
            FieldSpec f = dialect.field(0);
            mti = FieldCodec.decodeString(f, buf, base, f.maxLength(), mtiEnd);
        }
        return mti;
    }

    public IsoMessage setMti(String mti) {
        this.mti = mti;
        this.mtiRaw = false;
        return this;
    }

    // ------------------------------------------------------------------ presence

    private static void checkField(int n) {
        if (n < 2 || n > MAX_FIELD) throw new IllegalArgumentException("field number " + n + " out of range 2..192");
    }

    static boolean bit(long w0, long w1, long w2, int n) {
        int i = n - 1;
        long w = i < 64 ? w0 : i < 128 ? w1 : w2;
        return (w & (1L << (i & 63))) != 0;
    }

    private void setBit(int n, boolean on) {
        int i = n - 1;
        long m = 1L << (i & 63);
        if (i < 64) b0 = on ? b0 | m : b0 & ~m;
        else if (i < 128) b1 = on ? b1 | m : b1 & ~m;
        else b2 = on ? b2 | m : b2 & ~m;
    }

    public boolean hasField(int n) {
        if (n < 2 || n > MAX_FIELD) return false;
        return bit(b0, b1, b2, n);
    }

    /** Index of parsed field n in {@link #lay} (times 4). Precondition: n was parsed. */
    int layIndex(int n) {
        int i = n - 1;
        long below = (1L << (i & 63)) - 1;
        int r;
        if (i < 64) r = Long.bitCount(p0 & below);
        else if (i < 128) r = Long.bitCount(p0) + Long.bitCount(p1 & below);
        else r = Long.bitCount(p0) + Long.bitCount(p1) + Long.bitCount(p2 & below);
        return r << 2;
    }

    /** True if field n is present and its value is still the parsed bytes. */
    boolean isRaw(int n) {
        return bit(b0, b1, b2, n) && (vals == null || vals[n] == null);
    }

    // ------------------------------------------------------------------ values

    public String getString(int n) {
        if (!hasField(n)) return null;
        Object v = vals == null ? null : vals[n];
        if (v == null) {
            int k = layIndex(n);
            return FieldCodec.decodeString(dialect.field(n), buf, lay[k + 1], lay[k + 2], lay[k + 3]);
        }
        FieldSpec f = dialect == null ? null : dialect.field(n);
        boolean binary = f != null && f.isBinary();
        if (v instanceof String) {
            return binary ? Codes.upperHexText((String) v) : (String) v;
        }
        byte[] b = (byte[]) v;
        return f == null || binary ? Codes.hex(b) : new String(b, StandardCharsets.ISO_8859_1);
    }

    public byte[] getBytes(int n) {
        if (!hasField(n)) return null;
        Object v = vals == null ? null : vals[n];
        if (v == null) {
            int k = layIndex(n);
            return FieldCodec.decodeBytes(dialect.field(n), buf, lay[k + 1], lay[k + 2], lay[k + 3]);
        }
        FieldSpec f = dialect == null ? null : dialect.field(n);
        if (v instanceof byte[]) return ((byte[]) v).clone();
        String s = (String) v;
        if (f != null && f.isBinary()) {
            byte[] b = Codes.unhexOrNull(s);
            if (b != null) return b;
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sets field n; a binary field accepts hex text. A null value unsets the field. */
    public IsoMessage set(int n, String value) {
        checkField(n);
        if (value == null) return unset(n);
        put(n, value);
        return this;
    }

    /** Sets field n; binary fields take the bytes raw, text fields read them as ASCII. A null value unsets the field. */
    public IsoMessage set(int n, byte[] value) {
        checkField(n);
        if (value == null) return unset(n);
        put(n, value.clone());
        return this;
    }

    private void put(int n, Object value) {
        if (vals == null) vals = new Object[MAX_FIELD + 1];
        vals[n] = value;
        setBit(n, true);
    }

    public IsoMessage unset(int n) {
        checkField(n);
        if (vals != null) vals[n] = null;
        setBit(n, false);
        return this;
    }

    /** Present data fields in ascending order. */
    public int[] presentFields() {
        int[] out = new int[Long.bitCount(b0) + Long.bitCount(b1) + Long.bitCount(b2)];
        int k = 0;
        k = collect(b0, 1, out, k);
        k = collect(b1, 65, out, k);
        collect(b2, 129, out, k);
        return out;
    }

    private static int collect(long w, int first, int[] out, int k) {
        while (w != 0) {
            out[k++] = first + Long.numberOfTrailingZeros(w);
            w &= w - 1;
        }
        return k;
    }

    /** A deep copy (parsed bytes are shared: they are never written). */
    public IsoMessage copy() {
        IsoMessage c = new IsoMessage();
        c.copyViewFrom(this);
        c.mti = mti;
        c.mtiEnd = mtiEnd;
        c.mtiRaw = mtiRaw;
        c.b0 = b0;
        c.b1 = b1;
        c.b2 = b2;
        if (vals != null) {
            c.vals = vals.clone();
            for (int i = 0; i < c.vals.length; i++) {
                if (c.vals[i] instanceof byte[]) c.vals[i] = ((byte[]) c.vals[i]).clone();
            }
        }
        return c;
    }

    private void copyViewFrom(IsoMessage o) {
        dialect = o.dialect;
        buf = o.buf;
        base = o.base;
        p0 = o.p0;
        p1 = o.p1;
        p2 = o.p2;
        lay = o.lay;
    }

    /**
     * A new message whose MTI is this one's with the third digit plus one (0200 -> 0210, 0420 -> 0430, 0800 -> 0810),
     * with the listed fields copied when present. Same dialect.
     */
    public IsoMessage toResponse(int... echoFields) {
        String m = getMti();
        if (m == null || m.length() != 4) throw new IllegalStateException("message has no 4-digit MTI");
        char d = m.charAt(2);
        if (d < '0' || d > '9') throw new IllegalStateException("MTI is not numeric");
        char[] r = {m.charAt(0), m.charAt(1), (char) ('0' + (d - '0' + 1) % 10), m.charAt(3)};
        IsoMessage resp = new IsoMessage(new String(r));
        resp.copyViewFrom(this);
        if (echoFields != null) {
            for (int n : echoFields) {
                if (n < 2 || n > MAX_FIELD || !hasField(n)) continue;
                Object v = vals == null ? null : vals[n];
                if (v != null) {
                    resp.put(n, v instanceof byte[] ? ((byte[]) v).clone() : v);
                } else {
                    resp.setBit(n, true); // shares the parsed bytes
                }
            }
        }
        return resp;
    }

    /**
     * For a message produced by unpack: the offset (from the first MTI byte) where field n's encoding starts,
     * length prefix included; -1 if the field is absent or was not parsed from bytes.
     */
    public int offsetOf(int n) {
        if (buf == null || !isRaw(n) || n < 2 || n > MAX_FIELD) return -1;
        return lay[layIndex(n)] - base;
    }

    /** Offset just after field n's encoding, or -1 (see {@link #offsetOf}). */
    public int endOffsetOf(int n) {
        if (buf == null || !isRaw(n) || n < 2 || n > MAX_FIELD) return -1;
        return lay[layIndex(n) + 3] - base;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Binds this message to a dialect (used to interpret binary fields set as text). */
    public IsoMessage dialect(Dialect d) {
        if (buf != null && d != dialect) throw new IllegalStateException("a parsed message keeps its dialect");
        this.dialect = d;
        return this;
    }

    /** Field-by-field equality of MTI and text values (binary as hex). */
    public boolean sameAs(IsoMessage o) {
        if (o == null) return false;
        if (!java.util.Objects.equals(getMti(), o.getMti())) return false;
        if (b0 != o.b0 || b1 != o.b1 || b2 != o.b2) return false;
        for (int n : presentFields()) {
            if (!java.util.Objects.equals(getString(n), o.getString(n))) return false;
        }
        return true;
    }

    /** A readable dump with PAN and track data masked; never logs sensitive values in clear. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("IsoMessage[").append(getMti());
        for (int n : presentFields()) {
            String v = getString(n);
            if (n == 2) v = PanMask.mask(v);
            else if (n == 35 || n == 36 || n == 45) v = PanMask.maskTrack2(v);
            else if (n == 52 || n == 55 || n == 64 || n == 128 || n == 96) v = "[" + v.length() / 2 + " bytes]";
            sb.append(' ').append(n).append('=').append(v);
        }
        return sb.append(']').toString();
    }
}
