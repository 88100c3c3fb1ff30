package io.switchgate.bench.engine;

import io.switchgate.bench.load.Ids;
import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.store.GroupCommitStats;
import io.switchgate.txn.Gateway;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole request path in one process, no sockets: bytes of a sale in, bytes of the 0210 out, through
 * {@link Gateway#handle} (every stage: format, duplicate check, terminal and merchant rules, embedded authorizer,
 * journal commit through the group-commit writer, response pack).
 *
 * <ul>
 *   <li>{@code sale}: one request at a time, {@code handle(...).join()}: the latency path, one thread.</li>
 *   <li>{@code sale64}: 64 requests handed in, then all joined: what a busy listener does; the journal commits them in groups.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar EngineBenchmark -prof gc} (gc.alloc.rate.norm = bytes per sale).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EngineBenchmark {
    public static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    static final String MERCHANT = "MERCHANT0000001";
    static final int TERMINALS = 1000;
    static final int CARDS = 1000;

    @Param({"memory", "h2mem", "h2file"})
    public String store;

    /**
     * {@code response}: every terminal has a TAK, so each 0210 carries an X9.19 MAC (DE 64), as with MAC on in the
     * load test; {@code off}: no TAK, as in the shipped defaults.
     */
    @Param({"off", "response"})
    public String mac;

    BenchStores where;
    Gateway gw;
    SaleStream sales;

    static GatewayConfig config(String url, String user, String password) {
        return config(url, user, password, true);
    }

    public static GatewayConfig config(String url, String user, String password, boolean withTak) {
        var limits = new GatewayConfig.RefundLimits(180, 100_000_000_000L, 1_000_000_000_000_000L);
        List<GatewayConfig.Terminal> terminals = new ArrayList<>();
        for (int i = 0; i < TERMINALS; i++) {
            terminals.add(new GatewayConfig.Terminal(Ids.terminal("BT", i), MERCHANT, "active", false,
                    withTak ? Map.of("tpk", "EC3D756DD35498A8DC2FCDA875D358FD", "tak", "BAD09770CBA42FEFAB327F86C7F49883")
                            : Map.of("tpk", "EC3D756DD35498A8DC2FCDA875D358FD")));
        }
        List<GatewayConfig.Card> cards = new ArrayList<>();
        for (int i = 0; i < CARDS; i++) cards.add(new GatewayConfig.Card(Ids.pan(i), "2812", null, 1_000_000_000_000_000L));
        return new GatewayConfig(
                new GatewayConfig.Node("01"),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300)),
                new GatewayConfig.Admin("127.0.0.1", 0, null),
                new GatewayConfig.Store(url, user, password, 4),
                new GatewayConfig.Security(MASTER),
                List.of(new GatewayConfig.Merchant(MERCHANT, "active", limits)),
                terminals,
                List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62"), null, null, null), "embedded")),
                List.of(),
                new GatewayConfig.Authorizer(cards),
                new GatewayConfig.Logging("text"));
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        where = BenchStores.open(store);
        gw = Gateway.start(config(where.url, where.user, where.password, "response".equals(mac)));
        sales = new SaleStream(TERMINALS, CARDS, "BT", MERCHANT);
        // the answers must be approvals, or we would be measuring declines
        for (int i = 0; i < 20; i++) {
            byte[] r = gw.handle(sales.next(), "pos").get(10, TimeUnit.SECONDS);
            IsoMessage m = SaleStream.D.unpack(r);
            if (!"00".equals(m.getString(39))) {
                throw new IllegalStateException("sale not approved: DE 39 " + m.getString(39) + " DE 44 " + m.getString(44));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        GroupCommitStats s = gw.journal().stats();
        System.out.printf("%n[%s, mac %s] journal: %d groups, %d sets, avg group %.1f, avg commit %.1f µs%n", store, mac,
                s.groupsCommitted(), s.setsInGroups(), s.avgGroupSize(), s.avgCommitNanos() / 1000);
        gw.close();
        where.cleanUp();
    }

    @Benchmark
    public byte[] sale() {
        return gw.handle(sales.next(), "pos").join();
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public void sale64(Blackhole bh) {
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]>[] fs = new CompletableFuture[64];
        for (int i = 0; i < 64; i++) fs[i] = gw.handle(sales.next(), "pos");
        for (int i = 0; i < 64; i++) bh.consume(fs[i].join());
    }
}
