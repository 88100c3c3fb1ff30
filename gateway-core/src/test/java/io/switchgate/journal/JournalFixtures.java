package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared helpers of the journal tests: deterministic payloads, reading a journal back, poking bytes in segments. */
final class JournalFixtures {
    private JournalFixtures() {
    }

    /** The payload of record {@code seq}: its own text, repeated to a length that varies with the sequence. */
    static byte[] payload(long seq) {
        String s = "record-" + seq + ";";
        int len = (int) (seq * 7 % 90) + 1;
        byte[] b = new byte[len];
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            b[i] = src[i % src.length];
        }
        return b;
    }

    static int type(long seq) {
        return (int) (seq % 5);
    }

    /** Appends records until {@code lastSeq} (with {@link #payload}) and waits until they are durable. */
    static void appendUpTo(JournalWriter w, long lastSeq) throws InterruptedException {
        long seq = 0;
        while (w.lastAppendedSequence() < lastSeq) {
            long next = w.lastAppendedSequence() + 1;
            seq = w.append(type(next), payload(next));
            assertEquals(next, seq);
        }
        w.awaitDurable(lastSeq);
    }

    /** A record as read back. */
    record Read(long seq, int type, byte[] payload) {
    }

    static List<Read> readAll(Path dir, long from) throws IOException {
        List<Read> out = new ArrayList<>();
        try (JournalReader r = JournalReader.open(dir, from)) {
            while (r.next()) {
                ByteBuffer p = r.payload();
                byte[] b = new byte[p.remaining()];
                p.get(b);
                out.add(new Read(r.sequence(), r.type(), b));
            }
        }
        return out;
    }

    /** Checks that {@code dir} holds exactly the records {@code from..to} as {@link #payload} makes them. */
    static void assertRecords(Path dir, long from, long to) throws IOException {
        List<Read> all = readAll(dir, from);
        assertEquals(to - from + 1, all.size(), "records read from " + from);
        for (int i = 0; i < all.size(); i++) {
            long seq = from + i;
            Read r = all.get(i);
            assertEquals(seq, r.seq());
            assertEquals(type(seq), r.type(), "type of " + seq);
            assertArrayEquals(payload(seq), r.payload(), "payload of " + seq);
        }
    }

    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
        }
    }

    /** Offset of record {@code seq} in the segment that starts with {@code firstSeq} (all records there by {@link #payload}). */
    static long offsetOf(long firstSeq, long seq) {
        long at = 0;
        for (long s = firstSeq; s < seq; s++) {
            at += RecordLayout.recordBytes(payload(s).length);
        }
        return at;
    }

    static void flipBit(Path file, long offset, int bit) throws IOException {
        byte[] one = read(file, offset, 1);
        one[0] ^= (byte) (1 << bit);
        write(file, offset, one);
    }

    static byte[] read(Path file, long offset, int n) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                ch.read(b, offset + b.position());
            }
            return b.array();
        }
    }

    static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
        }
    }

    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path p : segments(from)) {
            Files.copy(p, to.resolve(p.getFileName()));
        }
    }
}
