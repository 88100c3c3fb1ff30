package io.switchgate.txn;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The working set's (terminal, STAN) index as the engine uses it: each sale puts its pair, and the sweep removes the
 * pair of the row that leaves, 100,000 rows behind ({@link EngineState#TXN_CACHE_MAX}); 1,000 terminals, STANs counting
 * up. {@code table}: {@link StanIndex}; {@code hashmap}: the {@code HashMap} of key records it replaced. Time per put
 * and removal (docs/benchmarks.md, twenty-fifth session):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar StanIndexBenchmark -f 1 -wi 3 -w 2 -i 5 -r 2 -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StanIndexBenchmark {
    private static final int LIVE = EngineState.TXN_CACHE_MAX;
    private static final int TERMINALS = 1_000;
    /** Pairs cycled through: enough that the live ones are always 100,000 different pairs. */
    private static final int PAIRS = 1 << 20;
    private static final int BATCH = 1_000;

    @Param({"table", "hashmap"})
    public String index;

    private final String[] terminal = new String[PAIRS];
    private final String[] stan = new String[PAIRS];
    private final String[] rrn = new String[PAIRS];
    private StanIndex table;
    private Map<Key, String> map;
    private int next;

    /** The key the replaced map made for each put and removal. */
    private record Key(String terminalId, String stan) {
        @Override
        public int hashCode() {
            return Objects.hashCode(terminalId) * 0x9E3779B9 + Objects.hashCode(stan);
        }
    }

    @Setup
    public void setUp() {
        String[] terminals = new String[TERMINALS];
        for (int t = 0; t < TERMINALS; t++) terminals[t] = String.format("TERM%04d", t);
        for (int n = 0; n < PAIRS; n++) {
            terminal[n] = terminals[n % TERMINALS];
            stan[n] = String.format("%06d", (n / TERMINALS) % 999_999 + 1);
            rrn[n] = Long.toString(100_000_000_000L + n);
        }
        table = new StanIndex();
        map = new HashMap<>();
        for (next = 0; next < LIVE; next++) put(next);
    }

    private void put(int n) {
        if (table != null && "table".equals(index)) table.put(terminal[n], stan[n], rrn[n]);
        else map.put(new Key(terminal[n], stan[n]), rrn[n]);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int putAndSweep() {
        boolean useTable = "table".equals(index);
        for (int k = 0; k < BATCH; k++) {
            int n = next & (PAIRS - 1);
            int old = (next - LIVE) & (PAIRS - 1);
            if (useTable) {
                table.put(terminal[n], stan[n], rrn[n]);
                table.remove(terminal[old], stan[old], rrn[old]);
            } else {
                map.put(new Key(terminal[n], stan[n]), rrn[n]);
                map.remove(new Key(terminal[old], stan[old]), rrn[old]);
            }
            next++;
        }
        return useTable ? table.size() : map.size();
    }
}
