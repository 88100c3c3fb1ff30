package io.switchgate.bench.journal;

import io.switchgate.journal.DurableListener;
import io.switchgate.journal.Durability;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalStats;
import io.switchgate.journal.JournalWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The journal alone (issue 14's goals: at least 1,000,000 records/s with {@code write}; with {@code fsync} and 2,000
 * records in flight, within 80 % of the bound a batch per fdatasync gives). One producer thread (as the ledger will
 * be) appends records of {@code payload} bytes; the score is records appended per second. With {@code inFlight} > 0
 * the producer keeps at most that many records not yet durable, as a gateway with that many requests waiting for
 * their answers would; with 0 it is held back only by the writer's two 1 MiB batches.
 *
 * <p>The journal goes to {@code dir} (default: a new directory under {@code java.io.tmpdir}; it must be on the disk
 * you mean to measure, not a tmpfs), deleted at the end. Each iteration prints its batches, the average batch, the
 * average fdatasync time T the journal met and the bound N / (1.5 T); {@code java -jar benchmarks.jar journal-fsync}
 * measures T on its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class JournalBenchmark {
    @Param({"write", "fsync"})
    public String durability;

    /** Records not yet durable the producer allows; 0 = no limit but the batch buffers. */
    @Param({"0", "2000"})
    public int inFlight;

    @Param({"100"})
    public int payload;

    @Param({""})
    public String dir;

    Path where;
    JournalWriter journal;
    byte[] bytes;

    @Setup(Level.Trial)
    public void open() throws IOException {
        where = dir.isEmpty() ? Files.createTempDirectory("journal-bench") : Files.createTempDirectory(Path.of(dir), "journal-bench");
        Durability d = Durability.valueOf(durability.toUpperCase(java.util.Locale.ROOT));
        journal = JournalWriter.open(JournalOptions.of(where, d), DurableListener.NONE);
        bytes = new byte[payload];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
    }

    JournalStats before;

    @Setup(Level.Iteration)
    public void mark() {
        before = journal.stats();
    }

    /**
     * Per iteration: the average batch and the average fdatasync time T the journal met, and with it the bound
     * N / (1.5 T) of issue 14 (for {@code fsync} with N in flight), so the score can be read against it.
     */
    @TearDown(Level.Iteration)
    public void report() {
        JournalStats now = journal.stats();
        long records = now.records() - before.records();
        long b = now.batches() - before.batches();
        long forces = now.forces() - before.forces();
        double tMicros = forces == 0 ? 0 : (now.forceNanos() - before.forceNanos()) / 1000.0 / forces;
        String bound = forces == 0 || inFlight == 0 ? "" : String.format(", bound N/(1.5T) = %,.0f records/s", inFlight / (1.5 * tMicros / 1e6));
        System.out.printf(" [%,d records in %,d batches, average batch %.0f; T = %.0f us over %,d forces%s] ",
                records, b, b == 0 ? 0.0 : (double) records / b, tMicros, forces, bound);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(where)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long append() throws InterruptedException {
        // The sequence just appended; the producer waits only when more than inFlight records are not yet durable.
        long seq = journal.append(1, bytes);
        if (inFlight > 0 && seq - journal.durableSequence() > inFlight) {
            journal.awaitDurable(seq - inFlight);
        }
        return seq;
    }
}
