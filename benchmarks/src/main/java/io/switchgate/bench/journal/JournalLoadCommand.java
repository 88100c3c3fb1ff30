package io.switchgate.bench.journal;

import io.switchgate.journal.DurableListener;
import io.switchgate.journal.Durability;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalStats;
import io.switchgate.journal.JournalWriter;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The journal under an open-loop load: records appended at a steady {@code --rate} (as requests from many terminals
 * arrive, spread over time, whatever the journal does), each timed from its append to the moment the journal reports
 * it durable. Prints the mean latency L, its percentiles, the mean fdatasync time T the journal met, the records in
 * flight N = rate x L (Little's law), and the share of issue 14's bound: a rate R with N in flight is R / (N / (1.5 T))
 * = 1.5 T / L of the bound.
 */
@Command(name = "journal-load", mixinStandardHelpOptions = true,
        description = "append journal records at a steady rate and report append-to-durable latency against the fsync bound")
public final class JournalLoadCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "a directory on the disk to measure (default: java.io.tmpdir)") Path dir;
    @Option(names = "--durability", defaultValue = "fsync") String durability;
    @Option(names = "--rate", defaultValue = "500000", description = "records per second") long rate;
    @Option(names = "--payload", defaultValue = "100") int payload;
    @Option(names = "--warmup", defaultValue = "3", description = "seconds before measuring") int warmup;
    @Option(names = "--seconds", defaultValue = "5", description = "seconds measured") int seconds;
    @Option(names = "--segment-mib", defaultValue = "64", description = "segment size in MiB") int segmentMib;

    /** Append times by sequence, in a ring far larger than what can be in flight. */
    private static final int RING = 1 << 22;
    private final long[] appendedAt = new long[RING];
    private final Histogram latency = new Histogram(60_000_000_000L, 3);
    private volatile long measureFrom = Long.MAX_VALUE;
    private long lastDurable;
    private long latencySum;
    private long latencyCount;

    @Override
    public Integer call() throws Exception {
        Path base = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        Path where = Files.createTempDirectory(base, "journal-load");
        Durability d = Durability.valueOf(durability.toUpperCase(Locale.ROOT));
        byte[] bytes = new byte[payload];
        long periodNanos = 1_000_000_000L / rate;
        try (JournalWriter journal = JournalWriter.open(new JournalOptions(where, d, (long) segmentMib << 20), listener())) {
            long start = System.nanoTime();
            long measureAt = start + warmup * 1_000_000_000L;
            long end = measureAt + seconds * 1_000_000_000L;
            JournalStats before = null;
            long measuredFirstSeq = 0;
            long i = 0;
            // One producer: the journal hands out sequences in order, so the next one is known before the append, and
            // its time is stored first (the writer thread may report it durable before append() even returns).
            long nextSeq = journal.lastAppendedSequence() + 1;
            while (true) {
                long now = System.nanoTime();
                if (before == null && now >= measureAt) {
                    before = journal.stats();
                    measuredFirstSeq = journal.lastAppendedSequence() + 1;
                    measureFrom = measuredFirstSeq;
                }
                if (now >= end) {
                    break;
                }
                // Append every record whose time has come, then rest a moment: arrivals stay spread at ~50 µs grain.
                long due = (now - start) / periodNanos;
                while (i < due) {
                    // The time it was due, not when it got appended: a producer that falls behind does not hide it.
                    appendedAt[(int) (nextSeq & (RING - 1))] = start + i * periodNanos;
                    if (journal.append(1, bytes) != nextSeq) {
                        throw new IllegalStateException("sequence out of step: another producer?");
                    }
                    nextSeq++;
                    i++;
                }
                LockSupport.parkNanos(20_000);
            }
            long measuredLastSeq = journal.lastAppendedSequence();
            journal.awaitDurable(measuredLastSeq);
            JournalStats after = journal.stats();
            long records = measuredLastSeq - measuredFirstSeq + 1;
            long forces = after.forces() - before.forces();
            double tMicros = forces == 0 ? 0 : (after.forceNanos() - before.forceNanos()) / 1000.0 / forces;
            double lMicros;
            synchronized (this) {
                lMicros = latencyCount == 0 ? 0 : latencySum / 1000.0 / latencyCount;
            }
            double achieved = records / (double) seconds;
            System.out.printf(Locale.ROOT, "journal-load %s, rate %,d/s asked, %,.0f/s appended, payload %d, segments %d MiB, %s%n", d,
                    rate, achieved, payload, segmentMib, where);
            System.out.printf(Locale.ROOT, "append-to-durable latency: mean %.0f us, p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us%n",
                    lMicros, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(90) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0);
            long batches = after.batches() - before.batches();
            System.out.printf(Locale.ROOT, "batches %,d (average %.0f records), forces %,d, T (mean force) %.0f us, longest force %.1f ms (whole run)%n",
                    batches, batches == 0 ? 0.0 : (after.records() - before.records()) / (double) batches, forces, tMicros,
                    after.maxForceNanos() / 1e6);
            if (forces > 0) {
                double n = achieved * lMicros / 1e6;
                System.out.printf(Locale.ROOT, "in flight N = rate x L = %,.0f; bound N/(1.5T) = %,.0f records/s; share of the bound 1.5T/L = %.0f %%%n",
                        n, n / (1.5 * tMicros / 1e6), 100 * 1.5 * tMicros / lMicros);
            }
        } finally {
            try (Stream<Path> files = Files.walk(where)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** Times every record a batch made durable, on the writer thread (no allocation). */
    private DurableListener listener() {
        return durableSeq -> {
            long now = System.nanoTime();
            long from = measureFrom;
            synchronized (this) {
                for (long s = lastDurable + 1; s <= durableSeq; s++) {
                    if (s >= from) {
                        long l = now - appendedAt[(int) (s & (RING - 1))];
                        latency.recordValue(Math.max(0, l));
                        latencySum += l;
                        latencyCount++;
                    }
                }
                lastDurable = durableSeq;
            }
        };
    }
}
