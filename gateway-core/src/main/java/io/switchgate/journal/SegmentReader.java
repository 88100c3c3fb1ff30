package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment in order, checking each one (length in range, complete, CRC, the expected
 * sequence), and stops at the first that fails, saying why. Memory is one buffer of {@link RecordLayout#MAX_BATCH_BYTES},
 * whatever the segment's size. The payload is handed out as a view that is valid until the next call.
 */
final class SegmentReader implements AutoCloseable {
    /** Why reading stopped. */
    enum Stop {
        /** Not stopped: {@link #next()} returned a record. */
        NONE,
        /** The file ends exactly after the last record. */
        END_OF_FILE,
        /** A header of zeros: space the writer never reached (a segment is preallocated with zeros). */
        ZEROS,
        /** The length field is out of range. */
        BAD_LENGTH,
        /** The record would run past the end of the file. */
        CUT_SHORT,
        /** The CRC does not match the bytes. */
        BAD_CRC,
        /** A whole, checksummed record, but not the next sequence. */
        WRONG_SEQUENCE
    }

    private final FileChannel channel;
    private long fileSize;
    private final int maxPayload;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(RecordLayout.MAX_BATCH_BYTES);
    private final ByteBuffer view = buf.duplicate();
    private final ByteBuffer payload = buf.asReadOnlyBuffer();
    private final CRC32C crc = new CRC32C();

    /** File offset of buf[0]. */
    private long base;
    /** Bytes of buf holding file data. */
    private int filled;
    /** Index in buf of the next record to read. */
    private int pos;

    private long expected;
    private long sequence;
    private int type;
    private long recordOffset = -1;
    private Stop stop = Stop.NONE;
    private String stopDetail = "";

    SegmentReader(FileChannel channel, long expectedSequence, int maxPayload) throws IOException {
        this.channel = channel;
        this.fileSize = channel.size();
        this.expected = expectedSequence;
        this.maxPayload = maxPayload;
    }

    /** Moves to the next valid record; false (and {@link #stop()} says why) when there is none. */
    boolean next() throws IOException {
        if (stop != Stop.NONE) {
            return false;
        }
        long at = base + pos;
        long left = fileSize - at;
        if (left == 0) {
            return stopAt(Stop.END_OF_FILE, "end of file");
        }
        if (left < RecordLayout.HEADER_BYTES) {
            ensure((int) left);
            return stopAt(allZero(pos, (int) left) ? Stop.ZEROS : Stop.CUT_SHORT, left + " bytes left, less than a header");
        }
        ensure(RecordLayout.HEADER_BYTES);
        int length = buf.getInt(pos + RecordLayout.LENGTH_OFFSET);
        int stored = buf.getInt(pos + RecordLayout.CRC_OFFSET);
        long seq = buf.getLong(pos + RecordLayout.SEQUENCE_OFFSET);
        if (allZero(pos, RecordLayout.HEADER_BYTES)) {
            return stopAt(Stop.ZEROS, "zeros (never written)");
        }
        if (length < 0 || length > maxPayload) {
            return stopAt(Stop.BAD_LENGTH, "length field " + length + " out of range 0.." + maxPayload);
        }
        int total = RecordLayout.recordBytes(length);
        if (total > left) {
            return stopAt(Stop.CUT_SHORT, "a record of " + total + " bytes with only " + left + " left in the file");
        }
        ensure(total);
        int actual = RecordLayout.crcOf(view, pos, length, crc);
        if (actual != stored) {
            return stopAt(Stop.BAD_CRC, String.format("CRC32C %08x, stored %08x", actual, stored));
        }
        if (seq != expected) {
            return stopAt(Stop.WRONG_SEQUENCE, "sequence " + seq + ", expected " + expected);
        }
        sequence = seq;
        type = Short.toUnsignedInt(buf.getShort(pos + RecordLayout.TYPE_OFFSET));
        recordOffset = at;
        payload.limit(pos + total).position(pos + RecordLayout.HEADER_BYTES);
        pos += total;
        expected = seq + 1;
        return true;
    }

    /**
     * For a segment still being written: forgets the bytes read ahead of the last record returned and why reading
     * stopped, so the next {@link #next()} reads the file again from there. Bytes read ahead may have been zeros or a
     * record only half written at the time.
     */
    void forgetReadAhead() throws IOException {
        base += pos;
        pos = 0;
        filled = 0;
        stop = Stop.NONE;
        stopDetail = "";
        fileSize = channel.size();
    }

    private boolean stopAt(Stop why, String detail) {
        stop = why;
        stopDetail = detail;
        return false;
    }

    /** Makes sure buf holds at least {@code n} bytes from {@code pos}, reading more of the file if needed. */
    private void ensure(int n) throws IOException {
        if (pos + n <= filled) {
            return;
        }
        // Keep what is unread, move it to the front, and fill the rest.
        buf.limit(filled).position(pos);
        buf.compact();
        base += pos;
        filled = buf.position();
        pos = 0;
        while (filled < n) {
            buf.limit(buf.capacity()).position(filled);
            int read = channel.read(buf, base + filled);
            if (read < 0) {
                throw new IOException("segment shrank while being read: wanted " + n + " bytes at " + base);
            }
            filled += read;
        }
        buf.clear();
    }

    private boolean allZero(int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    long sequence() {
        return sequence;
    }

    int type() {
        return type;
    }

    /** The current record's payload, positioned at its first byte; valid until the next call of {@link #next()}. */
    ByteBuffer payload() {
        return payload;
    }

    long recordOffset() {
        return recordOffset;
    }

    /** File offset just past the last valid record read: where the next record goes. */
    long endOffset() {
        return base + pos;
    }

    /** The sequence the next record must have. */
    long expectedSequence() {
        return expected;
    }

    Stop stop() {
        return stop;
    }

    String stopDetail() {
        return stopDetail;
    }

    long fileSize() {
        return fileSize;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
