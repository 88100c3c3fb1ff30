package io.switchgate.server.host;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.iso.Dialect;
import io.switchgate.journal.ChannelFactory;
import io.switchgate.journal.JournalOptions;
import io.switchgate.route.Authorizer;
import io.switchgate.route.AuthorizerFactory;
import io.switchgate.saf.JdbcSafQueue;
import io.switchgate.saf.SafQueue;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;
import io.switchgate.server.net.Framing;
import io.switchgate.store.StoreException;
import io.switchgate.store.TransactionStore;
import io.switchgate.txn.JournalPlacement;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes one {@link HostAuthorizer} per {@code hosts[]} entry when the gateway starts:
 * {@code Gateway.start(config, clock, new HostAuthorizerFactory())}.
 *
 * <p>They share one Netty event loop group (client side), the store-and-forward queue (in the gateway's database
 * for a JDBC store, in memory for {@code memory:}), a small pool for blocking work (storing reversals) and one
 * {@link SafSender} for this node. These are released when the last authorizer is closed (the gateway closes
 * them after draining, before the store).
 */
public final class HostAuthorizerFactory implements AuthorizerFactory {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HostAuthorizerFactory.class);

    private final HostClient.Options clientOptions;
    private final SafSender.Options safOptions;
    private final Clock clock;
    private final ChannelFactory holdsChannels;
    private volatile Runtime last;

    public HostAuthorizerFactory() {
        this(HostClient.Options.defaults(), SafSender.Options.defaults(), Clock.systemUTC());
    }

    public HostAuthorizerFactory(HostClient.Options clientOptions, SafSender.Options safOptions, Clock clock) {
        this(clientOptions, safOptions, clock, ChannelFactory.FILES);
    }

    /**
     * As above, with the held reversals' journal (of a node whose file journal commits) opening its files through
     * {@code holdsChannels}: a disk that fails, in tests of what the gateway answers and shows then.
     */
    public HostAuthorizerFactory(HostClient.Options clientOptions, SafSender.Options safOptions, Clock clock,
                                 ChannelFactory holdsChannels) {
        this.clientOptions = clientOptions;
        this.safOptions = safOptions;
        this.clock = clock;
        this.holdsChannels = holdsChannels;
    }

    /** The SAF sender of the gateway this factory started last (null before, or with no hosts). For metrics and tests. */
    public SafSender safSender() {
        Runtime r = last;
        return r == null ? null : r.sender;
    }

    @Override
    public List<Authorizer> create(GatewayConfig config, SecurityModule security, TransactionStore store) {
        List<GatewayConfig.Host> hosts = config.hosts() == null ? List.of() : config.hosts();
        warnOfStoredMessagesForHostsNotConfigured(store, hosts);
        if (hosts.isEmpty()) return List.of();
        // validate everything before opening anything
        List<Prepared> prepared = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) prepared.add(prepare(hosts.get(i), i, security));
        String node = config.node() == null ? "01" : config.node().id();
        Runtime rt = new Runtime(JdbcSafQueue.forStore(store), hosts.size(), config, store, node, holdsChannels);
        Map<String, HostAuthorizer> byName = new LinkedHashMap<>();
        List<Authorizer> out = new ArrayList<>();
        for (Prepared p : prepared) {
            HostStans stans = new HostStans(store, p.host.name());
            HostClient client = new HostClient(p.host.name(), p.host.endpoints(), p.framing, p.dialect,
                    p.host.timeoutMillis() > 0 ? p.host.timeoutMillis() : 5000, rt.group, rt.channelClass, clientOptions, stans, rt.blocking);
            HostAuthorizer a = new HostAuthorizer(p.host.name(), p.host.acquirerId(), client, security, p.zpk, p.zak, rt.queue,
                    stans, rt.blocking, clock, rt::nudge, rt::release, node, rt.holds);
            byName.put(a.name(), a);
            out.add(a);
        }
        long maxTimeout = hosts.stream().mapToLong(h -> h.timeoutMillis() > 0 ? h.timeoutMillis() : 5000).max().orElse(5000);
        SafSender.Options so = safOptions.withLeaseAtLeast(2 * maxTimeout + 5_000);
        Map<String, List<io.switchgate.saf.SafMessage>> undoneHere = new java.util.HashMap<>();
        Map<String, List<io.switchgate.route.LostHostAnswer>> lost = new java.util.HashMap<>();
        HeldReversals.settle(rt.holds, node, store, clock.instant(), undoneHere, lost);
        undoneHere.forEach((host, rrns) -> {
            HostAuthorizer a = byName.get(host);
            if (a != null) a.undoneWhileStopped(rrns);
        });
        lost.forEach((host, requests) -> {
            HostAuthorizer a = byName.get(host);
            if (a != null) a.lostWhileStopped(requests);
        });
        rt.sender = new SafSender(rt.queue, node, byName, clock, so);
        SafSender sender = rt.sender;
        for (HostAuthorizer a : byName.values()) a.refusedReversals = sender::refused;
        for (HostAuthorizer a : byName.values()) a.client().start();
        rt.sender.start();
        last = rt;
        return out;
    }

    /**
     * Reversals stored for a host the configuration no longer names are kept (delivered once a host of that name is
     * configured again) but nothing sends them: said at every start, one WARN per such host. A black-box audit found
     * them shown nowhere (with {@code hosts: []}, {@code /api/saf} has depth 0 and the log said nothing).
     */
    private static void warnOfStoredMessagesForHostsNotConfigured(TransactionStore store, List<GatewayConfig.Host> hosts) {
        java.util.Set<String> configured = new java.util.HashSet<>();
        for (GatewayConfig.Host h : hosts) configured.add(h.name());
        Map<String, Long> waiting;
        try (io.switchgate.saf.SafQueue queue = JdbcSafQueue.forStore(store)) {
            waiting = queue.depthByHost();
        } catch (RuntimeException e) {
            log.warn("cannot count the stored messages per host: {}", e.toString());
            return;
        }
        waiting.forEach((host, n) -> {
            if (!configured.contains(host)) {
                log.warn("{} stored message(s) (reversals) wait for host {}, which the configuration no longer names: "
                        + "nothing sends them until a host of that name is configured again", n, host);
            }
        });
    }

    private record Prepared(GatewayConfig.Host host, Framing framing, Dialect dialect, KeyHandle zpk, KeyHandle zak) {
    }

    private static Prepared prepare(GatewayConfig.Host h, int i, SecurityModule security) {
        String at = "hosts[" + i + "]";
        if (h.name() == null || h.name().isBlank()) throw new InvalidConfigException(at + ".name", "is required");
        if (h.endpoints() == null || h.endpoints().isEmpty()) throw new InvalidConfigException(at + ".endpoints", "needs at least one host:port");
        for (String ep : h.endpoints()) {
            int c = ep == null ? -1 : ep.lastIndexOf(':');
            boolean ok = c > 0;
            if (ok) {
                try {
                    int port = Integer.parseInt(ep.substring(c + 1));
                    ok = port > 0 && port < 65536;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) throw new InvalidConfigException(at + ".endpoints", "'" + ep + "' is not host:port");
        }
        if (h.acquirerId() == null || h.acquirerId().isEmpty() || h.acquirerId().length() > 11 || !h.acquirerId().chars().allMatch(Character::isDigit)) {
            throw new InvalidConfigException(at + ".acquirerId", "must be 1 to 11 digits");
        }
        Framing framing;
        try {
            framing = Framing.of(h.framing() == null ? "nac2" : h.framing());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(at + ".framing", e.getMessage());
        }
        Dialect dialect;
        try {
            dialect = Dialect.named(h.dialect() == null ? "iso87binary" : h.dialect());
        } catch (RuntimeException e) {
            throw new InvalidConfigException(at + ".dialect", e.getMessage());
        }
        Map<String, String> keys = h.keys() == null ? Map.of() : h.keys();
        return new Prepared(h, framing, dialect, key(security, KeyType.ZPK, keys.get("zpk"), at + ".keys.zpk"),
                key(security, KeyType.ZAK, keys.get("zak"), at + ".keys.zak"));
    }

    /** Clear hex (test configurations) or {@code kcv:XXXXXX:<hex under the master key>}. */
    static KeyHandle key(SecurityModule security, KeyType type, String value, String at) {
        if (value == null || value.isBlank()) return null;
        try {
            if (value.startsWith("kcv:")) return security.importStored(type, value);
            return security.importClear(type, HexFormat.of().parseHex(value));
        } catch (RuntimeException e) {
            // the message of a key check failure names the role, never the key
            throw new InvalidConfigException(at, e.getMessage() == null ? "invalid key" : e.getMessage());
        }
    }

    /**
     * A node whose file journal commits keeps its held reversals in a journal of their own beside it
     * ({@code <journal dir>-holds}, same durability); a database that is the journal keeps them as rows of its queue.
     */
    private static HeldReversalStore holdsFor(GatewayConfig config, TransactionStore store, SafQueue queue, String node,
                                              Executor completions, ChannelFactory channels) {
        JournalPlacement placement = JournalPlacement.of(config, store);
        if (placement == null) return new QueueHolds(queue, node);
        Path dir = holdsDir(placement.options().dir());
        try {
            return new JournalHolds(new HoldJournal(new JournalOptions(dir,
                    placement.options().durability(), HoldJournal.SEGMENT_BYTES), completions, channels), queue, node);
        } catch (IOException e) {
            throw new StoreException("cannot open the held reversals' journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The held reversals' journal of a node whose file journal is in {@code journalDir}: its sibling. */
    static Path holdsDir(Path journalDir) {
        Path abs = journalDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + "-holds");
    }

    /** What the authorizers of one gateway share. */
    private static final class Runtime {
        final EventLoopGroup group;
        final Class<? extends Channel> channelClass;
        final ExecutorService blocking;
        final SafQueue queue;
        final HeldReversalStore holds;
        final AtomicInteger open;
        volatile SafSender sender;

        Runtime(SafQueue queue, int authorizers, GatewayConfig config, TransactionStore store, String node,
                ChannelFactory holdsChannels) {
            boolean epoll = Epoll.isAvailable() && !Boolean.getBoolean("gateway.nio");
            IoHandlerFactory f = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
            this.group = new MultiThreadIoEventLoopGroup(io.switchgate.config.Tuning.wholeInt("gateway.hostIoThreads", 1, 1, 64), f);
            this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
            AtomicInteger n = new AtomicInteger();
            this.blocking = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "host-saf-store-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.queue = queue;
            this.holds = holdsFor(config, store, queue, node, blocking, holdsChannels);
            this.open = new AtomicInteger(authorizers);
        }

        void nudge() {
            SafSender s = sender;
            if (s != null) s.nudge();
        }

        /** The last authorizer closed: stop the sender, finish storing reversals, release the threads. */
        void release() {
            if (open.decrementAndGet() != 0) return;
            SafSender s = sender;
            if (s != null) s.close();
            holds.close();
            blocking.shutdown();
            try {
                blocking.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            queue.close();
        }
    }
}
