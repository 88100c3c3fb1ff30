package io.switchgate.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One batch of records laid out exactly as they go to disk, in a direct buffer reused batch after batch. The
 * producer appends (header without CRC, then payload); the writer thread fills in the CRCs ({@link #seal()}), so the
 * producer's thread pays only for a copy. At most {@link RecordLayout#MAX_BATCH_BYTES}: recovery counts on it.
 */
final class StagingBuffer {
    private final ByteBuffer buf = ByteBuffer.allocateDirect(RecordLayout.MAX_BATCH_BYTES);
    private final ByteBuffer view = buf.duplicate();
    private final ByteBuffer writeView = buf.duplicate();
    private final CRC32C crc = new CRC32C();
    private int size;
    private int count;
    private long lastSequence;

    /** Appends a record if it fits; false if the batch is too full for it. */
    boolean tryAppend(long sequence, int type, byte[] payload, int off, int len) {
        if (!header(sequence, type, len)) {
            return false;
        }
        buf.put(size + RecordLayout.HEADER_BYTES, payload, off, len);
        size += RecordLayout.recordBytes(len);
        return true;
    }

    /** As {@link #tryAppend(long, int, byte[], int, int)}, copying {@code payload}'s remaining bytes (its position is unchanged). */
    boolean tryAppend(long sequence, int type, ByteBuffer payload) {
        int len = payload.remaining();
        if (!header(sequence, type, len)) {
            return false;
        }
        buf.put(size + RecordLayout.HEADER_BYTES, payload, payload.position(), len);
        size += RecordLayout.recordBytes(len);
        return true;
    }

    private boolean header(long sequence, int type, int len) {
        if (size + RecordLayout.recordBytes(len) > buf.capacity()) {
            return false;
        }
        buf.putInt(size + RecordLayout.LENGTH_OFFSET, len);
        buf.putInt(size + RecordLayout.CRC_OFFSET, 0);
        buf.putLong(size + RecordLayout.SEQUENCE_OFFSET, sequence);
        buf.putShort(size + RecordLayout.TYPE_OFFSET, (short) type);
        count++;
        lastSequence = sequence;
        return true;
    }

    /** Computes and stores every record's CRC. Writer thread, once per batch. */
    void seal() {
        for (int at = 0; at < size; ) {
            int len = buf.getInt(at + RecordLayout.LENGTH_OFFSET);
            buf.putInt(at + RecordLayout.CRC_OFFSET, RecordLayout.crcOf(view, at, len, crc));
            at += RecordLayout.recordBytes(len);
        }
    }

    /** How many bytes of whole records, starting at {@code from}, fit in {@code room} bytes. */
    int wholeRecordsWithin(int from, long room) {
        int at = from;
        while (at < size) {
            int next = at + RecordLayout.recordBytes(buf.getInt(at + RecordLayout.LENGTH_OFFSET));
            if (next - from > room) {
                break;
            }
            at = next;
        }
        return at - from;
    }

    /** The sequence of the record starting at {@code offset}. */
    long sequenceAt(int offset) {
        return buf.getLong(offset + RecordLayout.SEQUENCE_OFFSET);
    }

    /** A view of bytes {@code [from, from + n)} for writing; the same view object every time. */
    ByteBuffer slice(int from, int n) {
        writeView.limit(from + n).position(from);
        return writeView;
    }

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return size;
    }

    int count() {
        return count;
    }

    long lastSequence() {
        return lastSequence;
    }

    void clear() {
        size = 0;
        count = 0;
    }
}
