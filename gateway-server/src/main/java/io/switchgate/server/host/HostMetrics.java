package io.switchgate.server.host;

import io.micrometer.core.instrument.Tags;
import io.switchgate.route.Authorizer;
import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;
import io.switchgate.server.metrics.GatewayMetrics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Host and store-and-forward gauges for {@code /metrics}, and plain views of the same for the admin API.
 *
 * <pre>
 * gateway_host_up{host}                 1 when connected with the circuit closed, else 0
 * gateway_host_circuit_open{host}       1 while the circuit breaker refuses requests
 * gateway_host_state{host}              2 UP, 1 DOWN (no connection), 0 OPEN (circuit open)
 * gateway_host_inflight{host}           requests written to the host and not yet answered
 * gateway_host_late_answers{host}       answers that came after their request timed out
 * gateway_saf_depth{host}               stored messages waiting for the host (no host configured: one series
 *                                       without the label, so the family is always there to alert on)
 * gateway_saf_depth_unconfigured_hosts  stored messages waiting for a host the configuration does not name
 * gateway_hosts_configured              host links configured (0: every route is the embedded authorizer)
 * gateway_hosts_up                      of those, how many are UP now
 * gateway_saf_oldest_age_seconds        age of the oldest waiting message (0 when none)
 * gateway_saf_refused                   stored reversals a host refused for good since start (with hosts only)
 * gateway_held_reversals_stopped        1 while held reversals cannot be stored (their journal stopped): host
 *                                       sales and refunds are refused 96 REVERSAL_NOT_STORED until a restart
 * </pre>
 */
public final class HostMetrics {
    private HostMetrics() {
    }

    /**
     * Registers the gauges of every {@link HostAuthorizer} among {@code authorizers}, and the host and SAF families
     * that exist with no host too (the contract's {@code /metrics} names host state and SAF depth whatever the routes).
     */
    public static void register(GatewayMetrics metrics, List<? extends Authorizer> authorizers, Clock clock, SafQueue storeQueue) {
        List<HostAuthorizer> hosts = new ArrayList<>();
        for (Authorizer a : authorizers) if (a instanceof HostAuthorizer h) hosts.add(h);
        metrics.registerGauge("gateway.hosts.configured", "host links configured (0: every route is the embedded authorizer)", Tags.empty(), hosts::size);
        metrics.registerGauge("gateway.hosts.up", "host links that are UP now", Tags.empty(),
                () -> hosts.stream().filter(h -> h.state() == HostClient.State.UP).count());
        java.util.Set<String> names = new java.util.HashSet<>();
        for (HostAuthorizer h : hosts) names.add(h.name());
        // Reversals stored for a host the configuration no longer names: kept, sent by nobody until it is named again
        // (a black-box host audit found them in no figure, with hosts: [] not even in the depth)
        metrics.registerGauge("gateway.saf.depth.unconfigured.hosts", "stored messages (reversals) waiting for a host the configuration does not name: nothing sends them",
                Tags.empty(), orNaN(() -> unconfigured(hosts.isEmpty() ? storeQueue : hosts.get(0).safQueue(), names)));
        if (hosts.isEmpty()) {
            metrics.registerGauge("gateway.saf.depth", "stored messages (reversals) waiting for their host", Tags.empty(), orNaN(storeQueue::depth));
            metrics.registerGauge("gateway.saf.oldest.age.seconds", "age of the oldest stored message waiting for its host (0 when none)", Tags.empty(),
                    orNaN(() -> storeQueue.oldestAge(clock.instant()).toMillis() / 1000.0));
            return;
        }
        SafQueue queue = null;
        for (Authorizer a : authorizers) {
            if (!(a instanceof HostAuthorizer h)) continue;
            Tags tags = Tags.of("host", h.name());
            metrics.registerGauge("gateway.host.up", "1 when connected to the host with the circuit closed, else 0", tags, () -> h.state() == HostClient.State.UP ? 1 : 0);
            metrics.registerGauge("gateway.host.circuit.open", "1 while the circuit breaker refuses requests to the host", tags, () -> h.state() == HostClient.State.OPEN ? 1 : 0);
            metrics.registerGauge("gateway.host.state", "2 UP, 1 DOWN (no connection), 0 OPEN (circuit open)", tags, () -> switch (h.state()) {
                case UP -> 2;
                case DOWN -> 1;
                case OPEN -> 0;
            });
            metrics.registerGauge("gateway.host.inflight", "requests written to the host and not yet answered", tags, () -> h.client().inFlight());
            metrics.registerGauge("gateway.host.late.answers", "host answers that came after their request timed out", tags, () -> h.client().lateAnswers.get());
            metrics.registerGauge("gateway.saf.depth", "stored messages (reversals) waiting for their host", tags, h::safDepth);
            queue = h.safQueue();
        }
        if (queue != null) {
            SafQueue q = queue;
            metrics.registerGauge("gateway.saf.oldest.age.seconds", "age of the oldest stored message waiting for its host (0 when none)", Tags.empty(), () -> q.oldestAge(clock.instant()).toMillis() / 1000.0);
            HostAuthorizer first = null;
            for (Authorizer a : authorizers) if (first == null && a instanceof HostAuthorizer h) first = h;
            HostAuthorizer any = first;
            // a stored reversal a host refused for good was a WARN line only (an audit): the original may stand there
            metrics.registerGauge("gateway.saf.refused", "stored reversals a host refused for good since start (05, 12, ...): "
                    + "the original may stand at the host, settle it with the acquirer", Tags.empty(), () -> any.refusedReversals.getAsLong());
            metrics.registerGauge("gateway.held.reversals.stopped", "1 while held reversals cannot be stored (host sales and refunds refused 96)", Tags.empty(), () -> holdsProblem(authorizers) == null ? 0 : 1);
        }
    }

    /** A figure read from the store: NaN while the store cannot say (a scrape shows the rest all the same). */
    private static java.util.function.Supplier<Number> orNaN(java.util.function.Supplier<Number> read) {
        return () -> {
            try {
                return read.get();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        };
    }

    private static long unconfigured(SafQueue queue, java.util.Set<String> configured) {
        long n = 0;
        for (Map.Entry<String, Long> e : queue.depthByHost().entrySet()) if (!configured.contains(e.getKey())) n += e.getValue();
        return n;
    }

    /** Why held reversals cannot be stored now (every host sale and refund is refused meanwhile), or null. */
    public static String holdsProblem(List<? extends Authorizer> authorizers) {
        for (Authorizer a : authorizers) {
            if (a instanceof HostAuthorizer h) {
                String p = h.holdsProblem();
                if (p != null) return p;
            }
        }
        return null;
    }

    /** For the admin API: each host's state, active endpoint, endpoints set aside, in-flight requests and SAF depth. */
    public static List<Map<String, Object>> hosts(List<? extends Authorizer> authorizers) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Authorizer a : authorizers) {
            if (!(a instanceof HostAuthorizer h)) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("state", h.state().name());
            m.put("endpoint", h.client().activeEndpoint());
            m.put("setAside", h.client().setAsideEndpoints()); // an audit could not tell why traffic went to the second
            m.put("inFlight", h.client().inFlight());
            m.put("circuitOpenings", h.client().circuitOpenings());
            m.put("safDepth", h.safDepth());
            String holds = h.holdsProblem();
            if (holds != null) m.put("problem", holds + " (its sales and refunds are answered 96 REVERSAL_NOT_STORED)");
            out.add(m);
        }
        return out;
    }

    /** For the admin API: {@code {"depth": n, "oldestAgeSeconds": s, "messages": [...]}} over every host's queue. */
    public static Map<String, Object> safSummary(List<? extends Authorizer> authorizers, Clock clock, int limit, SafQueue storeQueue) {
        Map<String, Object> out = new LinkedHashMap<>();
        SafQueue queue = storeQueue; // no host configured: what the store still holds for hosts no longer named
        for (Authorizer a : authorizers) if (a instanceof HostAuthorizer h) queue = h.safQueue();
        out.put("depth", queue.depth());
        out.put("oldestAgeSeconds", queue.oldestAge(clock.instant()).toSeconds());
        out.put("messages", saf(queue.listPending(limit)));
        // refused by a host for good: the originals they should undo may stand at the host (settle with the acquirer)
        out.put("refused", queue.refusedCount());
        out.put("refusedMessages", saf(queue.listRefused(limit)));
        return out;
    }

    /** For the admin API: the waiting stored messages, oldest first (no card data is stored, so none is shown). */
    public static List<Map<String, Object>> saf(SafQueue queue, int limit) {
        return saf(queue.listPending(limit));
    }

    private static List<Map<String, Object>> saf(List<SafMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SafMessage s : messages) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("host", s.host());
            m.put("mti", s.mtiToSend());
            m.put("stan", s.stan());
            m.put("originalStan", s.originalStan());
            m.put("rrn", s.txnRrn());
            m.put("amount", s.amount());
            m.put("terminal", s.terminalId());
            m.put("reason", s.reason());
            m.put("attempts", s.attempts());
            m.put("nextAttemptAt", String.valueOf(s.nextAttemptAt()));
            m.put("lastResult", s.lastResult());
            m.put("createdAt", String.valueOf(s.createdAt()));
            out.add(m);
        }
        return out;
    }
}
