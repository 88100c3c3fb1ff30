package io.switchgate.iso;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.switchgate.iso.FieldSpec.Encoding;
import io.switchgate.iso.FieldSpec.Kind;
import io.switchgate.iso.FieldSpec.PrefixEncoding;

/**
 * A wire layout: a table of {@link FieldSpec}s (field 0 the MTI, field 1 the bitmap, 2..192 data elements)
 * and the pack/unpack that follows it. Immutable and thread-safe.
 *
 * <p>Built in: {@code iso87binary}, {@code iso87ascii}, {@code iso93binary} (byte for byte the layouts of jPOS's
 * {@code packager/*.xml} of the same names), kept as data in {@code io/switchgate/iso/<name>.csv}.
 * Any jPOS GenericPackager XML file made of the common field classes can be loaded as well.
 */
public final class Dialect {
    /** Names of the built-in dialects. */
    public static final List<String> BUILT_IN = List.of("iso87binary", "iso87ascii", "iso93binary");

    private static final Map<String, Dialect> CACHE = new ConcurrentHashMap<>();

    private final String name;
    private final FieldSpec[] fields = new FieldSpec[IsoMessage.MAX_FIELD + 1];
    private final FieldSpec mtiSpec;
    private final boolean hexBitmap;
    /** Bitmap capacity in bytes: 8, 16 or 24. */
    private final int bitmapBytes;

    private Dialect(String name, List<FieldSpec> specs) {
        this.name = name;
        for (FieldSpec f : specs) {
            if (fields[f.number()] != null) throw new IllegalArgumentException("field " + f.number() + " defined twice");
            fields[f.number()] = f;
        }
        mtiSpec = fields[0];
        if (mtiSpec == null) throw new IllegalArgumentException("field 0 (MTI) is not defined");
        if (!mtiSpec.isFixed() || mtiSpec.maxLength() != 4
                || !(mtiSpec.kind() == Kind.NUMERIC || mtiSpec.kind() == Kind.CHAR)) {
            throw new IllegalArgumentException("field 0 (MTI) must be 4 fixed digits");
        }
        FieldSpec bm = fields[1];
        if (bm == null || bm.kind() != Kind.BITMAP) throw new IllegalArgumentException("field 1 must be the bitmap");
        hexBitmap = bm.encoding() == Encoding.HEX;
        int cap = bm.maxLength() >= 24 ? 24 : bm.maxLength() >= 16 ? 16 : 8;
        bitmapBytes = cap;
        for (int i = 2; i <= IsoMessage.MAX_FIELD; i++) {
            if (fields[i] != null && fields[i].kind() == Kind.BITMAP) {
                throw new IllegalArgumentException("field " + i + ": only field 1 may be a bitmap");
            }
        }
    }

    /** A dialect from a table of field specs (0 = MTI, 1 = bitmap). */
    public static Dialect of(String name, List<FieldSpec> specs) {
        return new Dialect(name, specs);
    }

    /**
     * {@code iso87binary}, {@code iso87ascii}, {@code iso93binary}, or a path to a jPOS GenericPackager XML file.
     * @throws IllegalArgumentException naming the problem if it is neither
     */
    public static Dialect named(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) throw new IllegalArgumentException("dialect name is empty");
        Dialect d = CACHE.get(nameOrPath);
        if (d != null) return d;
        if (BUILT_IN.contains(nameOrPath)) {
            d = CACHE.computeIfAbsent(nameOrPath, Dialect::loadBuiltIn);
            return d;
        }
        Path p;
        try {
            p = Paths.get(nameOrPath);
        } catch (RuntimeException e) {
            throw unknown(nameOrPath);
        }
        if (!Files.isRegularFile(p)) throw unknown(nameOrPath);
        return fromGenericPackagerXml(p);
    }

    private static IllegalArgumentException unknown(String n) {
        return new IllegalArgumentException("unknown dialect '" + n + "': expected one of " + String.join(", ", BUILT_IN)
                + " or the path of a jPOS GenericPackager XML file");
    }

    /** Loads a jPOS GenericPackager XML file; unsupported field classes are an IllegalArgumentException naming field and class. */
    public static Dialect fromGenericPackagerXml(Path xml) {
        return GenericPackagerXml.load(xml);
    }

    private static Dialect loadBuiltIn(String name) {
        String res = name + ".csv";
        try (InputStream in = Dialect.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("missing resource " + res);
            return of(name, readTable(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), res));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + res, e);
        }
    }

    /**
     * Reads a dialect table: one field per line, {@code number,kind,encoding,prefix,length,name}, where prefix is
     * {@code FIXED} or {@code LL|LLL|LLLL-ASCII|BCD|BINARY|EBCDIC}. Lines starting with '#' are comments.
     */
    static List<FieldSpec> readTable(BufferedReader r, String source) throws IOException {
        List<FieldSpec> out = new ArrayList<>();
        String line;
        int ln = 0;
        while ((line = r.readLine()) != null) {
            ln++;
            line = line.trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] c = line.split(",", 6);
            if (c.length < 5) throw new IllegalArgumentException(source + ":" + ln + ": expected 6 columns");
            try {
                int num = Integer.parseInt(c[0].trim());
                Kind kind = Kind.valueOf(c[1].trim());
                Encoding enc = Encoding.valueOf(c[2].trim());
                String pre = c[3].trim();
                PrefixEncoding pe = PrefixEncoding.NONE;
                int digits = 0;
                if (!pre.equals("FIXED")) {
                    int dash = pre.indexOf('-');
                    String ls = pre.substring(0, dash);
                    if (!ls.chars().allMatch(ch -> ch == 'L')) throw new IllegalArgumentException("bad prefix " + pre);
                    digits = ls.length();
                    pe = PrefixEncoding.valueOf(pre.substring(dash + 1));
                }
                int len = Integer.parseInt(c[4].trim());
                out.add(new FieldSpec(num, c.length > 5 ? c[5].trim() : "", kind, enc, pe, digits, len, source));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ":" + ln + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    public String name() {
        return name;
    }

    /** The spec of field n (0 = MTI, 1 = bitmap), or null if not defined. */
    public FieldSpec field(int n) {
        return n < 0 || n > IsoMessage.MAX_FIELD ? null : fields[n];
    }

    /** The spec of field n, 0..192 (no range check: for the pack path, whose numbers come from the bitmap). */
    FieldSpec spec(int n) {
        return fields[n];
    }

    /** All defined field specs, ascending. */
    public List<FieldSpec> fields() {
        List<FieldSpec> l = new ArrayList<>();
        for (FieldSpec f : fields) if (f != null) l.add(f);
        return Collections.unmodifiableList(l);
    }

    /** True if bit 65 announces a tertiary bitmap (a bitmap of 24 bytes). */
    boolean tertiary() {
        return bitmapBytes >= 24;
    }

    // ------------------------------------------------------------------ unpack

    public IsoMessage unpack(byte[] data) {
        if (data == null) throw new IsoException(-1, 0, "no data");
        return unpack(data, 0, data.length);
    }

    /**
     * Validates the whole frame (MTI, bitmaps, every field's length and content) and returns a lazy view over it.
     * Throws only {@link IsoException} on malformed input.
     */
    public IsoMessage unpack(byte[] data, int offset, int length) {
        if (data == null) throw new IsoException(-1, 0, "no data");
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IsoException(-1, 0, "offset/length outside the array");
        }
        final int end = offset + length;
        int pos = offset;
        // MTI
        int mtiBytes = FieldCodec.contentBytes(mtiSpec, 4);
        if (length < mtiBytes) throw new IsoException(0, 0, "message shorter than its MTI");
        if (mtiSpec.kind() != Kind.CHAR) FieldCodec.validate(mtiSpec, data, pos, 4, mtiBytes, offset);
        pos += mtiBytes;
        // bitmap
        final int wordBytes = hexBitmap ? 16 : 8;
        long w0 = readBitmapWord(data, pos, end, offset);
        pos += wordBytes;
        long w1 = 0, w2 = 0;
        boolean ter = false;
        if ((w0 & 1L) != 0) {
            if (bitmapBytes < 16) throw new IsoException(-1, pos - offset, "secondary bitmap not supported by dialect " + name);
            w1 = readBitmapWord(data, pos, end, offset);
            pos += wordBytes;
            if ((w1 & 1L) != 0 && bitmapBytes >= 24) {
                w2 = readBitmapWord(data, pos, end, offset);
                pos += wordBytes;
                ter = true;
            }
        }
        final long w0raw = w0;
        w0 &= ~1L;
        if (ter) w1 &= ~1L;
        int count = Long.bitCount(w0) + Long.bitCount(w1) + Long.bitCount(w2);
        int[] starts = new int[count];
        int k = 0;
        for (int w = 0; w < 3; w++) {
            long bits = w == 0 ? w0 : w == 1 ? w1 : w2;
            while (bits != 0) {
                int n = (w << 6) + Long.numberOfTrailingZeros(bits) + 1;
                bits &= bits - 1;
                FieldSpec f = fields[n];
                if (f == null) {
                    throw new IsoException(n, pos - offset, "bitmap names field " + n + ", which dialect " + name + " does not define");
                }
                pos = FieldCodec.walk(f, data, pos, end, offset, starts, k++);
            }
        }
        if (pos != end) {
            throw new IsoException(-1, pos - offset, (end - pos) + " unexpected bytes after the last field");
        }
        return view(data, offset, ter ? 24 : (w0raw & 1L) != 0 ? 16 : 8, w0, w1, w2, starts, end);
    }

    /**
     * A lazy message over {@code data}: the fields present (bitmap words) and where each starts. {@code limit} is
     * the end of the frame when every field of it was kept (then each field ends where the next starts), else -1.
     */
    private IsoMessage view(byte[] data, int offset, int bitmapBytes, long w0, long w1, long w2, int[] starts, int limit) {
        IsoMessage m = new IsoMessage();
        m.dialect = this;
        m.buf = data;
        m.base = offset;
        m.mtiRaw = true;
        m.parsedBitmapBytes = bitmapBytes;
        m.b0 = m.p0 = w0;
        m.b1 = m.p1 = w1;
        m.b2 = m.p2 = w2;
        m.starts = starts;
        m.gapless = limit >= 0;
        m.limit = limit;
        return m;
    }

    /**
     * Best effort, for answering a frame that {@link #unpack} refused: the fields that can be read, in field order,
     * up to the first field whose length cannot be known (a bad length prefix, or the frame ends inside it). A field
     * whose length is known but whose content is invalid, or whose length is over its maximum, is left out and reading
     * goes on after it. Null when not even
     * the MTI and bitmap can be read. Never throws.
     */
    public IsoMessage unpackReadable(byte[] data, int offset, int length) {
        try {
            return unpack(data, offset, length);
        } catch (IsoException refused) {
            // read what can be read below
        }
        try {
            final int end = offset + length;
            int pos = offset;
            int mtiBytes = FieldCodec.contentBytes(mtiSpec, 4);
            if (length < mtiBytes) return null;
            if (mtiSpec.kind() != Kind.CHAR) FieldCodec.validate(mtiSpec, data, pos, 4, mtiBytes, offset);
            pos += mtiBytes;
            final int wordBytes = hexBitmap ? 16 : 8;
            long[] w = new long[3];
            w[0] = readBitmapWord(data, pos, end, offset);
            pos += wordBytes;
            boolean ter = false;
            if ((w[0] & 1L) != 0) {
                if (bitmapBytes < 16) return null;
                w[1] = readBitmapWord(data, pos, end, offset);
                pos += wordBytes;
                if ((w[1] & 1L) != 0 && bitmapBytes >= 24) {
                    w[2] = readBitmapWord(data, pos, end, offset);
                    pos += wordBytes;
                    ter = true;
                }
            }
            final long w0raw = w[0];
            w[0] &= ~1L;
            if (ter) w[1] &= ~1L;
            long[] read = new long[3];
            int[] starts = new int[Long.bitCount(w[0]) + Long.bitCount(w[1]) + Long.bitCount(w[2])];
            int k = 0;
            fields:
            for (int i = 0; i < 3; i++) {
                long bits = w[i];
                while (bits != 0) {
                    int bit = Long.numberOfTrailingZeros(bits);
                    int n = (i << 6) + bit + 1;
                    bits &= bits - 1;
                    FieldSpec f = fields[n];
                    if (f == null) break fields;
                    int start = pos;
                    int units;
                    if (f.fixed) {
                        units = f.maxLength();
                    } else {
                        try {
                            units = FieldCodec.readPrefixValue(f, data, pos, end, offset);
                        } catch (IsoException badPrefix) {
                            break fields;
                        }
                        pos += f.prefixBytes;
                    }
                    int nb = FieldCodec.contentBytes(f, units);
                    if (end - pos < nb) break fields;
                    // a length over the field's maximum whose bytes are all there: the field is left out, and the ones
                    // after it are read where its prefix says they start (DE 11 and 41 of a DE 2 one digit too long were
                    // lost, and with DE 41 the answer's MAC: a black-box audit)
                    boolean valid = units <= f.maxLength();
                    if (valid) {
                        try {
                            FieldCodec.validate(f, data, pos, units, nb, offset);
                        } catch (IsoException badContent) {
                            valid = false;
                        }
                    }
                    pos += nb;
                    if (valid) {
                        read[i] |= 1L << bit;
                        starts[k++] = start;
                    }
                }
            }
            // fields left out leave gaps between the kept ones: no frame end to give
            return view(data, offset, ter ? 24 : (w0raw & 1L) != 0 ? 16 : 8, read[0], read[1], read[2], starts, -1);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Reads 8 bitmap bytes (or 16 hex characters); returns them with field (64w + j + 1) at bit j. */
    private long readBitmapWord(byte[] b, int pos, int end, int base) {
        if (!hexBitmap) {
            if (end - pos < 8) throw new IsoException(-1, pos - base, "message truncated in its bitmap");
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (b[pos + i] & 0xFF);
            return Long.reverse(v);
        }
        if (end - pos < 16) throw new IsoException(-1, pos - base, "message truncated in its bitmap");
        long v = 0;
        for (int i = 0; i < 16; i++) {
            int h = Codes.hexVal(b[pos + i] & 0xFF);
            if (h < 0) throw new IsoException(-1, pos + i - base, "bitmap has a non-hex character");
            v = (v << 4) | h;
        }
        return Long.reverse(v);
    }

    /** The MTI if the first bytes decode as 4 digits, else null. Never throws. */
    public String peekMti(byte[] data, int offset, int length) {
        if (data == null || offset < 0 || length < 0 || offset > data.length - length) return null;
        int need = FieldCodec.contentBytes(mtiSpec, 4);
        if (length < need) return null;
        char[] c = new char[4];
        switch (mtiSpec.encoding()) {
            case ASCII:
                for (int i = 0; i < 4; i++) c[i] = (char) (data[offset + i] & 0xFF);
                break;
            case EBCDIC:
                for (int i = 0; i < 4; i++) c[i] = Codes.E2A[data[offset + i] & 0xFF];
                break;
            case BCD_LEFT:
            case BCD_RIGHT:
                for (int i = 0; i < 4; i++) {
                    int x = data[offset + (i >> 1)];
                    int d = (i & 1) == 0 ? (x >>> 4) & 0xF : x & 0xF;
                    c[i] = (char) (d < 10 ? '0' + d : 'X');
                }
                break;
            default:
                return null;
        }
        for (char x : c) if (x < '0' || x > '9') return null;
        return new String(c);
    }

    // ------------------------------------------------------------------ pack

    /** Reusable per-thread output buffer: pack writes here in one pass, then copies out the exact bytes. */
    private static final class Scratch {
        byte[] buf = new byte[2048];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Packs the message; IsoException (field, offset) if a value does not fit its spec. */
    public byte[] pack(IsoMessage m) {
        if (FramePacker.applies(this, m)) return FramePacker.pack(this, m);
        Scratch s = SCRATCH.get();
        int len = write(m, s);
        return java.util.Arrays.copyOf(s.buf, len);
    }

    /** Packs into {@code dst} at {@code off}; returns the number of bytes written. IsoException if dst is too small. */
    public int pack(IsoMessage m, byte[] dst, int off) {
        if (FramePacker.applies(this, m)) return FramePacker.pack(this, m, dst, off);
        Scratch s = SCRATCH.get();
        int len = write(m, s);
        if (off < 0 || dst.length - off < len) throw new IsoException(-1, 0, "destination too small: need " + len + " bytes");
        System.arraycopy(s.buf, 0, dst, off, len);
        return len;
    }

    /** The number of bytes {@link #pack} produces (packs into the per-thread buffer). */
    public int packedSize(IsoMessage m) {
        if (FramePacker.applies(this, m)) return FramePacker.pack(this, m).length;
        return write(m, SCRATCH.get());
    }

    private static byte[] ensure(Scratch s, int pos, int need) {
        byte[] b = s.buf;
        if (b.length - pos < need) {
            int cap = Math.max(b.length * 2, pos + need);
            b = java.util.Arrays.copyOf(b, cap);
            s.buf = b;
        }
        return b;
    }

    String decodeMti(byte[] b, int off) {
        FieldSpec f = mtiSpec;
        int d0, d1, d2, d3;
        switch (f.encoding()) {
            case BCD_LEFT:
            case BCD_RIGHT:
                d0 = (b[off] >>> 4) & 0xF;
                d1 = b[off] & 0xF;
                d2 = (b[off + 1] >>> 4) & 0xF;
                d3 = b[off + 1] & 0xF;
                break;
            case ASCII:
                d0 = b[off] - '0';
                d1 = b[off + 1] - '0';
                d2 = b[off + 2] - '0';
                d3 = b[off + 3] - '0';
                break;
            default:
                return FieldCodec.decodeString(f, b, off);
        }
        if ((d0 | d1 | d2 | d3) < 0 || d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9) return FieldCodec.decodeString(f, b, off);
        return IsoMessage.mtiString(d0, d1, d2, d3);
    }

    /** Bytes of the MTI on the wire. */
    int mtiBytes() {
        return FieldCodec.contentBytes(mtiSpec, 4);
    }

    boolean hexBitmap() {
        return hexBitmap;
    }

    /** Writes the MTI at {@code pos} (copied when it is still the parsed bytes of this dialect); returns the position after it. */
    int writeMti(IsoMessage m, byte[] out, int pos) {
        if (m.mtiRaw && FramePacker.applies(this, m)) {
            int len = mtiBytes();
            System.arraycopy(m.buf, m.base, out, pos, len);
            return pos + len;
        }
        String mti = m.getMti();
        if (mti == null) throw new IsoException(0, 0, "message has no MTI");
        if (mti.length() != 4) throw new IsoException(0, 0, "MTI must have 4 digits");
        int d0 = mti.charAt(0) - '0', d1 = mti.charAt(1) - '0', d2 = mti.charAt(2) - '0', d3 = mti.charAt(3) - '0';
        if ((d0 | d1 | d2 | d3) < 0 || d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9) {
            throw new IsoException(0, 0, "MTI must have 4 digits");
        }
        switch (mtiSpec.encoding()) { // the two common layouts directly; the MTI is on every message
            case BCD_LEFT:
            case BCD_RIGHT:
                out[pos] = (byte) (d0 << 4 | d1);
                out[pos + 1] = (byte) (d2 << 4 | d3);
                return pos + 2;
            case ASCII:
                out[pos] = (byte) ('0' + d0);
                out[pos + 1] = (byte) ('0' + d1);
                out[pos + 2] = (byte) ('0' + d2);
                out[pos + 3] = (byte) ('0' + d3);
                return pos + 4;
            default:
                return FieldCodec.encodeText(mtiSpec, mti, out, pos, 0);
        }
    }

    /** Packs a message built in code (or parsed with another dialect) field by field; see {@link FramePacker} for the rest. */
    private int write(IsoMessage m, Scratch s) {
        byte[] out = s.buf;
        int pos = writeMti(m, out, 0);
        int nb = bitmapSize(m);
        long w0 = m.b0, w1 = m.b1, w2 = m.b2;
        if (nb >= 16) w0 |= 1L;
        if (nb >= 24) w1 |= 1L;
        out = ensure(s, pos, hexBitmap ? nb * 2 : nb);
        pos = writeBitmapWord(w0, out, pos);
        if (nb >= 16) pos = writeBitmapWord(w1, out, pos);
        if (nb >= 24) pos = writeBitmapWord(w2, out, pos);
        final int[] keys = m.keys;
        final Object[] values = m.values;
        int ki = 0; // cursor into the message's ascending API-set values
        for (int w = 0; w < 3; w++) {
            long bits = w == 0 ? m.b0 : w == 1 ? m.b1 : m.b2;
            while (bits != 0) {
                int n = (w << 6) + Long.numberOfTrailingZeros(bits) + 1;
                bits &= bits - 1;
                FieldSpec f = fields[n];
                if (f == null) throw new IsoException(n, pos, "field " + n + " is not defined in dialect " + name);
                Object v = null;
                if (IsoMessage.bit(m.s0, m.s1, m.s2, n)) {
                    while (keys[ki] < n) ki++;
                    v = values[ki];
                }
                if (v == null) v = f.isBinary() ? m.getBytes(n) : Codes.latin1(m.getString(n)); // parsed with another dialect
                if (f.isBinary()) {
                    byte[] b = v instanceof byte[] ? (byte[]) v : FieldCodec.unhex(f, (String) v, pos);
                    out = ensure(s, pos, FieldCodec.sizeBinary(f, b, pos));
                    pos = FieldCodec.encodeBinary(f, b, out, pos);
                } else {
                    String t = v instanceof String ? (String) v : new String((byte[]) v, java.nio.charset.StandardCharsets.ISO_8859_1);
                    out = ensure(s, pos, FieldCodec.sizeText(f, t, pos) + FieldCodec.bcdScratch(f, t));
                    pos = FieldCodec.encodeText(f, t, out, pos, pos);
                }
            }
        }
        return pos;
    }

    /** The smallest bitmap (8, 16 or 24 bytes) that holds the message's fields; IsoException if the dialect has none that big. */
    int bitmapSize(IsoMessage m) {
        if (m.b2 != 0) {
            if (bitmapBytes < 24) {
                int n = 129 + Long.numberOfTrailingZeros(m.b2);
                throw new IsoException(n, -1, "field " + n + " needs a tertiary bitmap, which dialect " + name + " lacks");
            }
            if ((m.b1 & 1L) != 0) throw new IsoException(65, -1, "field 65 is the tertiary bitmap indicator in dialect " + name);
            return 24;
        }
        if (m.b1 != 0) {
            if (bitmapBytes < 16) {
                int n = 65 + Long.numberOfTrailingZeros(m.b1);
                throw new IsoException(n, -1, "field " + n + " needs a secondary bitmap, which dialect " + name + " lacks");
            }
            return 16;
        }
        return 8;
    }

    int writeBitmapWord(long internal, byte[] out, int pos) {
        long v = Long.reverse(internal);
        if (!hexBitmap) {
            for (int i = 7; i >= 0; i--) {
                out[pos + i] = (byte) v;
                v >>>= 8;
            }
            return pos + 8;
        }
        for (int i = 15; i >= 0; i--) {
            out[pos + i] = Codes.HEX_UPPER[(int) (v & 0xF)];
            v >>>= 4;
        }
        return pos + 16;
    }

    @Override
    public String toString() {
        return "Dialect[" + name + "]";
    }
}
