package io.switchgate.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of one journal record, and its checksum. All integers big-endian.
 *
 * <pre>
 * offset size field
 *  0      4   payload length (int, 0..MAX_PAYLOAD)
 *  4      4   CRC32C over bytes 0-3 and 8..end (length, sequence, type, payload)
 *  8      8   sequence (long; strictly increasing by one across the whole journal)
 * 16      2   type (unsigned short, the caller's record kind)
 * 18      n   payload
 * </pre>
 *
 * A header of eight zero bytes is never valid (the CRC of zero bytes is not zero), so the zeros a segment is
 * preallocated with read as "no record here".
 */
public final class RecordLayout {
    public static final int LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int TYPE_OFFSET = 16;
    public static final int HEADER_BYTES = 18;

    /** Largest payload of one record: records are decisions, not documents. */
    public static final int MAX_PAYLOAD = 256 << 10;

    /**
     * The writer never puts more than this in one write. Recovery relies on it: after a torn write, records the
     * same write carried may survive beyond the first bad one, but never further than this past it.
     */
    public static final int MAX_BATCH_BYTES = 1 << 20;

    private RecordLayout() {
    }

    /** Bytes a record with {@code payloadLength} bytes of payload takes in a segment. */
    public static int recordBytes(int payloadLength) {
        return HEADER_BYTES + payloadLength;
    }

    /**
     * The CRC32C of the record at {@code offset} in {@code buf}, whose header and payload are complete there.
     * {@code view} is a scratch duplicate of {@code buf} (so no buffer is allocated per record); its position and
     * limit are changed.
     */
    public static int crcOf(ByteBuffer view, int offset, int payloadLength, CRC32C crc) {
        crc.reset();
        view.limit(offset + CRC_OFFSET).position(offset);
        crc.update(view);
        view.limit(offset + HEADER_BYTES + payloadLength).position(offset + SEQUENCE_OFFSET);
        crc.update(view);
        return (int) crc.getValue();
    }
}
