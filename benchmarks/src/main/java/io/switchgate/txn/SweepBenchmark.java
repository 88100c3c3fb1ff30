package io.switchgate.txn;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.InMemoryTransactionStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * What the working set's sweep stops the engine for: a second's evictions at 10,000 sales/s (10,000 rows over the
 * bound, made cold by touching 20 MB after they were put) let go at once ({@code whole}), against the longest a
 * request now waits, one slice of {@link EngineState#SWEEP_SLICE} rows ({@code slice}). Single shots, a fresh working
 * set for each (docs/benchmarks.md, twenty-second session):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SweepBenchmark -f 1 -wi 5 -i 20</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5)
@Measurement(iterations = 20)
public class SweepBenchmark {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final int OVER = 10_000;

    private EngineState state;
    /** Keeps the bytes touched after the puts reachable until the shot, so they push the rows out of the caches. */
    byte[][] cold;

    @Setup(Level.Invocation)
    public void fill() {
        state = new EngineState(new InMemoryTransactionStore(), NOW.minusSeconds(3600), false);
        Instant at = NOW.minusSeconds(30); // younger than 2 minutes: over the cap, they go as their commits are all complete
        for (int i = 0; i < EngineState.TXN_CACHE_MAX + OVER; i++) {
            String rrn = String.format("01%010d", i);
            String stan = String.format("%06d", i % 999_999 + 1);
            String terminal = String.format("TERM%04d", i % 200);
            state.put(new TxnRecord(rrn, "01", TxnType.SALE, "0200", "000000", terminal, "MERCHANT0000001", stan,
                    "1125120000", terminal + "|2|" + stan + "|" + i, "fp", 100, "156", "hash", "621234******1232", "00",
                    null, "A1B2C3", TxnStatus.APPROVED, 0, null, null, 1, null, null, null, at, at, 1));
        }
        cold = new byte[20_000][];
        for (int i = 0; i < cold.length; i++) cold[i] = new byte[1024];
    }

    @Benchmark
    public int whole() {
        state.sweep(NOW);
        return state.cachedTransactions();
    }

    @Benchmark
    public boolean slice() {
        state.beginSweep(NOW);
        return state.sweepSome(EngineState.SWEEP_SLICE);
    }
}
