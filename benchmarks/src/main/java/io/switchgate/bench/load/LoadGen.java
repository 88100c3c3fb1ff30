package io.switchgate.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.switchgate.bench.Net;
import io.switchgate.iso.Dialect;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.server.net.Framing;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop ISO 8583 load generator: C connections, each keeping P requests in flight; every request valid and
 * unique (terminal, STAN and DE 7 never repeat in a run); responses matched on DE 11 + DE 41 and checked.
 * Wrong answers are errors, never throughput; any error makes the exit code 1, naming the first bad response.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "closed-loop ISO 8583 load generator (Netty, non-blocking)")
public final class LoadGen implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", defaultValue = "8583") int port;
    @Option(names = "--framing", defaultValue = "nac2", description = "nac2 | ascii4 | nac2-tpdu") String framing;
    @Option(names = "--dialect", defaultValue = "iso87binary") String dialect;
    @Option(names = {"-c", "--connections"}, defaultValue = "10") int connections;
    @Option(names = {"-p", "--pipeline"}, defaultValue = "1", description = "requests in flight per connection") int pipeline;
    @Option(names = {"-d", "--duration"}, defaultValue = "20s") String duration;
    @Option(names = {"-w", "--warmup"}, defaultValue = "5s") String warmup;
    @Option(names = "--mix", defaultValue = "sale=90,balance=5,refund=5", description = "weights of sale, balance, refund") String mix;
    @Option(names = "--terminals", defaultValue = "200", description = "terminals to rotate over") int terminals;
    @Option(names = "--terminal-prefix", defaultValue = "BT") String terminalPrefix;
    @Option(names = "--merchant", defaultValue = "MERCHANT0000001") String merchant;
    @Option(names = "--pan", split = ",", description = "card numbers to rotate over (default: --cards generated ones)") List<String> pans;
    @Option(names = "--cards", defaultValue = "1000", description = "use the first K cards of bench-config") int cards;
    @Option(names = "--mac", description = "MAC every request (DE 64, X9.19 under --tak)") boolean mac;
    @Option(names = "--verify-mac", defaultValue = "true", fallbackValue = "true", arity = "0..1",
            description = "with --mac, check the response MAC too (default ${DEFAULT-VALUE})") boolean verifyMac;
    @Option(names = "--tak", defaultValue = BenchConfigCommand.TAK) String tak;
    @Option(names = "--pin", description = "send a PIN block (DE 52, ISO format 0 under --tpk) on sales and balance inquiries") boolean pin;
    @Option(names = "--pin-value", defaultValue = "1234") String pinValue;
    @Option(names = "--tpk", defaultValue = BenchConfigCommand.TPK) String tpk;
    @Option(names = "--expect", split = ",", defaultValue = "39=00", description = "field=value every response must carry") List<String> expect;
    @Option(names = "--match", defaultValue = "stan", description = "stan (DE 11 + DE 41) | fifo (in order, for the canned ceiling server)") String match;
    @Option(names = "--timeout", defaultValue = "10s", description = "a request unanswered this long is an error") String timeout;
    @Option(names = "--io-threads", defaultValue = "1", description = "client event loop threads") int ioThreads;
    @Option(names = "--rate", defaultValue = "0", description = "paced: at most this many requests per second in all (0 = as fast as answers come)") double rate;
    @Option(names = "--idle", description = "open the connections, send nothing, hold them for --duration") boolean idle;
    @Option(names = "--json", description = "write the summary as JSON to this file") Path json;
    @Option(names = "--label", defaultValue = "", description = "a name for this run in the output") String label;
    @Option(names = "--quiet", description = "no progress lines") boolean quiet;

    // ------------------------------------------------------------------ shared state (all threads)
    final Recorder recorder = new Recorder(3_600_000_000L, 3);
    final LongAdder ok = new LongAdder();
    final LongAdder okSale = new LongAdder();
    final LongAdder okBalance = new LongAdder();
    final LongAdder okRefund = new LongAdder();
    final LongAdder refundsAsSales = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final AtomicReference<String> firstBad = new AtomicReference<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final ConcurrentLinkedQueue<Conn.Sale> refundPool = new ConcurrentLinkedQueue<>(); // approved sales of this run, for refunds
    final AtomicInteger refundPoolSize = new AtomicInteger();
    volatile boolean running = true;

    Dialect d;
    Framing f;
    String[] terminalIds;
    AtomicIntegerArray stans;
    String[] panList;
    byte[][] pinBlocks;
    int wSale, wBalance, wRefund;
    String[][] expectations;
    long timeoutNanos;
    ThreadLocal<Macer> macers;
    Map<String, Integer> terminalIndex;

    /** A MAC context per event-loop thread. */
    static final class Macer {
        final SoftwareSecurityModule sm;
        final KeyHandle tak;

        Macer(String takHex) {
            sm = SoftwareSecurityModule.fromHex(BenchConfigCommand.MASTER);
            tak = sm.importClear(KeyType.TAK, HexFormat.of().parseHex(takHex));
        }
    }

    @Override
    public Integer call() throws Exception {
        d = Dialect.named(dialect);
        f = Framing.of(framing);
        if (!match.equals("stan") && !match.equals("fifo")) throw new IllegalArgumentException("--match stan|fifo");
        terminalIds = new String[terminals];
        for (int i = 0; i < terminals; i++) terminalIds[i] = Ids.terminal(terminalPrefix, i);
        stans = new AtomicIntegerArray(terminals);
        terminalIndex = new java.util.HashMap<>();
        for (int i = 0; i < terminals; i++) terminalIndex.put(terminalIds[i], i);
        // STANs start at a random point per run; with DE 7 from the clock, (terminal, STAN, DE 7) never repeats
        long seed = System.nanoTime();
        for (int i = 0; i < terminals; i++) stans.set(i, (int) Math.floorMod(seed + i * 7919L, 999_999L));
        if (pans == null || pans.isEmpty()) {
            panList = new String[cards];
            for (int i = 0; i < cards; i++) panList[i] = Ids.pan(i);
        } else {
            panList = pans.toArray(new String[0]);
        }
        if (pin) {
            SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex(BenchConfigCommand.MASTER);
            KeyHandle k = sm.importClear(KeyType.TPK, HexFormat.of().parseHex(tpk));
            pinBlocks = new byte[panList.length][];
            // format 0 is deterministic for a PIN and PAN: one block per card, computed once
            for (int i = 0; i < panList.length; i++) pinBlocks[i] = sm.encryptPinBlock(k, PinFormat.ISO0, pinValue, panList[i]);
        }
        if (mac) macers = ThreadLocal.withInitial(() -> new Macer(tak));
        parseMix();
        expectations = new String[expect.size()][];
        for (int i = 0; i < expect.size(); i++) {
            String[] kv = expect.get(i).split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("--expect takes field=value, got " + expect.get(i));
            expectations[i] = kv;
        }
        timeoutNanos = Ids.duration(timeout).toNanos();
        Duration dur = Ids.duration(duration);
        Duration warm = idle ? Duration.ZERO : Ids.duration(warmup);

        MultiThreadIoEventLoopGroup group = Net.group(ioThreads);
        List<Conn> conns = new ArrayList<>(connections);
        try {
            Bootstrap b = new Bootstrap().group(group).channel(Net.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
            long tc = System.nanoTime();
            List<ChannelFuture> pendingConnects = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Conn c = new Conn(this, i);
                conns.add(c);
                b.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(f.newDecoder(65535), f.newEncoder(), c);
                    }
                });
                pendingConnects.add(b.connect(host, port));
                // connect in batches of 200: fast for 10,000 connections, gentle on the server's accept backlog
                if (pendingConnects.size() == 200 || i == connections - 1) {
                    for (int k = 0; k < pendingConnects.size(); k++) {
                        ChannelFuture cf = pendingConnects.get(k).awaitUninterruptibly();
                        Conn cc = conns.get(conns.size() - pendingConnects.size() + k);
                        if (!cf.isSuccess()) {
                            System.err.println("loadgen: connection " + cc.index + " to " + host + ":" + port + " failed: " + cf.cause());
                            return 1;
                        }
                        cc.channel = cf.channel();
                    }
                    pendingConnects.clear();
                }
            }
            if (!quiet || idle) System.err.printf(Locale.ROOT, "loadgen: %d connections open in %.1f s%n", connections, (System.nanoTime() - tc) / 1e9);
            if (idle) return holdIdle(conns, dur);
            return drive(conns, warm, dur);
        } finally {
            running = false;
            for (Conn c : conns) if (c.channel != null) c.channel.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private int holdIdle(List<Conn> conns, Duration dur) throws InterruptedException {
        long end = System.nanoTime() + dur.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            int open = 0;
            for (Conn c : conns) if (c.channel.isActive()) open++;
            if (!quiet) System.err.println("loadgen: idle, " + open + " connections open");
            if (open < conns.size()) {
                System.err.println("loadgen: the server closed " + (conns.size() - open) + " idle connections");
                return 1;
            }
        }
        System.out.println("idle: " + conns.size() + " connections held for " + dur.toSeconds() + " s");
        return 0;
    }

    private int drive(List<Conn> conns, Duration warm, Duration dur) throws Exception {
        long t0 = System.nanoTime();
        for (Conn c : conns) c.channel.eventLoop().execute(c::start);
        long warmEnd = t0 + warm.toNanos();
        long end = warmEnd + dur.toNanos();
        Histogram total = new Histogram(3_600_000_000L, 3);
        Histogram interval = null;
        boolean measuring = warm.isZero();
        long okAtStart = 0, measureStart = t0, lastOk = 0, lastTick = t0;
        long[] kindAtStart = new long[3];
        long next = t0 + 1_000_000_000L;
        while (true) {
            long now = System.nanoTime();
            long wake = Math.min(next, measuring ? end : warmEnd);
            if (wake > now) TimeUnit.NANOSECONDS.sleep(wake - now);
            now = System.nanoTime();
            interval = recorder.getIntervalHistogram(interval);
            if (measuring) total.add(interval);
            if (!measuring && now >= warmEnd) {
                measuring = true;
                measureStart = now;
                okAtStart = ok.sum();
                kindAtStart = new long[]{okSale.sum(), okBalance.sum(), okRefund.sum()};
            }
            long okNow = ok.sum();
            if (now >= next || now >= end) {
                double secs = (now - lastTick) / 1e9;
                if (!quiet) {
                    System.err.printf(Locale.ROOT, "[%6.1fs] %s tps %8.0f  p50 %7.3f ms  p99 %7.3f ms  errors %d  in flight %d%n",
                            (now - t0) / 1e9, now <= warmEnd ? "warmup " : "measure", (okNow - lastOk) / secs,
                            interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                            errorCount(), inFlight.get());
                }
                lastOk = okNow;
                lastTick = now;
                next += 1_000_000_000L;
                for (Conn c : conns) c.channel.eventLoop().execute(c::expire);
            }
            if (measuring && now >= end) break;
            if (firstBad.get() != null && errorCount() > 1000) break; // no point hammering a broken server
        }
        long measureEnd = System.nanoTime();
        long okTotal = ok.sum() - okAtStart;
        long[] kinds = {okSale.sum() - kindAtStart[0], okBalance.sum() - kindAtStart[1], okRefund.sum() - kindAtStart[2]};
        running = false;
        // let what is in flight come back (not counted), so errors in it still show
        long drainEnd = System.nanoTime() + Math.min(timeoutNanos, 5_000_000_000L);
        while (inFlight.get() > 0 && System.nanoTime() < drainEnd) Thread.sleep(10);
        if (inFlight.get() > 0) addError("unanswered-at-end", "requests still unanswered " + Math.min(timeoutNanos, 5_000_000_000L) / 1_000_000 + " ms after the end");
        double secs = (measureEnd - measureStart) / 1e9;
        return report(total, okTotal, kinds, secs);
    }

    long errorCount() {
        long n = 0;
        for (LongAdder a : errors.values()) n += a.sum();
        return n;
    }

    void addError(String kind, String description) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (firstBad.compareAndSet(null, description) && !quiet) System.err.println("loadgen: FIRST BAD RESPONSE: " + description);
    }

    private int report(Histogram h, long okTotal, long[] kinds, double secs) throws Exception {
        double tps = okTotal / secs;
        Map<String, Long> errs = new TreeMap<>();
        errors.forEach((k, v) -> errs.put(k, v.sum()));
        long errTotal = errorCount();
        PrintStream o = System.out;
        o.printf(Locale.ROOT, "loadgen %s%s:%d %s %s C=%d P=%d mix %s%s%s, %.1f s measured after %s warm-up%n",
                label.isEmpty() ? "" : "[" + label + "] ", host, port, framing, dialect, connections, pipeline, mix,
                mac ? " +MAC" : "", pin ? " +PIN" : "", secs, warmup);
        o.printf(Locale.ROOT, "  throughput  %.1f tps (%d good responses: sale %d, balance %d, refund %d; refunds sent as sales for want of an approved sale: %d)%n",
                tps, okTotal, kinds[0], kinds[1], kinds[2], refundsAsSales.sum());
        o.printf(Locale.ROOT, "  latency µs  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d  (mean %.0f)%n",
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean());
        o.printf("  errors      %d%s%n", errTotal, errs.isEmpty() ? "" : " " + errs);
        if (firstBad.get() != null) o.println("  first bad   " + firstBad.get());
        if (json != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("label", label);
            j.put("host", host + ":" + port);
            j.put("framing", framing);
            j.put("connections", connections);
            j.put("pipeline", pipeline);
            j.put("mix", mix);
            j.put("mac", mac);
            j.put("pin", pin);
            j.put("seconds", secs);
            j.put("ok", okTotal);
            j.put("tps", tps);
            j.put("p50_us", h.getValueAtPercentile(50));
            j.put("p90_us", h.getValueAtPercentile(90));
            j.put("p99_us", h.getValueAtPercentile(99));
            j.put("p999_us", h.getValueAtPercentile(99.9));
            j.put("max_us", h.getMaxValue());
            j.put("mean_us", h.getMean());
            j.put("errors", errTotal);
            j.put("errorsByKind", errs);
            j.put("firstBad", firstBad.get());
            Files.writeString(json, toJson(j) + "\n", StandardCharsets.UTF_8);
        }
        if (errTotal > 0) {
            System.err.println("loadgen: FAILED: " + errTotal + " bad responses; first: " + firstBad.get());
            return 1;
        }
        if (okTotal == 0) {
            System.err.println("loadgen: FAILED: no good response at all");
            return 1;
        }
        return 0;
    }

    private void parseMix() {
        for (String part : mix.split(",")) {
            String[] kv = part.trim().split("=", 2);
            int w = Integer.parseInt(kv[1].trim());
            switch (kv[0].trim()) {
                case "sale" -> wSale = w;
                case "balance" -> wBalance = w;
                case "refund" -> wRefund = w;
                default -> throw new IllegalArgumentException("--mix knows sale, balance, refund; not " + kv[0]);
            }
        }
        if (wSale + wBalance + wRefund <= 0) throw new IllegalArgumentException("--mix: weights sum to zero");
    }

    static String toJson(Object v) {
        if (v == null) return "null";
        if (v instanceof Number || v instanceof Boolean) {
            if (v instanceof Double dd) return String.format(Locale.ROOT, "%.3f", dd);
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (sb.length() > 1) sb.append(',');
                sb.append(toJson(e.getKey().toString())).append(':').append(toJson(e.getValue()));
            }
            return sb.append('}').toString();
        }
        String s = v.toString();
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
            else if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
            else sb.append(ch);
        }
        return sb.append('"').toString();
    }

}
