package io.switchgate.iso;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An ISO 8583 message: an MTI and data elements 2..192.
 *
 * <p>A message produced by {@link Dialect#unpack} is a view over the frame bytes: the bitmap and every
 * field's length and content were validated on unpack and each field's offset recorded; a field's value is decoded
 * only when read. The byte array given to unpack must therefore not be changed while the message is in use.
 *
 * <p>Values are text or bytes, as with jPOS's {@code ISOMsg}: {@link #getString} gives text as-is and binary
 * fields as uppercase hex; {@link #getBytes} gives binary fields raw and text as its ASCII bytes.
 * Whether a field is binary is the dialect's business: a message built in code and not yet bound to a dialect
 * (see {@link #dialect(Dialect)}) reads a value back in the form it was set (a String as text, bytes as hex), as jPOS's
 * ISOMsg does; {@link Dialect#pack} always interprets values by its own field specs.
 * Not thread-safe.
 */
public final class IsoMessage {
    static final int MAX_FIELD = 192;

    private String mti;
    Dialect dialect;

    /** Present data fields: bit (n-1) of the 192-bit set, spread over three words. */
    long b0, b1, b2;
    /** Fields whose value was set through the API (held in keys/values). */
    long s0, s1, s2;
    int[] keys;        // field numbers of API-set values, ascending
    Object[] values;   // their values (String or byte[])
    int nvals;

    // parsed view (null/0 for a message built in code)
    byte[] buf;
    int base;
    boolean mtiRaw;    // the MTI is still the parsed bytes at buf[base]
    int parsedBitmapBytes; // bitmap size on the wire (8/16/24): kept on repack, even if a secondary bitmap was empty
    long p0, p1, p2;   // fields present when parsed (for ranking into starts)
    int[] starts;      // absolute start offset of each parsed field, in field order
    boolean gapless;   // every field of the frame was kept: field k ends where field k+1 starts, the last at limit
    int limit;         // end (exclusive) of the frame when gapless
    /**
     * Parsed fields already read as text, by rank (as {@link #starts}); null until the first {@link #getString}. The
     * engine reads a request's terminal, STAN, processing code and amount several times on its way (classification,
     * prefetch, decision, journal, log line): each read decoded and copied the bytes again.
     */
    private String[] decoded;

    public IsoMessage() {
    }

    public IsoMessage(String mti) {
        this.mti = mti;
    }

    // ------------------------------------------------------------------ MTI

    private static final String[] MTI_CACHE = new String[10000];

    /** A shared String for a 4-digit MTI (no allocation after the first use). */
    static String mtiString(int d0, int d1, int d2, int d3) {
        int k = ((d0 * 10 + d1) * 10 + d2) * 10 + d3;
        String s = MTI_CACHE[k];
        if (s == null) {
            s = new String(new char[] {(char) ('0' + d0), (char) ('0' + d1), (char) ('0' + d2), (char) ('0' + d3)});
            MTI_CACHE[k] = s;
        }
        return s;
    }

    public String getMti() {
        if (mti == null && mtiRaw) mti = dialect.decodeMti(buf, base);
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

    private void present(int n, boolean on) {
        int i = n - 1;
        long m = 1L << (i & 63);
        if (i < 64) b0 = on ? b0 | m : b0 & ~m;
        else if (i < 128) b1 = on ? b1 | m : b1 & ~m;
        else b2 = on ? b2 | m : b2 & ~m;
    }

    private void overridden(int n, boolean on) {
        int i = n - 1;
        long m = 1L << (i & 63);
        if (i < 64) s0 = on ? s0 | m : s0 & ~m;
        else if (i < 128) s1 = on ? s1 | m : s1 & ~m;
        else s2 = on ? s2 | m : s2 & ~m;
    }

    public boolean hasField(int n) {
        if (n < 2 || n > MAX_FIELD) return false;
        return bit(b0, b1, b2, n);
    }

    /** Whether any data field numbered {@code from} to {@code to} (both included, clamped to 2..192) is present. */
    public boolean hasAnyField(int from, int to) {
        from = Math.max(from, 2);
        to = Math.min(to, MAX_FIELD);
        return (b0 & bits(from, to, 1)) != 0 || (b1 & bits(from, to, 65)) != 0 || (b2 & bits(from, to, 129)) != 0;
    }

    /** The bits of fields {@code from..to} within the word that holds fields {@code first..first+63}. */
    private static long bits(int from, int to, int first) {
        int lo = Math.max(from, first) - first;
        int hi = Math.min(to, first + 63) - first;
        if (lo > hi) return 0;
        long upTo = hi == 63 ? -1L : (1L << (hi + 1)) - 1;
        return upTo & (-1L << lo);
    }

    /** Start offset (absolute, in buf) of parsed field n. Precondition: n was parsed. */
    int startOf(int n) {
        return starts[rankOf(n)];
    }

    /** Index of parsed field n in {@link #starts}: the number of parsed fields below it. */
    int rankOf(int n) {
        int i = n - 1;
        long below = (1L << (i & 63)) - 1;
        int r;
        if (i < 64) r = Long.bitCount(p0 & below);
        else if (i < 128) r = Long.bitCount(p0) + Long.bitCount(p1 & below);
        else r = Long.bitCount(p0) + Long.bitCount(p1) + Long.bitCount(p2 & below);
        return r;
    }

    /** The API-set value of field n (String or byte[]), or null if the field is absent or still the parsed bytes. */
    Object value(int n) {
        if (!bit(s0, s1, s2, n)) return null;
        for (int i = 0; i < nvals; i++) if (keys[i] == n) return values[i];
        return null;
    }

    // ------------------------------------------------------------------ values

    public String getString(int n) {
        if (!hasField(n)) return null;
        Object v = value(n);
        if (v == null) return parsedString(n);
        FieldSpec f = dialect == null ? null : dialect.field(n);
        boolean binary = f != null && f.isBinary();
        if (v instanceof String) return binary ? Codes.upperHexText((String) v) : (String) v;
        byte[] b = (byte[]) v;
        return f == null || binary ? Codes.hex(b) : new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Parsed field n as text, decoded on its first read only (the bytes under a view never change). */
    private String parsedString(int n) {
        int rank = rankOf(n);
        String[] d = decoded;
        if (d == null) decoded = d = new String[starts.length];
        String s = d[rank];
        if (s == null) d[rank] = s = FieldCodec.decodeString(dialect.field(n), buf, starts[rank]);
        return s;
    }

    public byte[] getBytes(int n) {
        if (!hasField(n)) return null;
        Object v = value(n);
        if (v == null) return FieldCodec.decodeBytes(dialect.field(n), buf, startOf(n));
        if (v instanceof byte[]) return ((byte[]) v).clone();
        String s = (String) v;
        FieldSpec f = dialect == null ? null : dialect.field(n);
        if (f != null && f.isBinary()) {
            byte[] b = Codes.unhexOrNull(s);
            if (b != null) return b;
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sets field n; a binary field accepts hex text. A null value unsets the field. Characters above U+00FF, which
     * ISO 8583 text cannot carry, are replaced by '?' (as jPOS's ISO-8859-1 packing does).
     */
    public IsoMessage set(int n, String value) {
        checkField(n);
        if (value == null) return unset(n);
        put(n, normalize(n, Codes.latin1(value)));
        return this;
    }

    /** Sets field n; binary fields take the bytes raw, text fields read them as ASCII. A null value unsets the field. */
    public IsoMessage set(int n, byte[] value) {
        checkField(n);
        if (value == null) return unset(n);
        put(n, normalize(n, value.clone()));
        return this;
    }

    /** With a dialect bound, store values in the form pack wants (binary as bytes, text as String). */
    private Object normalize(int n, Object v) {
        FieldSpec f = dialect == null ? null : dialect.field(n);
        if (f == null) return v;
        if (f.isBinary()) {
            if (v instanceof String) {
                byte[] b = Codes.unhexOrNull((String) v);
                return b != null ? b : v; // bad hex stays text: pack reports it
            }
            return v;
        }
        return v instanceof byte[] ? new String((byte[]) v, StandardCharsets.ISO_8859_1) : v;
    }

    private void put(int n, Object v) {
        if (bit(s0, s1, s2, n)) {
            for (int i = 0; i < nvals; i++) {
                if (keys[i] == n) {
                    values[i] = v;
                    break;
                }
            }
        } else {
            if (keys == null) {
                keys = new int[8];
                values = new Object[8];
            } else if (nvals == keys.length) {
                keys = Arrays.copyOf(keys, nvals * 2);
                values = Arrays.copyOf(values, nvals * 2);
            }
            int i = nvals;
            while (i > 0 && keys[i - 1] > n) { // keep ascending (appending in field order is the common case)
                keys[i] = keys[i - 1];
                values[i] = values[i - 1];
                i--;
            }
            keys[i] = n;
            values[i] = v;
            nvals++;
            overridden(n, true);
        }
        present(n, true);
    }

    public IsoMessage unset(int n) {
        checkField(n);
        if (bit(s0, s1, s2, n)) {
            for (int i = 0; i < nvals; i++) {
                if (keys[i] == n) {
                    System.arraycopy(keys, i + 1, keys, i, nvals - i - 1);
                    System.arraycopy(values, i + 1, values, i, nvals - i - 1);
                    nvals--;
                    values[nvals] = null;
                    break;
                }
            }
            overridden(n, false);
        }
        present(n, false);
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
        IsoMessage c = new IsoMessage(mti);
        c.shareView(this);
        c.mtiRaw = mtiRaw;
        c.parsedBitmapBytes = parsedBitmapBytes;
        c.b0 = b0;
        c.b1 = b1;
        c.b2 = b2;
        c.s0 = s0;
        c.s1 = s1;
        c.s2 = s2;
        if (keys != null) {
            c.keys = keys.clone();
            c.values = values.clone();
            c.nvals = nvals;
            for (int i = 0; i < nvals; i++) {
                if (c.values[i] instanceof byte[]) c.values[i] = ((byte[]) c.values[i]).clone();
            }
        }
        return c;
    }

    private void shareView(IsoMessage o) {
        dialect = o.dialect;
        buf = o.buf;
        base = o.base;
        p0 = o.p0;
        p1 = o.p1;
        p2 = o.p2;
        starts = o.starts;
        gapless = o.gapless;
        limit = o.limit;
    }

    /**
     * A new message whose MTI is this one's with the third digit plus one (0200 -> 0210, 0420 -> 0430, 0800 -> 0810),
     * with the listed fields copied when present. Same dialect; parsed fields are shared, not copied.
     */
    public IsoMessage toResponse(int... echoFields) {
        String m = getMti();
        if (m == null || m.length() != 4) throw new IllegalStateException("message has no 4-digit MTI");
        for (int i = 0; i < 4; i++) {
            char c = m.charAt(i);
            if (c < '0' || c > '9') throw new IllegalStateException("MTI is not numeric");
        }
        IsoMessage resp = new IsoMessage(mtiString(m.charAt(0) - '0', m.charAt(1) - '0', (m.charAt(2) - '0' + 1) % 10,
                m.charAt(3) - '0'));
        resp.shareView(this);
        if (echoFields != null) {
            for (int n : echoFields) {
                if (n < 2 || n > MAX_FIELD || !hasField(n)) continue;
                Object v = value(n);
                if (v != null) resp.put(n, v instanceof byte[] ? ((byte[]) v).clone() : v);
                else resp.present(n, true); // shares the parsed bytes
            }
        }
        return resp;
    }

    /**
     * For a message produced by unpack: the offset (from the first MTI byte) where field n's encoding starts,
     * length prefix included; -1 if the field is absent or was not parsed from bytes (e.g. set since).
     */
    public int offsetOf(int n) {
        if (buf == null || !hasField(n) || bit(s0, s1, s2, n)) return -1;
        return startOf(n) - base;
    }

    /** Offset just after field n's encoding, or -1 (see {@link #offsetOf}). */
    public int endOffsetOf(int n) {
        if (buf == null || !hasField(n) || bit(s0, s1, s2, n)) return -1;
        return FieldCodec.endAt(dialect.field(n), buf, startOf(n)) - base;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Binds a message built in code to a dialect: binary fields then read as hex/raw bytes by that dialect's specs.
     * A parsed message keeps the dialect it was parsed with.
     */
    public IsoMessage dialect(Dialect d) {
        if (buf != null && d != dialect) throw new IllegalStateException("a parsed message keeps its dialect");
        this.dialect = d;
        for (int i = 0; i < nvals; i++) values[i] = normalize(keys[i], values[i]);
        return this;
    }

    /** Same MTI, same fields, same text values (binary compared as hex). */
    public boolean sameAs(IsoMessage o) {
        if (o == null) return false;
        if (!java.util.Objects.equals(getMti(), o.getMti())) return false;
        if (b0 != o.b0 || b1 != o.b1 || b2 != o.b2) return false;
        for (int n : presentFields()) {
            if (!java.util.Objects.equals(getString(n), o.getString(n))) return false;
        }
        return true;
    }

    /** A readable dump with PAN and track data masked and secrets summarised; safe to log. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("IsoMessage[").append(getMti());
        for (int n : presentFields()) {
            String v = PanMask.forDisplay(n, getString(n));
            if (n == 52 || n == 55 || n == 64 || n == 96 || n == 128) v = "[" + (v.length() + 1) / 2 + " bytes]";
            sb.append(' ').append(n).append('=').append(v);
        }
        return sb.append(']').toString();
    }
}
