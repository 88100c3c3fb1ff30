package io.switchgate.projection;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A reusable, growing byte array the codec writes into, with the primitive encodings of the change-set format
 * (see {@link ChangeSetCodec}). One per producing thread: {@link #reset()} and write again, so encoding allocates
 * nothing once the array has grown to the largest set (strings outside ASCII excepted).
 */
public final class PayloadWriter {
    private byte[] buf;
    private int len;
    private final java.util.zip.CRC32C checksum = new java.util.zip.CRC32C();

    public PayloadWriter() {
        this(512);
    }

    public PayloadWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public void reset() {
        len = 0;
    }

    /** A CRC32C of this writer's, reset, for the checksum of what it holds (one per writer: one per thread). */
    java.util.zip.CRC32C checksum() {
        checksum.reset();
        return checksum;
    }

    /** The bytes written so far are {@code array()[0 .. length())}; valid until the next write or reset. */
    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    /** Unsigned LEB128: 7 bits a byte, low bits first, high bit set on every byte but the last (1..10 bytes). */
    void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    /** A signed value, zigzag-mapped (0, -1, 1, -2, ... to 0, 1, 2, 3, ...) so that small magnitudes stay short. */
    void writeZigZag(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    void writeBool(boolean b) {
        writeByte(b ? 1 : 0);
    }

    /** Null as 0, otherwise the ordinal + 1. */
    void writeEnum(Enum<?> e) {
        writeByte(e == null ? 0 : e.ordinal() + 1);
    }

    /** Null as 0, otherwise the UTF-8 length + 1, then the UTF-8 bytes. */
    void writeString(String s) {
        if (s == null) {
            writeByte(0);
            return;
        }
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) ascii = s.charAt(i) < 0x80;
        if (ascii) {
            // the common case (ids, codes, hashes): no intermediate byte array
            writeVarLong(n + 1L);
            ensure(n);
            for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
        } else {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeVarLong(utf8.length + 1L);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, len, utf8.length);
            len += utf8.length;
        }
    }

    /** Null as 0, otherwise nanos + 1 (1..1,000,000,000), then the epoch seconds zigzag. */
    void writeInstant(Instant t) {
        if (t == null) {
            writeByte(0);
            return;
        }
        writeVarLong(t.getNano() + 1L);
        writeZigZag(t.getEpochSecond());
    }

    /** Null as byte 0, otherwise byte 1 and the epoch day zigzag. */
    void writeDate(LocalDate d) {
        if (d == null) {
            writeByte(0);
            return;
        }
        writeByte(1);
        writeZigZag(d.toEpochDay());
    }

    void writeIntBigEndian(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }
}
