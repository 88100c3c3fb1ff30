package io.switchgate.server.host;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchgate.iso.ActionCodes;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoException;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.net.Framing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Netty client for one acquirer host: a persistent connection to every endpoint, used in failover order (the
 * first connected endpoint takes the traffic; when it comes back after a failure, traffic returns to it).
 *
 * <p>Many requests are in flight on one connection: each waits in a pending-request table keyed on the response
 * MTI class and the gateway's own STAN (DE 11), so answers may come back in any order. No answer within the
 * timeout: the request completes {@link HostExchange.Outcome#TIMEOUT}; connection lost with requests on it:
 * {@link HostExchange.Outcome#LINK_LOST} (the caller stores a reversal for both, see {@link HostAuthorizer}).
 *
 * <p>A connection idle for {@code echoIdleMillis} sends an echo (0800, DE 70 {@code 301}); no answer closes it.
 * A lost or refused connection is retried with exponential backoff. A {@link CircuitBreaker} refuses requests at
 * once while the host keeps failing and probes it with an echo to close again.
 */
public final class HostClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostClient.class);
    private static final byte[] TPDU = {0x60, 0, 0, 0, 0};

    /** What the metrics and the admin API show for a host. */
    public enum State { UP, DOWN, OPEN }

    /**
     * Tuning (the configuration has no keys for these yet; {@link #defaults()} is what {@code serve} uses).
     *
     * @param breakerThreshold  consecutive failures that open the circuit
     * @param breakerOpenMillis how long it stays open before a probe
     * @param echoIdleMillis    idle time on a connection before an echo (0 = never)
     * @param reconnectMinMillis first reconnect delay (doubles up to the max)
     * @param reconnectMaxMillis longest reconnect delay
     * @param connectTimeoutMillis TCP connect timeout
     * @param maxFrameBytes     largest answer accepted
     */
    public record Options(int breakerThreshold, long breakerOpenMillis, long echoIdleMillis, long reconnectMinMillis,
                          long reconnectMaxMillis, int connectTimeoutMillis, int maxFrameBytes) {
        public static Options defaults() {
            return new Options(5, 5_000, 30_000, 200, 10_000, 3_000, 8192);
        }
    }

    private final String name;
    private final Framing framing;
    private final Dialect dialect;
    private final long timeoutMillis;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final Options options;
    private final Supplier<String> stans;
    /** Where echo STANs are drawn (the STAN sequence may reach the database: never on an event loop). */
    private final java.util.concurrent.Executor blocking;
    private final CircuitBreaker breaker;
    private final List<Link> links = new ArrayList<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private volatile Consumer<IsoMessage> unmatched = m -> { };
    private volatile boolean closed;
    private ScheduledFuture<?> prober;
    final AtomicLong lateAnswers = new AtomicLong();
    final AtomicLong echoes = new AtomicLong();
    final AtomicLong connects = new AtomicLong();

    public HostClient(String name, List<String> endpoints, Framing framing, Dialect dialect, long timeoutMillis,
                      EventLoopGroup group, Class<? extends Channel> channelClass, Options options, Supplier<String> stans,
                      java.util.concurrent.Executor blocking) {
        this.name = name;
        this.framing = framing;
        this.dialect = dialect;
        this.timeoutMillis = timeoutMillis;
        this.group = group;
        this.channelClass = channelClass;
        this.options = options;
        this.stans = stans;
        this.blocking = blocking;
        this.breaker = new CircuitBreaker(options.breakerThreshold(), options.breakerOpenMillis());
        for (String ep : endpoints) links.add(new Link(ep));
    }

    /** Called with answers that match no pending request (late answers after a timeout, unknown STANs). */
    public void onUnmatched(Consumer<IsoMessage> c) {
        this.unmatched = c == null ? m -> { } : c;
    }

    /** Starts connecting to every endpoint (does not wait: a host that is down now is retried in the background). */
    public HostClient start() {
        for (Link l : links) l.connect();
        long period = Math.max(20, options.breakerOpenMillis() / 4);
        prober = group.next().scheduleAtFixedRate(this::probe, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    public String name() {
        return name;
    }

    public Dialect dialect() {
        return dialect;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** OPEN while the circuit is not closed, else UP when some endpoint is connected, else DOWN. */
    public State state() {
        if (!breaker.allowsRequests()) return State.OPEN;
        return activeChannel() == null ? State.DOWN : State.UP;
    }

    /** Whether a request sent now would go out (connected, circuit closed). */
    public boolean available() {
        return !closed && breaker.allowsRequests() && activeChannel() != null;
    }

    public long circuitOpenings() {
        return breaker.timesOpened();
    }

    /**
     * A request failed at the host: counted by the breaker, and when that opens the circuit, said once (an audit saw
     * only "half-open" and "closed" in the log, nothing when and why it opened).
     */
    private void failed(String why) {
        if (breaker.failure()) {
            log.warn("host={} circuit open after {} failure(s) in a row (last: {}): requests answered 91 at once for {} ms, then an echo probes",
                    name, breaker.failuresInARow(), why, options.breakerOpenMillis());
            setAsideForFailures();
        }
    }

    /**
     * The circuit opened on the endpoint taking the traffic while another one is connected: that endpoint is set aside
     * for a while ({@link #requestCooldownNanos}), its echoes answered or not, and the next one is probed at once. An
     * endpoint that answered echoes but no request took the traffic back at every probe, and the healthy next one never
     * got a request (a re-audit: 41 sales in 60 s, all 91).
     */
    private void setAsideForFailures() {
        Link failing = activeLink();
        if (failing == null || failing.setAside) return;
        boolean another = false;
        for (Link l : links) another |= l != failing && l.active() && !l.setAside;
        if (!another) return;
        failing.setAsideUntil = System.nanoTime() + requestCooldownNanos();
        failing.setAside = true;
        log.warn("host={} endpoint {} answered no request ({} in a row): set aside for {} s, traffic goes to the next endpoint",
                name, failing.endpoint, breaker.failuresInARow(), TimeUnit.NANOSECONDS.toSeconds(requestCooldownNanos()));
        breaker.probeSoon();
    }

    /** How long an endpoint set aside for unanswered requests stays aside, whatever its echoes say: 12 open periods. */
    private long requestCooldownNanos() {
        return TimeUnit.MILLISECONDS.toNanos(12 * options.breakerOpenMillis());
    }

    /** Requests written and not yet answered. */
    public int inFlight() {
        return pending.size();
    }

    /** The endpoint ("host:port") traffic goes to now, or null. */
    public String activeEndpoint() {
        Link l = activeLink();
        return l == null ? null : l.endpoint;
    }

    /** Endpoints set aside now (an echo or the requests went unanswered), in failover order: for the admin API. */
    public List<String> setAsideEndpoints() {
        List<String> out = new ArrayList<>();
        for (Link l : links) if (l.setAside) out.add(l.endpoint);
        return out;
    }

    private Channel activeChannel() {
        Link l = activeLink();
        return l == null ? null : l.channel;
    }

    /**
     * The first connected endpoint in failover order that is not set aside; if every connected one is, the first of
     * them (a lone endpoint is the circuit breaker's to judge).
     */
    private Link activeLink() {
        Link fallback = null;
        for (Link l : links) {
            if (!l.active()) continue;
            if (!l.setAside) return l;
            if (fallback == null) fallback = l;
        }
        return fallback;
    }

    private Link linkOf(Channel ch) {
        for (Link l : links) if (l.channel == ch) return l;
        return null;
    }

    /**
     * Sends a packed request (in this host's dialect, MAC included) and completes with the answer or the reason
     * there is none. {@code request} supplies the MTI and DE 11 the answer is matched on. Never completes exceptionally.
     */
    public CompletableFuture<HostExchange> exchange(IsoMessage request, byte[] packed) {
        if (closed || !breaker.allowsRequests()) return CompletableFuture.completedFuture(HostExchange.of(HostExchange.Outcome.NOT_SENT));
        Channel ch = activeChannel();
        if (ch == null) return CompletableFuture.completedFuture(HostExchange.of(HostExchange.Outcome.NOT_SENT));
        return send(ch, request, packed, timeoutMillis, true);
    }

    /** @param judged whether a timeout counts as the host's failure for the circuit breaker */
    private CompletableFuture<HostExchange> send(Channel ch, IsoMessage request, byte[] packed, long timeout, boolean judged) {
        CompletableFuture<HostExchange> f = new CompletableFuture<>();
        String key = requestKey(request.getMti(), request.getString(11));
        Pending p = new Pending(f, ch);
        if (pending.putIfAbsent(key, p) != null) {
            log.error("host={} a request with the same STAN {} is already in flight; not sent", name, request.getString(11));
            f.complete(HostExchange.of(HostExchange.Outcome.NOT_SENT));
            return f;
        }
        keyInUse(key);
        ByteBuf out = framing.headerLength() > 0
                ? Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(TPDU), Unpooled.wrappedBuffer(packed))
                : Unpooled.wrappedBuffer(packed);
        // The host's time starts once the request has left (written to the socket), not when it was queued for the
        // event loop: an audit saw a reversal's write leave 2 s late on a loaded machine at a start, and the host's
        // answer 19 ms after it taken for a late one (the reversal sent again, a failure counted against the host).
        armTimeout(ch, key, p, timeout, judged);
        ch.writeAndFlush(out).addListener(w -> {
            if (!w.isSuccess()) {
                if (pending.remove(key, p)) {
                    p.timer.cancel(false);
                    f.complete(HostExchange.of(HostExchange.Outcome.NOT_SENT));
                }
                return;
            }
            p.written = true;
            // on the channel's event loop, as its answer is: none can have come in between
            if (pending.get(key) != p || !p.timer.cancel(false)) return; // answered, lost, or timed out already
            armTimeout(ch, key, p, timeout, judged);
        });
        return f;
    }

    /** Requests answered lately, by answer key, so that a second answer is told from a late one. Bounded. */
    private final java.util.Map<String, String> recentlyAnswered = new java.util.LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, String> eldest) {
            return size() > 4096;
        }
    };

    private void answered(String key, String code) {
        synchronized (recentlyAnswered) {
            recentlyAnswered.put(key, code == null ? "" : code);
        }
    }

    /** The code of the first answer to {@code key}'s request if it was answered lately, else null. */
    private String answeredAlready(String key) {
        synchronized (recentlyAnswered) {
            return recentlyAnswered.get(key);
        }
    }

    /** A new request under {@code key} (a STAN used again): an answer to it is its own, not a second one. */
    private void keyInUse(String key) {
        synchronized (recentlyAnswered) {
            recentlyAnswered.remove(key);
        }
    }

    /** Times for a request that has not left yet, at most, before it times out all the same (see {@link #armTimeout}). */
    static final int UNWRITTEN_TIMEOUTS = 3;

    /**
     * The request's time at the host. Ran out before the request has left (an event loop held up), it starts again,
     * up to {@link #UNWRITTEN_TIMEOUTS} times: a host that reads nothing, its socket's buffers full, still times out.
     */
    private void armTimeout(Channel ch, String key, Pending p, long timeout, boolean judged) {
        p.timer = ch.eventLoop().schedule(() -> {
            if (pending.get(key) != p) return;
            if (!p.written && p.unwrittenTimeouts++ < UNWRITTEN_TIMEOUTS) {
                armTimeout(ch, key, p, timeout, judged);
                return;
            }
            if (pending.remove(key, p)) {
                if (judged) failed("no answer in " + timeout + " ms");
                p.future.complete(HostExchange.of(HostExchange.Outcome.TIMEOUT));
            }
        }, timeout, TimeUnit.MILLISECONDS);
    }

    /** Response MTI class and function ("21" for 0200 -> 0210, "43" for 0420/0421 -> 0430) + STAN. */
    static String requestKey(String mti, String stan) {
        return "" + mti.charAt(1) + (char) (mti.charAt(2) + 1) + stan;
    }

    static String responseKey(String mti, String stan) {
        return mti.substring(1, 3) + stan;
    }

    private void received(Channel ch, byte[] frame) {
        IsoMessage m;
        try {
            m = dialect.unpack(frame, 0, frame.length);
        } catch (IsoException e) {
            log.warn("host={} unparseable answer ({} bytes): {}", name, frame.length, e.getMessage());
            return;
        }
        String mti = m.getMti();
        String stan = m.getString(11);
        if (mti == null || mti.length() != 4 || stan == null) {
            log.warn("host={} answer without MTI or DE 11 ignored", name);
            return;
        }
        if ((mti.charAt(2) - '0') % 2 == 0) {
            answerHostRequest(ch, m);
            return;
        }
        String key = responseKey(mti, stan);
        Pending p = pending.remove(key);
        String first = p == null ? answeredAlready(key) : null;
        if (first != null) {
            // not late: a host that answered twice (the first answer was taken); nothing is stored or undone for it,
            // which the late answer's line said (a black-box audit: an operator would believe the sale reversed)
            String code = m.getString(39);
            if ("00".equals(code) && !"00".equals(first) && mti.startsWith("02")) {
                // one that contradicts a decline with an approval: the gateway keeps the decline its terminal heard,
                // so the host holds an approval nobody recorded (a re-audit); said loudly, for the acquirer to settle
                log.error("host={} second answer {} stan {} approves a request it declined first ({}): the decline stands"
                        + " here; settle the host's approval with the acquirer (DE 37 {})", name, mti, stan, first, m.getString(37));
            } else {
                log.warn("host={} second answer {} stan {} code {} to a request it answered already: ignored", name, mti,
                        stan, code);
            }
            return;
        }
        if (p == null) {
            lateAnswers.incrementAndGet();
            log.warn("host={} answer {} stan {} matches no pending request (late or unknown)", name, mti, stan);
            unmatched.accept(m);
            return;
        }
        if (p.timer != null) p.timer.cancel(false);
        answered(key, m.getString(39));
        breaker.success();
        p.future.complete(new HostExchange(HostExchange.Outcome.ANSWERED, m, frame));
    }

    /** The host's own echo (0800): answered 0810 00 (800 where DE 39 is a 1993 action code). Other host-initiated requests are not supported and ignored. */
    private void answerHostRequest(Channel ch, IsoMessage m) {
        if (!"0800".equals(m.getMti())) {
            log.warn("host={} sent a {} request; not supported, ignored", name, m.getMti());
            return;
        }
        IsoMessage r = m.toResponse(7, 11, 70);
        r.set(39, ActionCodes.onWire(dialect, "0810", "00"));
        write(ch, dialect.pack(r));
    }

    private void write(Channel ch, byte[] packed) {
        ByteBuf out = framing.headerLength() > 0
                ? Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(TPDU), Unpooled.wrappedBuffer(packed))
                : Unpooled.wrappedBuffer(packed);
        ch.writeAndFlush(out);
    }

    IsoMessage echoMessage() {
        IsoMessage e = new IsoMessage("0800").dialect(dialect);
        e.set(7, ZonedDateTime.now(ZoneOffset.UTC).format(HostMessages.DE7));
        e.set(11, stans.get());
        e.set(70, "301");
        return e;
    }

    /** Sends an echo on {@code ch}; an unanswered echo closes the connection (it is reconnected). */
    private CompletableFuture<HostExchange> echo(Channel ch) {
        return echo(ch, true);
    }

    /**
     * @param judged whether its timeout counts for the circuit breaker: not for the check of an endpoint set aside,
     *               which the host's other endpoint answers for meanwhile
     */
    private CompletableFuture<HostExchange> echo(Channel ch, boolean judged) {
        echoes.incrementAndGet();
        CompletableFuture<IsoMessage> msg;
        try {
            msg = CompletableFuture.supplyAsync(this::echoMessage, blocking);
        } catch (RuntimeException stopping) {
            return CompletableFuture.completedFuture(HostExchange.of(HostExchange.Outcome.NOT_SENT));
        }
        Link link = linkOf(ch);
        return msg.thenCompose(e -> send(ch, e, dialect.pack(e), timeoutMillis, judged)).exceptionally(err -> HostExchange.of(HostExchange.Outcome.NOT_SENT)).whenComplete((x, err) -> {
            if (x != null && x.outcome() == HostExchange.Outcome.ANSWERED && link != null && link.setAside
                    && System.nanoTime() - link.setAsideUntil >= 0) {
                link.setAside = false;
                log.info("host={} endpoint {} answers its echo again: it takes traffic again", name, link.endpoint);
            }
            if (x != null && x.outcome() != HostExchange.Outcome.ANSWERED && x.outcome() != HostExchange.Outcome.NOT_SENT) {
                if (link != null && links.size() > 1 && !link.setAside) {
                    // An endpoint that accepts connections and answers nothing: reconnected, it was preferred again at
                    // once, and the healthy next one never got traffic (a black-box audit: 40 sales, all 91). It takes
                    // traffic again only once it answers an echo (checkSetAside).
                    link.setAside = true;
                    log.warn("host={} endpoint {} does not answer its echo: set aside, traffic goes to the next endpoint "
                            + "until it answers one", name, link.endpoint);
                    breaker.probeSoon(); // the next endpoint is probed at the next tick, not after another open period
                }
                if (!judged) {
                    // the check of an endpoint already set aside: it stays aside, on the connection it has (closed and
                    // reconnected every few seconds, a black hole filled the log with WARN lines and gained nothing)
                    log.debug("host={} endpoint {} still does not answer its echo ({})", name, ch.remoteAddress(), x.outcome());
                    return;
                }
                if (breaker.state() != CircuitBreaker.State.CLOSED && link != null) {
                    // a probe of an outage already said (circuit open): every open period would add two WARN lines
                    // for as long as it lasts (an audit: ~950 an hour with both endpoints black holes)
                    log.debug("host={} probe echo on {} not answered ({}); closing the connection", name, ch.remoteAddress(), x.outcome());
                    link.closedQuietly = true;
                } else {
                    log.warn("host={} echo on {} not answered ({}); closing the connection", name, ch.remoteAddress(), x.outcome());
                }
                ch.close();
            }
        });
    }

    /** An echo on each connected endpoint that is set aside, one at a time per endpoint: answered, it is back. */
    private void checkSetAside() {
        for (Link l : links) {
            Channel ch = l.channel;
            if (!l.setAside || l.checking || ch == null || !ch.isActive() || System.nanoTime() - l.setAsideUntil < 0) continue;
            l.checking = true;
            echo(ch, false).whenComplete((x, err) -> l.checking = false);
        }
    }

    /** Half-open: when the circuit has been open long enough, one echo decides whether it closes. */
    private void probe() {
        if (!closed) checkSetAside();
        if (closed || !breaker.tryHalfOpen(System.nanoTime())) return;
        Channel ch = activeChannel();
        if (ch == null) {
            breaker.probeNotSent();
            return;
        }
        log.info("host={} circuit half-open: probing with an echo", name);
        echo(ch).whenComplete((x, err) -> {
            if (x != null && x.outcome() == HostExchange.Outcome.ANSWERED) log.info("host={} circuit closed", name);
            else if (x != null && x.outcome() == HostExchange.Outcome.NOT_SENT) breaker.probeNotSent();
        });
    }

    @Override
    public void close() {
        closed = true;
        if (prober != null) prober.cancel(false);
        for (Link l : links) l.close();
        for (var e : pending.entrySet()) {
            Pending p = e.getValue();
            if (pending.remove(e.getKey(), p)) {
                if (p.timer != null) p.timer.cancel(false);
                p.future.complete(HostExchange.of(HostExchange.Outcome.LINK_LOST));
            }
        }
    }

    @Override
    public String toString() {
        return "HostClient[" + name + " " + state() + "]";
    }

    private static final class Pending {
        final CompletableFuture<HostExchange> future;
        final Channel channel;
        volatile ScheduledFuture<?> timer;
        /** The request has left (written to the socket): its time at the host runs. */
        volatile boolean written;
        /** Event loop only. */
        int unwrittenTimeouts;

        Pending(CompletableFuture<HostExchange> future, Channel channel) {
            this.future = future;
            this.channel = channel;
        }
    }

    /** One endpoint: its connection, reconnected with backoff while the client is open. */
    private final class Link {
        final String endpoint;
        final String host;
        final int port;
        volatile Channel channel;
        long backoff;
        /** Left unanswered an echo while another endpoint exists: not preferred until it answers one. */
        volatile boolean setAside;
        /** An echo checking whether a set-aside endpoint answers again is in flight. */
        volatile boolean checking;
        /** This side closed the connection after an unanswered probe during an outage already logged: no WARN for it. */
        volatile boolean closedQuietly;
        /** Set aside for unanswered requests: not taken back before this (System.nanoTime()), whatever its echoes say. */
        volatile long setAsideUntil = System.nanoTime();

        Link(String endpoint) {
            int c = endpoint.lastIndexOf(':');
            if (c <= 0) throw new IllegalArgumentException("host " + name + ": endpoint '" + endpoint + "' is not host:port");
            this.endpoint = endpoint;
            this.host = endpoint.substring(0, c);
            this.port = Integer.parseInt(endpoint.substring(c + 1));
            this.backoff = options.reconnectMinMillis();
        }

        /** A failed connect was logged at WARN since the last success (connects of one link follow one another). */
        private volatile boolean connectFailureLogged;

        boolean active() {
            Channel ch = channel;
            return ch != null && ch.isActive();
        }

        void connect() {
            if (closed) return;
            Bootstrap b = new Bootstrap().group(group).channel(channelClass)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, options.connectTimeoutMillis())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (options.echoIdleMillis() > 0) {
                                ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, options.echoIdleMillis(), TimeUnit.MILLISECONDS));
                            }
                            ch.pipeline().addLast("frameDecoder", framing.newDecoder(options.maxFrameBytes() + framing.headerLength()));
                            ch.pipeline().addLast("frameEncoder", framing.newEncoder());
                            ch.pipeline().addLast("answers", new Answers());
                        }
                    });
            ChannelFuture f = b.connect(host, port);
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    String why = done.cause() == null ? "?" : done.cause().getMessage();
                    if (!connectFailureLogged) {
                        // once per run of failures: an operator sees why the host is DOWN, without a line every backoff
                        connectFailureLogged = true;
                        log.warn("host={} cannot connect to {}: {}; trying again with backoff (further failures at DEBUG until it connects)",
                                name, endpoint, why);
                    } else {
                        log.debug("host={} cannot connect to {}: {}", name, endpoint, why);
                    }
                    retryLater();
                    return;
                }
                connectFailureLogged = false;
                Channel ch = f.channel();
                if (closed) {
                    ch.close();
                    return;
                }
                channel = ch;
                connects.incrementAndGet();
                backoff = options.reconnectMinMillis();
                log.info("host={} connected to {}", name, endpoint);
                ch.closeFuture().addListener(x -> lost(ch));
            });
        }

        private void lost(Channel ch) {
            if (channel == ch) channel = null;
            for (var e : pending.entrySet()) {
                Pending p = e.getValue();
                if (p.channel == ch && pending.remove(e.getKey(), p)) {
                    if (p.timer != null) p.timer.cancel(false);
                    failed("connection lost with the request on it");
                    p.future.complete(HostExchange.of(HostExchange.Outcome.LINK_LOST));
                }
            }
            if (!closed) {
                if (closedQuietly) log.debug("host={} connection to {} closed after an unanswered probe; reconnecting", name, endpoint);
                else log.warn("host={} connection to {} lost; reconnecting", name, endpoint);
                closedQuietly = false;
                retryLater();
            }
        }

        private void retryLater() {
            if (closed) return;
            long delay = backoff;
            backoff = Math.min(options.reconnectMaxMillis(), backoff * 2);
            group.next().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }

        void close() {
            Channel ch = channel;
            if (ch != null) ch.close();
        }

        private final class Answers extends SimpleChannelInboundHandler<ByteBuf> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                int skip = framing.headerLength();
                if (frame.readableBytes() < skip) return;
                frame.skipBytes(skip);
                received(ctx.channel(), ByteBufUtil.getBytes(frame));
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof IdleStateEvent) echo(ctx.channel());
                else ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                log.warn("host={} connection {}: {}; closing", name, endpoint, cause.toString());
                ctx.close();
            }
        }
    }
}
