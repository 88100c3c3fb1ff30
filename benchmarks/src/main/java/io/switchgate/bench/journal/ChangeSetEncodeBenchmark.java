package io.switchgate.bench.journal;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.projection.ChangeSetCodec;
import io.switchgate.projection.PayloadWriter;
import io.switchgate.store.ChangeSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * A sale's change set (its transaction, the card's new balance, the batch's new totals) encoded into a journal
 * record's payload, as the thread that journals a decision does for each one (the event loop, for a lone request).
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ChangeSetEncodeBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ChangeSetEncodeBenchmark {
    private ChangeSet sale;
    private final PayloadWriter out = new PayloadWriter();

    @Setup
    public void setUp() {
        Instant now = Instant.parse("2026-12-06T12:00:00.123456Z");
        String panHash = "q3mYgZ0kq9cM3ZbqQ1y3JYV0b0qg7pO4bJm0d8Jx0aY";
        sale = new ChangeSet()
                .txn(new TxnRecord("010000123456", "01", TxnType.SALE, "0200", "000000", "TERM0001", "MERCHANT0000001",
                        "123456", "1206120000", "TERM0001|2|123456|1206120000", "000000|000000012345|" + panHash, 12_345,
                        "156", panHash, "621234******1232", "00", null, "379259", TxnStatus.APPROVED, 0, null, null, 7,
                        "embedded", null, null, now, now, 1))
                .card(new CardAccount(panHash, "621234******1232", "2812", "kcv:ABCDEF:0123456789ABCDEF0123456789ABCDEF",
                        98_765_432, 0, now, 42))
                .batch(new BatchState("TERM0001", 7, true, 120, 1_480_000, 3, 9_000, now, null, 124));
    }

    @Benchmark
    public int encodeSale() {
        ChangeSetCodec.encode(sale, out);
        return out.length();
    }
}
