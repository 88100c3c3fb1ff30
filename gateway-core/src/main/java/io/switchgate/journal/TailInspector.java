package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Looks at what lies after the last good record of the last segment: how far non-zero bytes reach (what a cut
 * discards), and whether any whole, checksummed record with a later sequence is there. Such a record tells a torn
 * tail from corruption: a torn write leaves at most {@link RecordLayout#MAX_BATCH_BYTES} of partly written records,
 * so a good later record further than that from the cut was written by a later batch, after the bad one had been
 * written (and, with {@code fsync}, forced): the bad record is not a tail, and cutting it would drop good records.
 *
 * <p>It tries every byte offset, so it reads the rest of the segment once; zero chunks (the preallocated space) are
 * skipped after a quick check.
 */
final class TailInspector {
    private static final int CHUNK = 1 << 20;

    /**
     * @param dirtyEnd            offset just past the last non-zero byte at or after the cut (the cut itself if none)
     * @param laterRecords        how many good records with a later sequence were found after the cut
     * @param furthestOffset      offset of the furthest of them, -1 if none
     * @param furthestSequence    its sequence
     */
    record Finding(long dirtyEnd, int laterRecords, long furthestOffset, long furthestSequence) {
    }

    private TailInspector() {
    }

    static Finding inspect(FileChannel ch, long cut, long lastSequence, int maxPayload) throws IOException {
        long fileSize = ch.size();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer record = ByteBuffer.allocateDirect(RecordLayout.recordBytes(maxPayload));
        ByteBuffer recordView = record.duplicate();
        CRC32C crc = new CRC32C();
        // A later record cannot have a sequence beyond this: every record takes at least a header.
        long maxSequence = lastSequence + 1 + (fileSize - cut) / RecordLayout.HEADER_BYTES;
        long dirtyEnd = cut;
        int found = 0;
        long furthest = -1;
        long furthestSeq = 0;
        long start = cut;
        while (start < fileSize) {
            int n = readFully(ch, chunk, start, (int) Math.min(CHUNK, fileSize - start));
            int lastNonZero = lastNonZero(chunk, n);
            if (lastNonZero >= 0) {
                dirtyEnd = Math.max(dirtyEnd, start + lastNonZero + 1);
                for (int p = 0; p + RecordLayout.HEADER_BYTES <= n; p++) {
                    int length = chunk.getInt(p + RecordLayout.LENGTH_OFFSET);
                    if (length < 0 || length > maxPayload) {
                        continue;
                    }
                    long seq = chunk.getLong(p + RecordLayout.SEQUENCE_OFFSET);
                    if (seq <= lastSequence || seq > maxSequence) {
                        continue;
                    }
                    long at = start + p;
                    int total = RecordLayout.recordBytes(length);
                    if (at + total > fileSize) {
                        continue;
                    }
                    readFully(ch, record, at, total);
                    if (RecordLayout.crcOf(recordView, 0, length, crc) == record.getInt(RecordLayout.CRC_OFFSET)) {
                        found++;
                        furthest = at;
                        furthestSeq = seq;
                    }
                }
            }
            if (start + n >= fileSize) {
                break;
            }
            // Overlap by a header less one byte, so a header split across two chunks is tried whole.
            start += n - (RecordLayout.HEADER_BYTES - 1);
        }
        return new Finding(dirtyEnd, found, furthest, furthestSeq);
    }

    private static int lastNonZero(ByteBuffer b, int n) {
        int i = n;
        while (i >= 8 && b.getLong(i - 8) == 0) {
            i -= 8;
        }
        while (i > 0 && b.get(i - 1) == 0) {
            i--;
        }
        return i - 1;
    }

    private static int readFully(FileChannel ch, ByteBuffer into, long at, int n) throws IOException {
        into.clear().limit(n);
        while (into.hasRemaining()) {
            if (ch.read(into, at + into.position()) < 0) {
                throw new IOException("segment shrank while being inspected at offset " + (at + into.position()));
            }
        }
        into.clear();
        return n;
    }
}
