package io.switchgate.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a journal needs to know: where its segment files live, when a record counts as durable, and how big each
 * segment file is made when it is created. The YAML keys {@code journal: {dir, durability}} map onto this; the
 * segment size is not a user setting yet.
 *
 * @param dir          the directory of segment files (created if missing); one journal per directory
 * @param durability   {@link Durability#FSYNC} (power-loss safe) or {@link Durability#WRITE} (process-crash safe)
 * @param segmentBytes size a new segment file is made (zero-filled with {@code fsync}, sparse with {@code write}); a
 *                     segment is rolled when the next record does not fit
 */
public record JournalOptions(Path dir, Durability durability, long segmentBytes) {
    /** 64 MiB: rolls rarely; with {@code fsync}, zero-filling it costs one large sequential write and force. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Smallest segment accepted: room for a handful of records, used by tests that roll often. */
    public static final long MIN_SEGMENT_BYTES = 1024;

    public JournalOptions {
        Objects.requireNonNull(dir, "journal dir");
        Objects.requireNonNull(durability, "journal durability");
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("journal segmentBytes " + segmentBytes + " is outside "
                    + MIN_SEGMENT_BYTES + ".." + Integer.MAX_VALUE);
        }
    }

    /** A journal in {@code dir} with 64 MiB segments. */
    public static JournalOptions of(Path dir, Durability durability) {
        return new JournalOptions(dir, durability, DEFAULT_SEGMENT_BYTES);
    }

    /** The largest payload one record may carry here: it must fit a segment and a batch. */
    public int maxPayload() {
        return (int) Math.min(RecordLayout.MAX_PAYLOAD, segmentBytes - RecordLayout.HEADER_BYTES);
    }
}
