package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The segment files of one journal directory: their names (the first sequence they hold, 20 digits, so that name
 * order is sequence order), listing them in order, and creating a new one filled with zeros.
 */
final class SegmentFiles {
    private static final String SUFFIX = ".journal";
    private static final Pattern NAME = Pattern.compile("\\d{20}" + Pattern.quote(SUFFIX));
    private static final int ZERO_CHUNK = 1 << 20;

    /** A segment file and the sequence of the first record it holds (or will hold). */
    record Segment(Path path, long firstSequence) {
    }

    private final Path dir;
    private final ChannelFactory channels;

    SegmentFiles(Path dir, ChannelFactory channels) {
        this.dir = dir;
        this.channels = channels;
    }

    Path dir() {
        return dir;
    }

    ChannelFactory channels() {
        return channels;
    }

    Path pathFor(long firstSequence) {
        return dir.resolve(String.format("%020d", firstSequence) + SUFFIX);
    }

    /** Every segment in the directory, oldest first. Files that are not segments are left alone. */
    List<Segment> list() throws IOException {
        List<Segment> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (NAME.matcher(name).matches()) {
                    out.add(new Segment(p, Long.parseLong(name.substring(0, 20))));
                }
            }
        }
        out.sort(Comparator.comparingLong(Segment::firstSequence));
        return out;
    }

    /**
     * Creates the segment whose first record will be {@code firstSequence}, {@code bytes} long, and opens it for
     * writing. Unwritten space reads as zeros, i.e. "no record".
     *
     * <p>With {@code durable} ({@link Durability#FSYNC}) the zeros are really written, and forced with the directory
     * entry, before the segment is used: later writes then change no file size or block map, so each fdatasync has
     * only data to flush, and a crash cannot leave a record in a file the directory lost. Without it
     * ({@link Durability#WRITE}, which promises nothing across a power loss) the file is made sparse by writing its
     * last byte only: a roll then costs nothing, where zero-filling 64 MiB would double the bytes written.
     */
    FileChannel create(long firstSequence, long bytes, boolean durable) throws IOException {
        Path path = pathFor(firstSequence);
        FileChannel ch = channels.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (durable) {
                zeroFill(ch, 0, bytes);
                ch.force(true);
                forceDirectory();
            } else {
                zeroFill(ch, bytes - 1, bytes);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Opens an existing segment for writing at its recovered end. */
    FileChannel openForWrite(Path path) throws IOException {
        return channels.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Creates {@code path} for writing, or empties it if it exists (a file beside the segments, never one of them). */
    FileChannel openReplacing(Path path) throws IOException {
        return channels.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    FileChannel openForRead(Path path) throws IOException {
        return channels.open(path, StandardOpenOption.READ);
    }

    /** Writes zeros over {@code [from, to)}. */
    static void zeroFill(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, Math.max(1, to - from)));
        long pos = from;
        while (pos < to) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos));
            while (zeros.hasRemaining()) {
                pos += ch.write(zeros, pos);
            }
        }
    }

    /** Makes a created (or deleted) file name durable: fsync of the directory itself. */
    void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; there the file system orders its metadata itself.
            if (!System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
                throw e;
            }
        }
    }
}
