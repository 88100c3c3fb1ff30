package io.switchgate.bench.engine;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.GroupCommitStats;
import io.switchgate.store.GroupCommitWriter;
import io.switchgate.store.JdbcTransactionStore;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The group-commit writer alone on a real database: {@code window} journal entries (one sale record each) submitted,
 * then all awaited. The primary score counts rounds of {@code window} entries; read the aux counters instead:
 * {@code entries} = journal entries per second, {@code commits} = database commits (groups, one fsync each) per
 * second; entries / commits = the average group size (also printed at the end of each trial).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class GroupCommitBenchmark {
    @Param({"h2file", "postgres"})
    public String store;

    /** Entries in flight: 1 = every entry waits for its own commit. */
    @Param({"1", "64", "512"})
    public int window;

    BenchStores where;
    JdbcTransactionStore db;
    GroupCommitWriter writer;
    long seq;
    final String run = Long.toString(System.nanoTime() % 100_000, 36);

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Commits {
        public long commits;
        public long entries;

        @Setup(Level.Iteration)
        public void reset() {
            commits = 0;
            entries = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        where = BenchStores.open(store);
        db = JdbcTransactionStore.open(where.url, where.user, where.password, 4);
        db.migrate();
        writer = new GroupCommitWriter(db);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        GroupCommitStats s = writer.stats();
        System.out.printf("%n[%s window %d] %d groups, %d entries, avg group %.1f, avg commit %.1f µs, max group %d%n", store, window,
                s.groupsCommitted(), s.setsInGroups(), s.avgGroupSize(), s.avgCommitNanos() / 1000, s.maxGroupSize());
        writer.close();
        db.close();
        where.cleanUp();
    }

    TxnRecord sale() {
        long n = seq++;
        String rrn = "01" + String.format("%010d", n);
        String stan = String.format("%06d", n % 999_999 + 1);
        String term = String.format("T%07d", (n / 999_999) % 10_000_000);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new TxnRecord(rrn, "01", TxnType.SALE, "0200", "000000", term, "MERCHANT0000001", stan, "1125120000",
                term + ":02:" + stan + ":1125120000:" + run, "fp" + n, 100, "156", "hash" + (n % 1000), "621234******1232",
                "00", null, "A1B2C3", TxnStatus.APPROVED, 0, null, null, 1, "embedded", null, null, now, now, 1);
    }

    @Benchmark
    public void journal(Commits c) {
        long g0 = writer.stats().groupsCommitted();
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] fs = new CompletableFuture[window];
        for (int i = 0; i < window; i++) fs[i] = writer.submit(new ChangeSet().txn(sale()));
        for (int i = 0; i < window; i++) fs[i].join();
        c.entries += window;
        c.commits += writer.stats().groupsCommitted() - g0;
    }
}
