package io.switchgate.projection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the primitive encodings of {@link PayloadWriter} from a payload, checking every bound: a read past the end
 * or a value out of range is a {@link ChangeSetFormatException} naming the field, the offset and the payload's size.
 * Reads by absolute index, so the caller's buffer position is left alone.
 */
final class PayloadReader {
    private final ByteBuffer in;
    private final int start;
    private final int end;
    private final int payloadSize;
    private int pos;
    private byte[] scratch = new byte[64];
    /** Where in the set the reader is, for messages: the list being read and the element's index. */
    String list = "header";
    int item = -1;

    /**
     * Reads {@code in}'s bytes from its position up to {@code end} (exclusive, absolute); {@code payloadSize} is the
     * whole payload's, for messages.
     */
    PayloadReader(ByteBuffer in, int end, int payloadSize) {
        this.in = in;
        this.start = in.position();
        this.end = end;
        this.payloadSize = payloadSize;
        this.pos = start;
    }

    int offset() {
        return pos - start;
    }

    boolean atEnd() {
        return pos == end;
    }

    int remaining() {
        return end - pos;
    }

    ChangeSetFormatException error(String field, String what) {
        String where = item < 0 ? list : list + "[" + item + "]";
        return new ChangeSetFormatException("change set payload of " + payloadSize + " bytes: " + what + " reading "
                + where + "." + field + " at offset " + offset());
    }

    int readByte(String field) {
        if (pos >= end) throw error(field, "truncated");
        return in.get(pos++) & 0xFF;
    }

    long readVarLong(String field) {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte(field);
            if (shift == 63 && (b & 0x7E) != 0) throw error(field, "varint overflows 64 bits");
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw error(field, "varint longer than 10 bytes");
    }

    long readZigZag(String field) {
        long v = readVarLong(field);
        return (v >>> 1) ^ -(v & 1);
    }

    int readInt(String field) {
        long v = readZigZag(field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw error(field, "value " + v + " is not an int");
        return (int) v;
    }

    /** A count of elements, each at least one byte long: more than the bytes left cannot be right. */
    int readCount(String field) {
        long n = readVarLong(field);
        if (n > remaining()) throw error(field, "count " + n + " exceeds the " + remaining() + " bytes left");
        return (int) n;
    }

    boolean readBool(String field) {
        int b = readByte(field);
        if (b > 1) throw error(field, "boolean byte " + b + " is neither 0 nor 1");
        return b == 1;
    }

    <E extends Enum<E>> E readEnum(String field, E[] values) {
        int b = readByte(field);
        if (b == 0) return null;
        if (b > values.length) throw error(field, "enum ordinal " + (b - 1) + " unknown (" + values.length + " values)");
        return values[b - 1];
    }

    String readString(String field) {
        long n = readVarLong(field);
        if (n == 0) return null;
        long len = n - 1;
        if (len > remaining()) throw error(field, "truncated: string of " + len + " bytes, " + remaining() + " left");
        int l = (int) len;
        if (scratch.length < l) scratch = new byte[Math.max(l, scratch.length * 2)];
        in.get(pos, scratch, 0, l);
        pos += l;
        return new String(scratch, 0, l, StandardCharsets.UTF_8);
    }

    Instant readInstant(String field) {
        long n = readVarLong(field);
        if (n == 0) return null;
        if (n > 1_000_000_000L) throw error(field, "nanos " + (n - 1) + " out of range");
        long seconds = readZigZag(field);
        try {
            return Instant.ofEpochSecond(seconds, n - 1);
        } catch (DateTimeException e) {
            throw error(field, "instant out of range (" + seconds + " s)");
        }
    }

    LocalDate readDate(String field) {
        if (!readBool(field)) return null;
        long day = readZigZag(field);
        try {
            return LocalDate.ofEpochDay(day);
        } catch (DateTimeException e) {
            throw error(field, "epoch day " + day + " out of range");
        }
    }
}
