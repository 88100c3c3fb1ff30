package io.switchgate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchgate.model.BatchState;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.store.TransactionStore;
import io.switchgate.txn.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static io.switchgate.server.admin.Json.obj;

/**
 * The admin API's endpoints, independent of HTTP plumbing: method, URI and body in, {@link ApiResponse} out.
 * Reads run on the {@code reads} executor (store queries may block); status changes run one at a time on the
 * {@code writes} executor, each validated against the stored state and then made by the engine (which journals
 * the change and its audit event), so two operators cannot race a terminal out of {@code returned}.
 */
public final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    static final int MAX_REASON = 64;
    private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(10);

    private final TransactionStore store;
    private final Engine engine;
    private final Supplier<String> metrics;
    private final Supplier<String> listenersDown;
    private final Executor reads;
    private final Executor writes;
    private final Clock clock;
    private final ZoneId zone;

    /** Upstream hosts and their store-and-forward queue (issue 7); null: {@code /api/hosts} and {@code /api/saf} answer 404. */
    private volatile Supplier<Object> hostsView;
    private volatile Supplier<Object> safView;

    /** Adds {@code GET /api/hosts} (state of each host link) and {@code GET /api/saf} (stored messages waiting). */
    public AdminApi withHosts(Supplier<Object> hosts, Supplier<Object> saf) {
        this.hostsView = hosts;
        this.safView = saf;
        return this;
    }

    /**
     * @param metrics       Prometheus text of the registry (null: {@code /metrics} answers 404)
     * @param listenersDown null when the terminal listeners are up, else why not (for {@code /health})
     */
    public AdminApi(TransactionStore store, Engine engine, Supplier<String> metrics, Supplier<String> listenersDown,
                    Executor reads, Executor writes, Clock clock, ZoneId zone) {
        this.store = store;
        this.engine = engine;
        this.metrics = metrics;
        this.listenersDown = listenersDown == null ? () -> null : listenersDown;
        this.reads = reads;
        this.writes = writes;
        this.clock = clock;
        this.zone = zone;
    }

    private io.switchgate.projection.FileJournal fileJournal;

    /**
     * Reports the file journal in {@code /health}: its durability, durable and projected sequences and the projection's
     * lag; a stopped journal (every commit refused) makes the gateway DOWN.
     */
    public AdminApi withJournal(io.switchgate.projection.FileJournal journal) {
        this.fileJournal = journal;
        return this;
    }

    /** Why held reversals cannot be stored now, or null (shown by {@code /health}); null supplier: no hosts. */
    private volatile Supplier<String> holdsProblem = () -> null;

    /** Has {@code /health} say why held reversals cannot be stored (host sales and refunds are refused meanwhile). */
    public AdminApi withHoldsProblem(Supplier<String> problem) {
        this.holdsProblem = problem == null ? () -> null : problem;
        return this;
    }

    /** Whether a path may be called without the bearer token. */
    static boolean isPublic(String path) {
        return "/health".equals(path);
    }

    public CompletableFuture<ApiResponse> handle(String method, String uri, byte[] body) {
        QueryStringDecoder q = new QueryStringDecoder(uri);
        String path;
        try {
            path = q.path();
        } catch (IllegalArgumentException e) {
            return done(badPath());
        }
        try {
            q.parameters(); // decoded once here, so that a bad escape is the caller's 400, not a failure further on
        } catch (IllegalArgumentException e) {
            return done(badRequest("BAD_PARAMETER", "the query string is not valid percent-encoding (RFC 3986)"));
        }
        // an API parameter given empty or twice is a mistake to name, never a silent default or first-one-wins
        for (Map.Entry<String, List<String>> p : path.startsWith("/api/") ? q.parameters().entrySet()
                : Map.<String, List<String>>of().entrySet()) {
            if (p.getValue().size() > 1) {
                return done(badRequest("BAD_PARAMETER", "query parameter '" + p.getKey() + "' is given " + p.getValue().size() + " times"));
            }
            if (p.getValue().isEmpty() || p.getValue().get(0).isBlank()) {
                return done(badRequest("BAD_PARAMETER", "query parameter '" + p.getKey() + "' is empty"));
            }
        }
        if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        String[] seg = path.split("/");
        // seg[0] is "" for a path starting with '/'
        try {
            if (path.equals("/health")) return get(method, () -> health());
            if (path.equals("/metrics")) {
                if (metrics == null) return done(notFound(path));
                return get(method, () -> ApiResponse.text(200, ApiResponse.PROMETHEUS, metrics.get()));
            }
            if (seg.length >= 3 && seg[1].equals("api")) {
                String res = seg[2];
                if (res.equals("transactions") && seg.length == 3) {
                    return get(method, () -> transactionsByStan(param(q, "terminal"), param(q, "stan")));
                }
                if (res.equals("transactions") && seg.length == 4) return get(method, () -> transaction(seg[3]));
                if (res.equals("refunds") && seg.length == 3) {
                    return get(method, () -> refunds(param(q, "merchant"), param(q, "from"), param(q, "to"), param(q, "limit")));
                }
                if (res.equals("terminals") && seg.length == 3) {
                    return get(method, () -> terminals(param(q, "status"), param(q, "merchant")));
                }
                if (res.equals("terminals") && seg.length == 4) return get(method, () -> terminal(seg[3]));
                if (res.equals("terminals") && seg.length == 5 && seg[4].equals("status")) {
                    return put(method, () -> changeTerminal(seg[3], body));
                }
                if (res.equals("terminals") && seg.length == 6 && seg[4].equals("keys") && seg[5].equals("reset")) {
                    return post(method, () -> resetKeys(seg[3], body));
                }
                if (res.equals("hosts") && seg.length == 3 && hostsView != null) {
                    Supplier<Object> v = hostsView;
                    return get(method, () -> ApiResponse.json(200, obj("hosts", v.get())));
                }
                if (res.equals("saf") && seg.length == 3 && safView != null) {
                    Supplier<Object> v = safView;
                    return get(method, () -> ApiResponse.json(200, v.get()));
                }
                if (res.equals("merchants") && seg.length == 3) return get(method, this::merchants);
                if (res.equals("merchants") && seg.length == 4) return get(method, () -> merchant(seg[3]));
                if (res.equals("merchants") && seg.length == 5 && seg[4].equals("status")) {
                    return put(method, () -> changeMerchant(seg[3], body));
                }
            }
            return done(notFound(path));
        } catch (RuntimeException e) {
            return done(internal(e));
        }
    }

    // ------------------------------------------------------------------ plumbing

    private static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    private CompletableFuture<ApiResponse> get(String method, Supplier<ApiResponse> work) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) return done(notAllowed("GET"));
        return run(work, reads);
    }

    private CompletableFuture<ApiResponse> put(String method, Supplier<ApiResponse> work) {
        if (!"PUT".equals(method)) return done(notAllowed("PUT"));
        return run(work, writes);
    }

    private CompletableFuture<ApiResponse> post(String method, Supplier<ApiResponse> work) {
        if (!"POST".equals(method)) return done(notAllowed("POST"));
        return run(work, writes);
    }

    private static CompletableFuture<ApiResponse> run(Supplier<ApiResponse> work, Executor on) {
        CompletableFuture<ApiResponse> f = new CompletableFuture<>();
        try {
            on.execute(() -> {
                try {
                    f.complete(work.get());
                } catch (RuntimeException e) {
                    f.complete(internal(e));
                }
            });
        } catch (RuntimeException rejected) {
            f.complete(ApiResponse.error(503, "BUSY", "the admin API is overloaded or stopping; try again"));
        }
        return f;
    }

    private static ApiResponse notAllowed(String allowed) {
        return ApiResponse.error(405, "METHOD_NOT_ALLOWED", "use " + allowed).withHeader("Allow", allowed);
    }

    private static ApiResponse notFound(String path) {
        return ApiResponse.error(404, "NOT_FOUND", "no such endpoint: " + path);
    }

    /** A path whose percent-encoding does not decode (e.g. {@code %zz}): no route could match it. */
    static ApiResponse badPath() {
        return ApiResponse.error(400, "BAD_REQUEST", "the path is not valid percent-encoding (RFC 3986)");
    }

    private static ApiResponse badRequest(String code, String message) {
        return ApiResponse.error(400, code, message);
    }

    /** Never a stack trace to the caller; the log line names the exception class and message only. */
    private static ApiResponse internal(RuntimeException e) {
        if (e instanceof io.switchgate.store.StoreException) {
            log.warn("admin API: store unavailable: {}", e.toString());
            return ApiResponse.error(503, "STORE_UNAVAILABLE", "the store does not answer");
        }
        log.warn("admin API failure: {}", e.toString());
        return ApiResponse.error(500, "INTERNAL_ERROR", "the request could not be completed");
    }

    private static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        if (v == null || v.isEmpty()) return null;
        String s = v.get(0).trim();
        return s.isEmpty() ? null : s;
    }

    // ------------------------------------------------------------------ health

    private ApiResponse health() {
        String down = listenersDown.get();
        if (down == null) {
            boolean storeUp;
            try {
                storeUp = store.isHealthy();
            } catch (RuntimeException e) {
                storeUp = false;
            }
            if (!storeUp) down = "STORE_UNAVAILABLE";
        }
        // The store may read and still take no write (an H2 disk full): no request gets an RRN then, all are 96
        String writeProblem = down == null && engine != null ? engine.storeWriteProblem() : null;
        if (writeProblem != null) down = "STORE_UNAVAILABLE";
        io.switchgate.projection.FileJournal j = fileJournal;
        if (down == null && j != null && j.stopped()) down = "JOURNAL_STOPPED";
        Map<String, Object> body = down != null ? obj("status", "DOWN", "reason", down) : obj("status", "UP");
        if (writeProblem != null) body.put("store", obj("problem", writeProblem));
        if (j != null) {
            Map<String, Object> journal = new LinkedHashMap<>();
            journal.put("durability", j.options().durability().name().toLowerCase(java.util.Locale.ROOT));
            journal.put("durableSequence", j.durableSequence());
            journal.put("projectedSequence", j.projectedSequence());
            journal.put("projectionLag", j.lag());
            String problem = j.problem();
            if (problem != null) journal.put("problem", problem);
            body.put("journal", journal);
        }
        // Answers go on (the embedded authorizer's, and every host's balance inquiry): the gateway is up, but an
        // operator must see why host sales and refunds are refused.
        String holds = holdsProblem.get();
        if (holds != null) body.put("heldReversals", obj("problem", holds, "effect", "host sales and refunds answered 96 REVERSAL_NOT_STORED"));
        return ApiResponse.json(down != null ? 503 : 200, body);
    }

    // ------------------------------------------------------------------ transactions

    private ApiResponse transaction(String rrn) {
        Optional<TxnRecord> found = store.findByRrn(rrn);
        if (found.isEmpty()) return ApiResponse.error(404, "UNKNOWN_RRN", "no transaction with RRN " + rrn);
        return ApiResponse.json(200, story(found.get()));
    }

    /** The transaction with everything that acted on it: refunds, reversals, voids, the batch it is in. */
    private Map<String, Object> story(TxnRecord t) {
        Map<String, Object> v = Views.txn(t);
        List<Object> refunds = new ArrayList<>();
        List<Object> reversals = new ArrayList<>();
        List<Object> voids = new ArrayList<>();
        for (TxnRecord c : store.findByOriginalRrn(t.rrn())) {
            if (c.type() == TxnType.REFUND) refunds.add(Views.child(c));
            else if (c.type() == TxnType.REVERSAL) reversals.add(Views.child(c));
            else if (c.type() == TxnType.VOID) voids.add(Views.child(c));
        }
        v.put("refunds", refunds);
        v.put("reversals", reversals);
        v.put("voids", voids);
        if (t.originalRrn() != null) {
            v.put("original", store.findByRrn(t.originalRrn()).map(o -> (Object) obj("rrn", o.rrn(), "type", Views.lower(o.type()),
                    "status", Views.lower(o.status()), "amount", o.amount(), "refundedAmount", o.refundedAmount())).orElse(null));
        }
        Object batch = null;
        // contract section 5: a transaction belongs to the batch open when it is committed, whatever its kind or answer
        // (refunds, reversals and declines showed null here while their batchNo named one: an audit)
        if (t.terminalId() != null && t.batchNo() > 0) {
            Optional<BatchState> b = store.findBatch(t.terminalId(), t.batchNo());
            if (b.isPresent()) {
                BatchState s = b.get();
                batch = obj("batchNo", s.batchNo(), "open", s.open(), "closedAt", Json.time(s.closedAt()));
            }
        }
        v.put("batch", batch);
        return v;
    }

    private ApiResponse transactionsByStan(String terminal, String stan) {
        if (terminal == null) return badRequest("MISSING_PARAMETER", "query parameter 'terminal' is required");
        if (stan == null) return badRequest("MISSING_PARAMETER", "query parameter 'stan' is required");
        List<Object> out = new ArrayList<>();
        for (TxnRecord t : store.findByTerminalAndStan(terminal, stan)) out.add(Views.txn(t));
        return ApiResponse.json(200, obj("transactions", out));
    }

    // ------------------------------------------------------------------ refunds

    /** Refunds listed by one {@code /api/refunds} answer, at most (its totals count them all): {@code limit} chooses fewer or more. */
    static final int REFUNDS_LIMIT = 1_000;
    static final int REFUNDS_LIMIT_MAX = 10_000;

    private ApiResponse refunds(String merchant, String fromText, String toText, String limitText) {
        if (merchant == null) return badRequest("MISSING_PARAMETER", "query parameter 'merchant' is required");
        int limit = REFUNDS_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > REFUNDS_LIMIT_MAX) {
                return badRequest("BAD_PARAMETER", "'limit' must be a whole number from 1 to " + REFUNDS_LIMIT_MAX);
            }
        }
        Instant now = clock.instant();
        Instant from;
        Instant to;
        try {
            from = fromText == null ? now.minus(Duration.ofDays(30)) : instant(fromText, false);
        } catch (DateTimeException e) {
            return badRequest("BAD_PARAMETER", "'from' must be YYYY-MM-DD or an ISO instant (2026-11-25T04:00:00Z), in the years 0001-9999");
        }
        try {
            to = toText == null ? now.plusMillis(1) : instant(toText, true);
        } catch (DateTimeException e) {
            return badRequest("BAD_PARAMETER", "'to' must be YYYY-MM-DD or an ISO instant (2026-11-25T04:00:00Z), in the years 0001-9999");
        }
        if (!from.isBefore(to)) return badRequest("BAD_PARAMETER", "'from' must be before 'to'");
        if (store.findMerchant(merchant).isEmpty()) return ApiResponse.error(404, "UNKNOWN_MERCHANT", "no merchant " + merchant);
        // At most `limit` listed, the totals of all (an overload audit: one answer grew with the merchant's refunds
        // until six of them ran the heap out); a longer range is read by narrowing from/to.
        io.switchgate.store.TransactionStore.RefundPage page = store.refundsPage(merchant, from, to, limit);
        List<Object> out = new ArrayList<>(page.refunds().size());
        for (TxnRecord t : page.refunds()) out.add(Views.refund(t));
        return ApiResponse.json(200, obj("merchant", merchant, "from", from.toString(), "to", to.toString(),
                "refunds", out, "count", page.count(), "approvedCount", page.approvedCount(),
                "approvedAmount", page.approvedAmount(), "approvedAmountByCurrency", page.approvedAmountByCurrency(),
                "truncated", page.count() > out.size(), "limit", limit));
    }

    /**
     * A date is a whole day in the gateway's zone: {@code from} its start, {@code to} the start of the next day. Only
     * the years a SQL timestamp holds (0001-9999): an instant outside them parses, but the store cannot compare it.
     */
    private Instant instant(String s, boolean endOfDay) {
        Instant at;
        if (s.length() == 10) {
            LocalDate d = LocalDate.parse(s);
            at = (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
        } else {
            at = Instant.parse(s);
        }
        if (at.isBefore(FIRST_INSTANT) || at.isAfter(LAST_INSTANT)) throw new DateTimeException("outside the years 0001-9999");
        return at;
    }

    /** Years 0001-9999 with a day to spare at each end: a date is a day in the gateway's zone, not in UTC. */
    private static final Instant FIRST_INSTANT = Instant.parse("0000-12-31T00:00:00Z");
    private static final Instant LAST_INSTANT = Instant.parse("+10000-01-02T00:00:00Z");

    // ------------------------------------------------------------------ terminals and merchants

    private ApiResponse terminals(String status, String merchant) {
        TerminalStatus want = null;
        if (status != null) {
            want = TerminalStatus.parse(status);
            if (want == null) return badRequest("BAD_PARAMETER", "'status' must be registered, active, suspended or returned");
        }
        List<Object> out = new ArrayList<>();
        for (TerminalState t : store.listTerminals()) {
            if (want != null && t.status() != want) continue;
            if (merchant != null && !merchant.equals(t.merchantId())) continue;
            Map<String, Object> v = Views.terminalSummary(t);
            v.put("openBatch", Views.openBatch(t, openBatch(t)));
            out.add(v);
        }
        return ApiResponse.json(200, obj("terminals", out, "count", out.size()));
    }

    private ApiResponse terminal(String id) {
        Optional<TerminalState> t = store.findTerminal(id);
        if (t.isEmpty()) return ApiResponse.error(404, "UNKNOWN_TERMINAL", "no terminal " + id);
        return ApiResponse.json(200, terminalView(t.get()));
    }

    private Map<String, Object> terminalView(TerminalState t) {
        return Views.terminal(t, openBatch(t), store.events("terminal", t.id()));
    }

    /**
     * The terminal's open batch. One that a settlement opened has no row until its first transaction: it is shown
     * empty, opened when the batch before it closed (it said {@code openedAt: null}: an audit).
     */
    private io.switchgate.model.BatchState openBatch(TerminalState t) {
        var open = store.findBatch(t.id(), t.batchNo());
        if (open.isPresent()) return open.get();
        if (t.batchNo() <= 1) return null;
        return store.findBatch(t.id(), t.batchNo() - 1).filter(b -> b.closedAt() != null)
                .map(b -> io.switchgate.model.BatchState.open(t.id(), t.batchNo(), b.closedAt())).orElse(null);
    }

    private ApiResponse merchants() {
        List<Object> out = new ArrayList<>();
        for (MerchantState m : store.listMerchants()) out.add(Views.merchant(m, null, null));
        return ApiResponse.json(200, obj("merchants", out, "count", out.size()));
    }

    private ApiResponse merchant(String id) {
        Optional<MerchantState> m = store.findMerchant(id);
        if (m.isEmpty()) return ApiResponse.error(404, "UNKNOWN_MERCHANT", "no merchant " + id);
        return ApiResponse.json(200, merchantView(m.get()));
    }

    private Map<String, Object> merchantView(MerchantState m) {
        List<String> terminals = new ArrayList<>();
        for (TerminalState t : store.listTerminals()) if (m.id().equals(t.merchantId())) terminals.add(t.id());
        List<StatusEvent> history = store.events("merchant", m.id());
        return Views.merchant(m, terminals, history);
    }

    /** A status change request: {"status": "...", "reason": "..."}; returns an error response or the parsed pair. */
    private record StatusChange(String status, String reason, ApiResponse error) {
        static StatusChange parse(byte[] body) {
            JsonNode n = Json.parseObject(body);
            if (n == null) return fail("BAD_JSON", "the body must be a JSON object like {\"status\":\"suspended\",\"reason\":\"...\"}");
            JsonNode s = n.get("status");
            if (s == null || s.isNull() || (s.isTextual() && s.asText().isBlank())) return fail("MISSING_STATUS", "'status' is required");
            if (!s.isTextual()) return fail("UNKNOWN_STATUS", "'status' must be a string, one of the statuses by name");
            JsonNode r = n.get("reason");
            if (r != null && !r.isNull() && !r.isTextual()) return fail("BAD_REASON", "'reason' must be a string");
            String reason = r == null || r.isNull() || r.asText().isBlank() ? "OPERATOR" : r.asText().trim();
            if (reason.length() > MAX_REASON) return fail("BAD_REASON", "'reason' is longer than " + MAX_REASON + " characters");
            return new StatusChange(s.asText().trim(), reason, null);
        }

        static StatusChange fail(String code, String message) {
            return new StatusChange(null, null, badRequest(code, message));
        }
    }

    /**
     * Tries of an operator's change that lost a race with another node's change of the same row (several nodes on one
     * store): each is decided again on what the store holds then, so the loser gets the answer the winner's change
     * leaves (e.g. {@code TERMINAL_RETURNED_IS_FINAL}), not a store failure.
     */
    private static final int OPERATOR_CHANGE_TRIES = 3;

    /** Runs {@code change} again while it loses a race with another node; 409 after the last try lost too. */
    private static ApiResponse decidedAgainOnRace(String what, java.util.function.Supplier<ApiResponse> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return change.get();
            } catch (io.switchgate.store.ConcurrentUpdateException e) {
                log.info("admin API: {} changed by another node at the same time (try {} of {}): {}", what, attempt,
                        OPERATOR_CHANGE_TRIES, e.getMessage());
                if (attempt == OPERATOR_CHANGE_TRIES) {
                    return ApiResponse.error(409, "CONCURRENT_CHANGE", what + " was changed by another node at the same"
                            + " time, " + OPERATOR_CHANGE_TRIES + " times: read it and try again");
                }
            }
        }
    }

    private ApiResponse changeTerminal(String id, byte[] body) {
        StatusChange c = StatusChange.parse(body);
        if (c.error() != null) return c.error();
        TerminalStatus to = TerminalStatus.parse(c.status());
        if (to == null) return badRequest("UNKNOWN_STATUS", "'status' must be registered, active, suspended or returned");
        return decidedAgainOnRace("terminal " + id, () -> changeTerminalOnce(id, to, c));
    }

    private ApiResponse changeTerminalOnce(String id, TerminalStatus to, StatusChange c) {
        Optional<TerminalState> current = store.findTerminal(id);
        if (current.isEmpty()) return ApiResponse.error(404, "UNKNOWN_TERMINAL", "no terminal " + id);
        TerminalStatus from = current.get().status();
        String refused = Lifecycle.terminal(from, to);
        if (refused != null) {
            return badRequest(refused, "terminal " + id + " cannot go from " + from.wireName() + " to " + to.wireName());
        }
        if (from == to) return ApiResponse.json(200, terminalView(current.get()));
        TerminalState updated = await(engine.changeTerminalStatus(id, to, c.reason()));
        if (updated == null) return ApiResponse.error(404, "UNKNOWN_TERMINAL", "no terminal " + id);
        log.info("terminal {} status {} -> {} by operator: {}", id, from.wireName(), to.wireName(), c.reason());
        return ApiResponse.json(200, terminalView(store.findTerminal(id).orElse(updated)));
    }

    /**
     * {@code POST /api/terminals/{id}/keys/reset}, body empty or {@code {"reason": "..."}}: the terminal keeps its TMK
     * and loses TPK and TAK (its next sign-on needs no MAC); recorded in its history.
     */
    private ApiResponse resetKeys(String id, byte[] body) {
        String reason = null;
        if (body != null && body.length > 0 && !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            JsonNode n = Json.parseObject(body);
            if (n == null) return badRequest("BAD_JSON", "the body must be empty or a JSON object like {\"reason\":\"terminal replaced\"}");
            JsonNode r = n.get("reason");
            if (r != null && !r.isNull() && !r.isTextual()) return badRequest("BAD_REASON", "'reason' must be a string");
            reason = r == null || r.isNull() || r.asText().isBlank() ? null : r.asText().trim();
            if (reason != null && reason.length() > MAX_REASON) {
                return badRequest("BAD_REASON", "'reason' is longer than " + MAX_REASON + " characters");
            }
        }
        String why = reason;
        return decidedAgainOnRace("terminal " + id, () -> resetKeysOnce(id, why));
    }

    private ApiResponse resetKeysOnce(String id, String reason) {
        if (store.findTerminal(id).isEmpty()) return ApiResponse.error(404, "UNKNOWN_TERMINAL", "no terminal " + id);
        TerminalState updated = await(engine.resetTerminalKeys(id, reason));
        if (updated == null) return ApiResponse.error(404, "UNKNOWN_TERMINAL", "no terminal " + id);
        log.info("terminal {} working keys (TPK, TAK) reset by operator: {}", id, reason == null ? "OPERATOR" : reason);
        return ApiResponse.json(200, terminalView(store.findTerminal(id).orElse(updated)));
    }

    private ApiResponse changeMerchant(String id, byte[] body) {
        StatusChange c = StatusChange.parse(body);
        if (c.error() != null) return c.error();
        MerchantStatus to = MerchantStatus.parse(c.status());
        if (to == null) return badRequest("UNKNOWN_STATUS", "'status' must be active, frozen or closed");
        return decidedAgainOnRace("merchant " + id, () -> changeMerchantOnce(id, to, c));
    }

    private ApiResponse changeMerchantOnce(String id, MerchantStatus to, StatusChange c) {
        Optional<MerchantState> current = store.findMerchant(id);
        if (current.isEmpty()) return ApiResponse.error(404, "UNKNOWN_MERCHANT", "no merchant " + id);
        MerchantStatus from = current.get().status();
        String refused = Lifecycle.merchant(from, to);
        if (refused != null) {
            return badRequest(refused, "merchant " + id + " cannot go from " + from.wireName() + " to " + to.wireName());
        }
        if (from == to) return ApiResponse.json(200, merchantView(current.get()));
        MerchantState updated = await(engine.changeMerchantStatus(id, to, c.reason()));
        if (updated == null) return ApiResponse.error(404, "UNKNOWN_MERCHANT", "no merchant " + id);
        log.info("merchant {} status {} -> {} by operator: {}", id, from.wireName(), to.wireName(), c.reason());
        return ApiResponse.json(200, merchantView(store.findMerchant(id).orElse(updated)));
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(ENGINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (TimeoutException e) {
            throw new IllegalStateException("the engine did not answer within " + ENGINE_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) c = c.getCause();
            if (c instanceof RuntimeException re) throw re;
            throw new IllegalStateException(String.valueOf(c));
        }
    }
}
