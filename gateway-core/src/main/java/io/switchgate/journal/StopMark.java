package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The journal's note, beside its segments, of where it stopped for good: the last sequence it had reported durable
 * when a write or a force failed. Every record after it was refused to whoever appended it (the gateway answered
 * {@code 96} for it), yet its bytes may be on disk all the same: a failed fdatasync leaves the pages with the
 * operating system, which may still write them, and a failed write may have written part of a batch. Kept, such a
 * record came back at the next start as an approved sale the terminal had been told was refused (an embedding audit:
 * the card charged, the settlement 95). So the next start cuts every record after the mark ({@link JournalRecovery}),
 * then removes the mark.
 *
 * <p>Written with the JDK's own file calls, not the journal's channels: the mark is one small new file, and a disk that
 * failed a force on a segment may still take it. If it cannot be written either, the error log says so: the next start
 * then keeps whatever reached the disk, as before.
 */
final class StopMark {
    static final String NAME = "journal.stopped";

    private StopMark() {
    }

    /** Writes the mark, forced with its directory entry. */
    static void write(Path dir, long durable) throws IOException {
        Path mark = dir.resolve(NAME);
        byte[] text = ("durable " + durable + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(mark, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        forceDirectory(dir);
    }

    /**
     * The sequence the mark in {@code dir} names, empty if there is none.
     *
     * @throws JournalCorruptException if the mark does not say a sequence (the start is refused: guessing could cut
     *                                 records that were answered, or keep records that were refused)
     */
    static OptionalLong read(Path dir) throws IOException {
        Path mark = dir.resolve(NAME);
        String text;
        try {
            text = Files.readString(mark, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException none) {
            return OptionalLong.empty();
        }
        if (text.startsWith("durable ")) {
            try {
                long seq = Long.parseLong(text.substring("durable ".length()).trim());
                if (seq >= 0) return OptionalLong.of(seq);
            } catch (NumberFormatException bad) {
                // refused below
            }
        }
        throw new JournalCorruptException("journal stop mark " + mark + " does not name a sequence (\"" + abbreviate(text)
                + "\"): the journal stopped on a disk error, and the records after its last durable one must be cut; "
                + "write \"durable N\" into it, N the sequence the error log's \"journal stopped for good\" line names");
    }

    /** Removes the mark once what it asked for is done (forced), so that no later record is ever cut for it. */
    static void clear(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(NAME));
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
