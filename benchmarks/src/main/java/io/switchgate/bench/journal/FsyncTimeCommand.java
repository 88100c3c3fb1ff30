package io.switchgate.bench.journal;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * The fdatasync time T of a disk, as the journal meets it: {@code --bytes} written at the end of what was written
 * before, in a preallocated file, then {@code force(false)}, {@code --count} times. Prints T's percentiles and the
 * bounds of a serial group commit with {@code --in-flight} records waiting: N / (1.5 T) (issue 14's bound, requests
 * arriving at random times wait on average half a force, then one) and N / (2 T) (a closed loop whose producer refills
 * all at once as a batch becomes durable: each record waits the rest of one force and the whole next one).
 */
@Command(name = "journal-fsync", mixinStandardHelpOptions = true,
        description = "measure the fdatasync time of a directory's disk and print the journal's group-commit bound")
public final class FsyncTimeCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "a directory on the disk to measure (default: java.io.tmpdir)") Path dir;
    @Option(names = "--bytes", defaultValue = "4096", description = "bytes written before each force") int bytes;
    @Option(names = "--count", defaultValue = "2000", description = "forces measured (after a tenth as many to warm up)") int count;
    @Option(names = "--in-flight", defaultValue = "2000", description = "N for the printed bound") int inFlight;

    @Override
    public Integer call() throws IOException {
        Path base = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        Path file = Files.createTempFile(base, "fsync-time", ".bin");
        int warm = count / 10;
        int total = warm + count;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < (long) total * bytes; at += zeros.capacity()) {
                zeros.clear();
                ch.write(zeros, at);
            }
            ch.force(true);
            ByteBuffer data = ByteBuffer.allocateDirect(bytes);
            for (int i = 0; i < bytes; i++) {
                data.put(i, (byte) (i * 7 + 1));
            }
            long[] nanos = new long[count];
            for (int i = 0; i < total; i++) {
                data.clear();
                while (data.hasRemaining()) {
                    ch.write(data, (long) i * bytes + data.position());
                }
                long t0 = System.nanoTime();
                ch.force(false);
                long t = System.nanoTime() - t0;
                if (i >= warm) {
                    nanos[i - warm] = t;
                }
            }
            Arrays.sort(nanos);
            double mean = Arrays.stream(nanos).average().orElse(0) / 1000.0;
            double p50 = nanos[count / 2] / 1000.0;
            System.out.printf("fdatasync of %d bytes on %s, %d times: p50 %.0f us, mean %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us%n",
                    bytes, base.toAbsolutePath(), count, p50, mean, nanos[(int) (count * 0.9)] / 1000.0,
                    nanos[(int) (count * 0.99)] / 1000.0, nanos[count - 1] / 1000.0);
            System.out.printf("bound with %d in flight, T = mean: N/(1.5T) = %,.0f records/s; N/(2T) = %,.0f records/s%n",
                    inFlight, inFlight / (1.5 * mean / 1e6), inFlight / (2 * mean / 1e6));
        } finally {
            Files.deleteIfExists(file);
        }
        return 0;
    }
}
