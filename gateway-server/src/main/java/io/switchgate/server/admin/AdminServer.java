package io.switchgate.server.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.switchgate.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin HTTP server on {@code admin.host:admin.port}: Netty's HTTP codec on one event loop thread of its
 * own, store reads on a small pool, status changes on one thread. Every path but {@code /health} needs the
 * bearer token; the server never runs without one ({@link Operations} generates one when none is configured).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final int MAX_BODY = 64 * 1024;

    private final GatewayConfig.Admin config;
    private final BearerToken token;
    private final ExecutorService reads;
    private final ExecutorService writes;
    private final AdminApi api;
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param apiFactory builds the API on the executors this server owns (reads, writes)
     * @throws IllegalArgumentException when no token is set (resolve one with {@link AdminTokenFile} first)
     */
    public AdminServer(GatewayConfig.Admin config, ApiFactory apiFactory) {
        this.config = config;
        this.token = new BearerToken(config.token());
        this.reads = pool("admin-read", 2, 1000);
        this.writes = pool("admin-write", 1, 100);
        this.api = apiFactory.create(reads, writes);
    }

    /** Builds the {@link AdminApi} on the server's executors. */
    @FunctionalInterface
    public interface ApiFactory {
        AdminApi create(java.util.concurrent.Executor reads, java.util.concurrent.Executor writes);
    }

    private static ExecutorService pool(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), r -> {
            Thread th = new Thread(r, name + "-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
    }

    /** 127.0.0.0/8, ::1 or {@code localhost}; a host name other than localhost is never taken as loopback. */
    public static boolean isLoopback(String host) {
        if (host == null) return false;
        String h = host.trim();
        if (h.equalsIgnoreCase("localhost")) return true;
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        boolean literal = h.indexOf(':') >= 0 || h.matches("[0-9.]+");
        if (!literal) return false;
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Binds; a port in use or a bad address throws {@link IllegalStateException} naming admin.host:admin.port. */
    public synchronized AdminServer start() {
        if (group != null) throw new IllegalStateException("already started");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("timeout", new ReadTimeoutHandler(60))
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
                                .addLast("admin", new AdminHandler(api, token));
                    }
                });
        String where = config.host() + ":" + config.port();
        ChannelFuture f = b.bind(new InetSocketAddress(config.host(), config.port())).awaitUninterruptibly();
        if (!f.isSuccess()) {
            close();
            throw io.switchgate.server.config.BindFailure.of("admin", "admin", where, f.cause());
        }
        channel = f.channel();
        log.info("admin API on {}:{} (bearer token required on every path but /health)", config.host(), port());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public AdminApi api() {
        return api;
    }

    @Override
    public synchronized void close() {
        if (channel != null) channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (group != null) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        reads.shutdownNow();
        writes.shutdownNow();
    }
}
