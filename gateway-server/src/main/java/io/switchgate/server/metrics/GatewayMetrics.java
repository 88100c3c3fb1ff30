package io.switchgate.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchgate.server.net.ListenerStats;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.store.GroupCommitStats;
import io.switchgate.store.CommitWriter;
import io.switchgate.txn.Engine;
import io.switchgate.txn.EngineListener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway's metrics on a Prometheus registry, and the transaction log line: the engine calls
 * {@link #answered} once per answered request.
 *
 * <ul>
 *   <li>{@code gateway_requests_total{mti,type}}, {@code gateway_responses_total{mti,type,code}}</li>
 *   <li>{@code gateway_request_latency_seconds{type}}: histogram with percentiles</li>
 *   <li>{@code gateway_inflight}, {@code gateway_listener_connections{listener}}, {@code gateway_listener_inflight{listener}}</li>
 *   <li>{@code gateway_journal_*}: group size, commit latency, queue depth, committed/rejected/failed sets</li>
 * </ul>
 * Other parts (host links, stored reversals) add gauges with {@link #registerGauge}.
 */
public final class GatewayMetrics implements EngineListener, AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final TransactionLog txnLog = new TransactionLog();
    // MTI -> type (-> code) -> meter: looked up level by level, so that an answer finds its meters without building a
    // key string or a capturing lambda (one of each per meter, per answer, before)
    private final Map<String, Map<String, Counter>> requests = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, Counter>>> responses = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public GatewayMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public GatewayMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        registerKinds();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    // ------------------------------------------------------------------ sources

    /** Requests accepted by the engine and not yet answered. */
    public GatewayMetrics bindEngine(Engine engine) {
        Gauge.builder("gateway.inflight", engine, Engine::inFlight)
                .description("requests accepted by the engine and not yet answered").register(registry);
        Gauge.builder("gateway.engine.commits.inflight", engine, Engine::commitsInFlight)
                .description("journal commits submitted and not yet ended (the working set keeps what they changed)").register(registry);
        Gauge.builder("gateway.engine.working.set", engine, Engine::workingSetRows).baseUnit("rows")
                .description("transactions the engine's working set holds (bounded by -Dgateway.engine.workingSet)").register(registry);
        FunctionCounter.builder("gateway.engine.lost.races", engine, Engine::lostRaces)
                .description("decisions taken again because one lost a race with another node (or followed a failed commit)")
                .register(registry);
        return this;
    }

    /** Journal (group-commit writer): group sizes, commit latency, queue depth, outcomes. */
    public GatewayMetrics bindJournal(CommitWriter writer) {
        Gauge.builder("gateway.journal.queue.depth", writer, CommitWriter::queueDepth)
                .description("change sets waiting to be committed").register(registry);
        Gauge.builder("gateway.journal.group.size.last", writer, w -> w.stats().lastGroupSize())
                .description("change sets in the most recent commit group").register(registry);
        Gauge.builder("gateway.journal.group.size.avg", writer, w -> w.stats().avgGroupSize())
                .description("average change sets per commit group").register(registry);
        Gauge.builder("gateway.journal.group.size.max", writer, w -> w.stats().maxGroupSize())
                .description("largest commit group so far").register(registry);
        Gauge.builder("gateway.journal.commit.last", writer, w -> w.stats().lastCommitNanos() / 1e9)
                .baseUnit("seconds").description("duration of the most recent group commit").register(registry);
        Gauge.builder("gateway.journal.commit.max", writer, w -> w.stats().maxCommitNanos() / 1e9)
                .baseUnit("seconds").description("slowest group commit so far").register(registry);
        FunctionTimer.builder("gateway.journal.commit", writer,
                        w -> { GroupCommitStats s = w.stats(); return s.groupsCommitted() + s.groupsFailed(); },
                        w -> w.stats().totalCommitNanos(), TimeUnit.NANOSECONDS)
                .description("group commits (count) and their total duration (sum)").register(registry);
        sets(writer, "committed", GroupCommitStats::setsCommitted);
        sets(writer, "rejected", GroupCommitStats::setsRejected);
        sets(writer, "failed", GroupCommitStats::setsFailed);
        FunctionCounter.builder("gateway.journal.groups", writer, w -> w.stats().groupsFailed())
                .tag("outcome", "failed").description("commit groups by outcome").register(registry);
        FunctionCounter.builder("gateway.journal.groups", writer, w -> w.stats().groupsCommitted())
                .tag("outcome", "committed").description("commit groups by outcome").register(registry);
        return this;
    }

    /**
     * The file journal and its projection (one node on an H2 file): how far the journal is durable, how far the
     * tables follow it, and whether it stopped (every commit refused until restart).
     */
    public GatewayMetrics bindFileJournal(io.switchgate.projection.FileJournal journal) {
        if (journal == null) return this;
        Gauge.builder("gateway.journal.durable.sequence", journal, io.switchgate.projection.FileJournal::durableSequence)
                .description("sequence of the last durable journal record").register(registry);
        Gauge.builder("gateway.projection.sequence", journal, io.switchgate.projection.FileJournal::projectedSequence)
                .description("sequence of the last journal record in the SQL tables").register(registry);
        Gauge.builder("gateway.projection.lag", journal, io.switchgate.projection.FileJournal::lag)
                .baseUnit("records").description("journal records durable and not yet in the SQL tables").register(registry);
        Gauge.builder("gateway.journal.stopped", journal, j -> j.stopped() ? 1 : 0)
                .description("1 once the journal stopped on a failed write or force (commits refused: answers 96)").register(registry);
        Gauge.builder("gateway.journal.force.avg", journal, j -> j.writer().journal().stats().averageForceMicros() / 1e6)
                .baseUnit("seconds").description("average fdatasync of a journal batch (fsync durability)").register(registry);
        return this;
    }

    private void sets(CommitWriter writer, String outcome, java.util.function.ToLongFunction<GroupCommitStats> f) {
        FunctionCounter.builder("gateway.journal.sets", writer, w -> f.applyAsLong(w.stats()))
                .tag("outcome", outcome).description("change sets by outcome").register(registry);
    }

    /** Open connections and in-flight requests of every terminal listener. */
    public GatewayMetrics bindListeners(TerminalServer server) {
        for (ListenerStats s : server.stats().values()) {
            Tags tags = Tags.of("listener", s.listener());
            Gauge.builder("gateway.listener.connections", s, ListenerStats::openConnections).tags(tags)
                    .description("terminal connections open now").register(registry);
            Gauge.builder("gateway.listener.inflight", s, ListenerStats::inFlight).tags(tags)
                    .description("requests received on the listener whose response is not yet written").register(registry);
            FunctionCounter.builder("gateway.listener.accepted", s, ListenerStats::acceptedConnections).tags(tags)
                    .description("connections accepted").register(registry);
            FunctionCounter.builder("gateway.listener.bad.frames", s, ListenerStats::closedForBadFrames).tags(tags)
                    .description("connections closed for an oversized or corrupt frame").register(registry);
            FunctionCounter.builder("gateway.listener.frames.unanswered", s, ListenerStats::unansweredFrames).tags(tags)
                    .description("frames left unanswered: no request MTI could be read (contract section 3)").register(registry);
            FunctionCounter.builder("gateway.listener.answers.unwritten", s, ListenerStats::unwrittenAnswers).tags(tags)
                    .description("answers not written because their connection had closed").register(registry);
            FunctionCounter.builder("gateway.listener.refused", s, ListenerStats::refusedConnections).tags(tags)
                    .description("connections closed at accept because maxConnections were open").register(registry);
            FunctionCounter.builder("gateway.listener.frame.timeouts", s, ListenerStats::closedForFrameTimeout).tags(tags)
                    .description("connections closed because a started frame was not complete within idleTimeoutSeconds").register(registry);
        }
        return this;
    }

    /**
     * Adds a gauge read from {@code value} at each scrape, e.g. {@code registerGauge("gateway.host.up", Tags.of("host",
     * "acquirerA"), () -> link.isUp() ? 1 : 0)} or the stored-reversal queue depth. Registering the same name and
     * tags again keeps the first.
     */
    public void registerGauge(String name, String description, Iterable<Tag> tags, Supplier<Number> value) {
        Gauge.builder(name, value, s -> {
            Number n = s.get();
            return n == null ? Double.NaN : n.doubleValue();
        }).description(description).tags(tags).strongReference(true).register(registry);
    }

    // ------------------------------------------------------------------ per transaction

    /**
     * The request kinds of contract section 4 (MTI, type), whose request, response ({@code 00}) and latency series are
     * there, at zero, from the start: a scrape of a gateway that has answered nothing yet still shows them (a series
     * that appears only with its first event reads as "no such metric" to a dashboard or an alert).
     */
    private static final String[][] KINDS = {{"0800", "ECHO"}, {"0800", "SIGNON"}, {"0200", "SALE"},
            {"0200", "BALANCE"}, {"0200", "REFUND"}, {"0200", "VOID"}, {"0400", "REVERSAL"}, {"0500", "SETTLEMENT"}};

    private void registerKinds() {
        for (String[] k : KINDS) {
            requestCounter(k[0], k[1]);
            responseCounter(k[0], k[1], "00");
            latencyTimer(k[1]);
        }
    }

    private Counter requestCounter(String m, String t) {
        Map<String, Counter> byType = level(requests, m);
        Counter found = byType.get(t);
        return found != null ? found : byType.computeIfAbsent(t, k -> Counter.builder("gateway.requests")
                .description("requests answered, by MTI and type").tags("mti", m, "type", t).register(registry));
    }

    private Counter responseCounter(String m, String t, String c) {
        Map<String, Counter> byCode = level(level(responses, m), t);
        Counter found = byCode.get(c);
        return found != null ? found : byCode.computeIfAbsent(c, k -> Counter.builder("gateway.responses")
                .description("responses by MTI, type and response code (DE 39)").tags("mti", m, "type", t, "code", c)
                .register(registry));
    }

    /** The map under {@code key}, made on first use. */
    private static <V> Map<String, V> level(Map<String, Map<String, V>> outer, String key) {
        Map<String, V> inner = outer.get(key);
        return inner != null ? inner : outer.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
    }

    private Timer latencyTimer(String t) {
        Timer found = latency.get(t);
        if (found != null) return found;
        return latency.computeIfAbsent(t, k -> Timer.builder("gateway.request.latency")
                .description("time from request received to response ready, by type").tag("type", t)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry));
    }

    @Override
    public void answered(String mti, String type, String terminal, String stan, String rrn, long amount, String maskedPan,
                         String responseCode, String reason, long latencyNanos) {
        try {
            String m = mti == null ? "unknown" : mti;
            String t = type == null ? "UNKNOWN" : type;
            String c = responseCode == null ? "none" : responseCode;
            requestCounter(m, t).increment();
            responseCounter(m, t, c).increment();
            latencyTimer(t).record(latencyNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException ignored) {
            // metrics must never break the answer
        }
        txnLog.write(mti, type, terminal, stan, rrn, amount, maskedPan, responseCode, reason, latencyNanos);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
