package io.switchgate.iso;

import java.nio.charset.StandardCharsets;

/**
 * Packs a message that shares a frame parsed with the same dialect, typically a response built by
 * {@link IsoMessage#toResponse}: most of its fields are the request's own bytes.
 *
 * <p>Two passes. The first plans the output: consecutive fields that are still as parsed and lie next to each other in
 * the frame become one run of bytes (length prefixes included), each field set since parsing becomes one encoding
 * step; lengths are checked and the output size is summed. The second allocates the result once (or writes into the
 * caller's array) and fills it: one {@code System.arraycopy} per run, set fields encoded straight into place. No
 * per-field objects, no Strings of our own.
 *
 * <p>Produces exactly what encoding every field one by one produces (the differential tests compare it with jPOS);
 * a set field never copies the bytes it replaced, since runs are made only of fields with no set value.
 */
final class FramePacker {
    /** Per-thread plan: pairs of ints, {@code (start, length)} of a run in the frame, or {@code (-1 - k, size)} for
     *  the message's k-th set value. Plus a spare buffer for the rare encodings that need working room. */
    private static final class Plan {
        final int[] steps = new int[4 * (IsoMessage.MAX_FIELD + 1)];
        int count;       // ints used in steps
        int fieldsStart; // size of MTI + bitmap
        int size;        // total packed size
        int bitmapBytes; // 8, 16 or 24
        byte[] spare = new byte[256];
    }

    private static final ThreadLocal<Plan> PLANS = ThreadLocal.withInitial(Plan::new);

    private FramePacker() {
    }

    /** True when {@code m} shares a frame parsed with {@code d}, so that its unchanged fields can be copied. */
    static boolean applies(Dialect d, IsoMessage m) {
        return m.buf != null && m.dialect == d;
    }

    static byte[] pack(Dialect d, IsoMessage m) {
        Plan p = plan(d, m);
        byte[] out = new byte[p.size];
        emit(d, m, p, out, 0);
        return out;
    }

    static int pack(Dialect d, IsoMessage m, byte[] dst, int off) {
        Plan p = plan(d, m);
        if (off < 0 || dst.length - off < p.size) {
            throw new IsoException(-1, 0, "destination too small: need " + p.size + " bytes");
        }
        emit(d, m, p, dst, off);
        return p.size;
    }

    // ------------------------------------------------------------------ pass 1: plan

    private static Plan plan(Dialect d, IsoMessage m) {
        Plan p = PLANS.get();
        int nb = d.bitmapSize(m);
        if (m.parsedBitmapBytes > nb) nb = m.parsedBitmapBytes; // repack as received (e.g. an empty secondary bitmap)
        p.bitmapBytes = nb;
        int pos = d.mtiBytes() + (d.hexBitmap() ? 2 * nb : nb);
        p.fieldsStart = pos;
        final int[] steps = p.steps;
        final int[] starts = m.starts;
        final int[] keys = m.keys;
        final Object[] values = m.values;
        int c = 0;
        int ki = 0;           // cursor into the ascending set values
        int runEnd = -1;      // frame offset where the open run ends (-1: no run open)
        for (int w = 0; w < 3; w++) {
            long bits = w == 0 ? m.b0 : w == 1 ? m.b1 : m.b2;
            long set = w == 0 ? m.s0 : w == 1 ? m.s1 : m.s2;
            while (bits != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                long mask = 1L << bit;
                bits &= bits - 1;
                int n = (w << 6) + bit + 1;
                if ((set & mask) != 0) {
                    FieldSpec f = d.spec(n);
                    if (f == null) throw new IsoException(n, pos, "field " + n + " is not defined in dialect " + d.name());
                    while (keys[ki] < n) ki++;
                    int size = sizeOf(f, values[ki], pos);
                    steps[c++] = -1 - ki;
                    steps[c++] = size;
                    pos += size;
                    runEnd = -1;
                    continue;
                }
                // still as parsed, so defined in this dialect; its spec is needed only to measure it in a frame with gaps
                int rank = m.rankOf(n);
                int start = starts[rank];
                int end = m.gapless ? (rank + 1 < starts.length ? starts[rank + 1] : m.limit) : FieldCodec.endAt(d.spec(n), m.buf, start);
                if (start == runEnd) {
                    steps[c - 1] += end - start; // the field follows the open run in the frame: extend it
                } else {
                    steps[c++] = start;
                    steps[c++] = end - start;
                }
                runEnd = end;
                pos += end - start;
            }
        }
        p.count = c;
        p.size = pos;
        return p;
    }

    /** Encoded size of a set value, prefix included; checks its length (IsoException at {@code off}). */
    private static int sizeOf(FieldSpec f, Object v, int off) {
        if (f.isBinary()) return FieldCodec.sizeBinary(f, binary(f, v, off), off);
        return FieldCodec.sizeText(f, text(v), off);
    }

    private static byte[] binary(FieldSpec f, Object v, int off) {
        return v instanceof byte[] ? (byte[]) v : FieldCodec.unhex(f, (String) v, off); // a String here is bad hex
    }

    private static String text(Object v) {
        return v instanceof String ? (String) v : new String((byte[]) v, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ pass 2: emit

    private static void emit(Dialect d, IsoMessage m, Plan p, byte[] out, int off) {
        int pos = d.writeMti(m, out, off);
        int nb = p.bitmapBytes;
        long w0 = m.b0, w1 = m.b1;
        if (nb >= 16) w0 |= 1L;
        if (nb >= 24) w1 |= 1L;
        pos = d.writeBitmapWord(w0, out, pos);
        if (nb >= 16) pos = d.writeBitmapWord(w1, out, pos);
        if (nb >= 24) pos = d.writeBitmapWord(m.b2, out, pos);
        final int end = off + p.size;
        final int[] steps = p.steps;
        final byte[] frame = m.buf;
        for (int i = 0, c = p.count; i < c; i += 2) {
            int a = steps[i], len = steps[i + 1];
            if (a >= 0) {
                System.arraycopy(frame, a, out, pos, len);
            } else {
                int k = -1 - a;
                encode(d.spec(m.keys[k]), m.values[k], len, p, out, pos, end, pos - off);
            }
            pos += len;
        }
    }

    /**
     * Encodes a set value of {@code size} bytes (as planned) at {@code pos}. A long BCD value needs working room just after its bytes; inside the
     * message that room is where later fields go (written afterwards), past its end it is the spare buffer's.
     */
    private static void encode(FieldSpec f, Object v, int size, Plan p, byte[] out, int pos, int end, int off) {
        if (f.isBinary()) {
            FieldCodec.encodeBinary(f, binary(f, v, off), out, pos);
            return;
        }
        String t = text(v);
        int room = FieldCodec.bcdScratch(f, t);
        if (pos + size + room <= end) {
            FieldCodec.encodeText(f, t, out, pos, off);
            return;
        }
        if (p.spare.length < size + room) p.spare = new byte[size + room];
        FieldCodec.encodeText(f, t, p.spare, 0, off);
        System.arraycopy(p.spare, 0, out, pos, size);
    }
}
