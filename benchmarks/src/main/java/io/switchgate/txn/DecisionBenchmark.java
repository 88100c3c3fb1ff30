package io.switchgate.txn;

import io.switchgate.bench.engine.EngineBenchmark;
import io.switchgate.bench.engine.SaleStream;
import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.route.Router;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.CommitWriter;
import io.switchgate.store.GroupCommitStats;
import io.switchgate.store.InMemoryTransactionStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The decision alone: what the engine thread does for a sale, with nothing before it (no socket, no frame parse) and
 * nothing after it (no journal: the commit is complete at once). Per sale: the common checks (format, terminal, keys,
 * duplicate index, terminal and merchant status), the sale flow and the embedded authorizer (card balance), the
 * journal record and change set, and the packed 0210; over an in-memory working set of 1,000 terminals and cards.
 *
 * <p>Its own package ({@code io.switchgate.txn}) because the engine's request and its decision entry are internals.
 *
 * <ul>
 *   <li>{@code request=admitted}: the fields the decision reads are decoded before it, and the request admitted as the
 *   event loop does before it hands a request to the engine thread: its kind and format ({@link Admission}), its keys,
 *   MAC, card and PAN hash ({@link TerminalAdmission}).</li>
 *   <li>{@code request=frame}: only the frame is split into fields; each field is decoded when the decision first
 *   reads it (what the engine thread does today).</li>
 * </ul>
 * Bytes allocated per decision are counted on the benchmark thread around the decisions alone (the requests are built
 * in the per-batch setup) and printed at the end: {@code [decision, ...] bytes allocated per sale}.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar DecisionBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DecisionBenchmark {
    static final int BATCH = 1024;
    private static final int[] ADMITTED_FIELDS = {2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 35, 37, 41, 42, 49, 52, 62, 64, 70, 90, 128};

    @Param({"admitted", "frame"})
    public String request;

    /** {@code response}: every terminal has a TAK, so each 0210 carries an X9.19 MAC; {@code off}: none. */
    @Param({"off", "response"})
    public String mac;

    private Engine engine;
    private SaleStream sales;
    private final Request[] batch = new Request[BATCH];
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private long allocated;
    private long decided;

    @Setup(Level.Trial)
    public void setUp() {
        GatewayConfig config = EngineBenchmark.config("memory:", "sa", "", "response".equals(mac));
        InMemoryTransactionStore store = new InMemoryTransactionStore();
        store.migrate();
        SecurityModule security = SoftwareSecurityModule.fromHex(EngineBenchmark.MASTER);
        PanHasher hasher = new PanHasher(EngineBenchmark.MASTER.getBytes(StandardCharsets.US_ASCII));
        Clock clock = Clock.systemUTC();
        new ConfigSeeder(store, security, hasher).seed(config, clock.instant());
        engine = new Engine(new EngineSetup("01", Map.of("pos", SaleStream.D), SaleStream.D, store, new NoJournal(),
                security, hasher, new Router(config.routes()), List.of(), clock, ZoneId.systemDefault(), false));
        sales = new SaleStream(1000, 1000, "BT", "MERCHANT0000001");
        // Through the engine's own entry first, once per terminal and card: their first use reads the card and the open
        // batch at the prefetch stage, off the decision. The answers must be approvals, or we would measure declines.
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]>[] warm = new CompletableFuture[1000];
        for (int i = 0; i < warm.length; i++) warm[i] = engine.handle(sales.next(), "pos");
        for (CompletableFuture<byte[]> f : warm) {
            IsoMessage m = SaleStream.D.unpack(f.join());
            if (!"00".equals(m.getString(39))) {
                throw new IllegalStateException("sale not approved: DE 39 " + m.getString(39) + " DE 44 " + m.getString(44));
            }
        }
        if (!engine.awaitIdle(java.time.Duration.ofSeconds(10))) throw new IllegalStateException("engine not idle");
        nextBatch();
        for (Request r : batch) {
            engine.decideHere(r);
            if (!r.answer.isDone()) throw new IllegalStateException("a warmed-up sale went to the prefetch stage");
        }
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
        Dialect d = SaleStream.D;
        boolean admitted = "admitted".equals(request);
        for (int i = 0; i < BATCH; i++) {
            byte[] frame = sales.next();
            IsoMessage m = d.unpack(frame, 0, frame.length);
            if (admitted) {
                for (int f : ADMITTED_FIELDS) m.getString(f);
            }
            batch[i] = new Request(m, frame, d, new CompletableFuture<>());
            if (admitted) engine.admitHere(batch[i]); // kind, format, keys, MAC and card: the event loop's, as in the gateway
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decide(Blackhole bh) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (Request r : batch) {
            engine.decideHere(r);
            bh.consume(r.answer.getNow(null));
        }
        allocated += threads.getCurrentThreadAllocatedBytes() - before;
        decided += BATCH;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.printf("%n[decision, request %s, mac %s] %,d bytes allocated per sale (%,d sales)%n",
                request, mac, decided == 0 ? 0 : allocated / decided, decided);
        engine.close();
    }

    /** No journal: every change set is taken as durable at once (the decision is measured, not the commit). */
    private static final class NoJournal implements CommitWriter {
        private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
        private long sets;

        @Override
        public CompletableFuture<Void> submit(ChangeSet set) {
            sets++;
            return DONE;
        }

        @Override
        public GroupCommitStats stats() {
            return new GroupCommitStats(0, 0, 0, sets, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public int queueDepth() {
            return 0;
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
