package io.switchgate.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.switchgate.config.GatewayConfig;
import io.switchgate.server.config.BindFailure;
import io.switchgate.txn.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The terminal-facing TCP server: binds every configured listener (several in one process), frames messages
 * ({@code nac2}, {@code ascii4}, {@code nac2-tpdu}), hands each to a {@link MessageHandler} and writes each
 * response when it is ready, so many requests can be in flight on one connection and answered in any order.
 * Uses epoll where available, NIO otherwise. The event loop never blocks.
 *
 * <p>Limits, per listener: {@code maxConnections} (more are closed at accept, see {@link ConnectionLimit}),
 * {@code maxInFlight} per connection (at the limit the connection is not read until answers go out, see
 * {@link ExchangeHandler}), and {@code idleTimeoutSeconds} both as an idle timeout and as the time a started frame
 * has to complete ({@link FrameTimeoutHandler}). The admin API has event loops of its own, so it stays reachable.
 *
 * <p>Graceful stop: {@link #stopAccepting()} closes the listening sockets and stops reading new frames (or
 * {@link #stopAcceptingConnections()}, which keeps reading them);
 * {@link #awaitInFlight(Duration)} waits for responses already being worked on to be written;
 * {@link #close()} closes every connection and the event loops. {@link #shutdown(Duration)} does all three.
 */
public final class TerminalServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TerminalServer.class);

    private final List<GatewayConfig.Listener> listeners;
    private final MessageHandler handler;
    private final Map<String, ListenerStats> stats = new LinkedHashMap<>();
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private final ChannelGroup connections = new DefaultChannelGroup("terminals", GlobalEventExecutor.INSTANCE);
    final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile boolean readingStopped;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private boolean epoll;

    public TerminalServer(List<GatewayConfig.Listener> listeners, MessageHandler handler) {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("no listeners");
        }
        this.listeners = List.copyOf(listeners);
        this.handler = handler;
        for (GatewayConfig.Listener l : listeners) {
            if (stats.put(l.name(), new ListenerStats(l.name())) != null) {
                throw new IllegalArgumentException("duplicate listener name " + l.name());
            }
        }
    }

    /**
     * Binds every listener. On failure (port in use, bad address) whatever was bound is released and a
     * {@link ServerStartException} names the listener and its host:port.
     */
    public synchronized TerminalServer start() {
        if (boss != null) {
            throw new IllegalStateException("already started");
        }
        epoll = Epoll.isAvailable() && !Boolean.getBoolean("gateway.nio");
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, factory);
        workers = new MultiThreadIoEventLoopGroup(io.switchgate.config.Tuning.wholeInt("gateway.ioThreads", 0, 0, 256), factory);
        try {
            for (GatewayConfig.Listener l : listeners) {
                serverChannels.put(l.name(), bind(l, channelClass));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private Channel bind(GatewayConfig.Listener l, Class<? extends ServerChannel> channelClass) {
        Framing framing = Framing.of(l.framing());
        int maxFrame = Math.min(l.maxFrameBytes(), framing.maxLength());
        ListenerStats st = stats.get(l.name());
        ConnectionLimit limit = new ConnectionLimit(l.name(), l.maxConnections(), st);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // A terminal that shuts its sending side after its last request still reads: the requests it sent
                // are answered before the connection closes (ExchangeHandler), not cut off with it.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (draining) {
                            ch.close();
                            return;
                        }
                        if (!limit.admit(ch)) {
                            return;
                        }
                        ChannelPipeline p = ch.pipeline();
                        // A group commit releases many answers at once, each written by its own event-loop task:
                        // one flush (one write system call) for all the answers written before the loop gets to it,
                        // rather than one per answer.
                        p.addLast("flushConsolidation", new FlushConsolidationHandler(256, true));
                        if (l.idleTimeoutSeconds() > 0) {
                            p.addLast("idle", new IdleStateHandler(0, 0, l.idleTimeoutSeconds(), TimeUnit.SECONDS));
                        }
                        ChannelHandler decoder = framing.newDecoder(maxFrame);
                        if (l.idleTimeoutSeconds() > 0) {
                            p.addLast("frameTimeout", new FrameTimeoutHandler(TimeUnit.SECONDS.toMillis(l.idleTimeoutSeconds()),
                                    (BufferedFrame) decoder, l.name(), st));
                        }
                        p.addLast("frameDecoder", decoder);
                        p.addLast("frameEncoder", framing.newEncoder());
                        p.addLast("exchange", new ExchangeHandler(TerminalServer.this, l.name(), framing.headerLength(), handler, st,
                                l.maxInFlight()));
                    }
                });
        String where = l.host() + ":" + l.port();
        ChannelFuture f;
        try {
            f = b.bind(new InetSocketAddress(l.host(), l.port())).awaitUninterruptibly();
        } catch (RuntimeException e) {
            throw BindFailure.of("listeners[" + listeners.indexOf(l) + "]", "listener " + l.name(), where, e);
        }
        if (!f.isSuccess()) {
            throw BindFailure.of("listeners[" + listeners.indexOf(l) + "]", "listener " + l.name(), where, f.cause());
        }
        Channel ch = f.channel();
        log.info("listener {} on {} framing={} dialect={} maxFrameBytes={} idleTimeoutSeconds={} maxConnections={} maxInFlight={} transport={}",
                l.name(), l.host() + ":" + ((InetSocketAddress) ch.localAddress()).getPort(), framing, l.dialect(), maxFrame,
                l.idleTimeoutSeconds(), l.maxConnections(), l.maxInFlight(), epoll ? "epoll" : "nio");
        return ch;
    }

    /** The port a listener is bound to (useful when configured as 0). */
    public int port(String listener) {
        Channel ch = serverChannels.get(listener);
        if (ch == null) {
            throw new IllegalArgumentException("no listener " + listener);
        }
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /** Counters of one listener. */
    public ListenerStats stats(String listener) {
        ListenerStats s = stats.get(listener);
        if (s == null) {
            throw new IllegalArgumentException("no listener " + listener);
        }
        return s;
    }

    /** Counters of every listener, in configuration order. */
    public Map<String, ListenerStats> stats() {
        return Collections.unmodifiableMap(stats);
    }

    /** Terminal connections open now, all listeners. */
    public int openConnections() {
        int n = 0;
        for (ListenerStats s : stats.values()) {
            n += s.openConnections();
        }
        return n;
    }

    /** Requests handed to the handler whose response is not yet written, all listeners. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Whether epoll (rather than NIO) is in use. */
    public boolean isEpoll() {
        return epoll;
    }

    /** {@link #stopAccepting()} was called: a connection paused at its in-flight limit is not read again. */
    boolean readingStopped() {
        return readingStopped;
    }

    public boolean isDraining() {
        return draining;
    }

    int idleTimeoutSeconds(String listener) {
        GatewayConfig.Listener l = named(listener);
        return l == null ? -1 : l.idleTimeoutSeconds();
    }

    int maxFrameBytes(String listener) {
        GatewayConfig.Listener l = named(listener);
        return l == null ? -1 : l.maxFrameBytes();
    }

    private GatewayConfig.Listener named(String listener) {
        for (GatewayConfig.Listener l : listeners) {
            if (l.name().equals(listener)) return l;
        }
        return null;
    }

    /** Closes the listening sockets and stops reading new requests; responses in flight are still written. */
    public void stopAccepting() {
        readingStopped = true;
        stopAcceptingConnections();
        for (Channel ch : connections) {
            ch.config().setAutoRead(false);
        }
    }

    /**
     * Closes the listening sockets only: open connections are still read, so that what a terminal sends while the
     * server drains is answered (the {@code serve} command has its engine answer it {@code 91 GATEWAY_STOPPING} by
     * then) rather than left unread until the close cuts it off with no answer at all (an audit saw that on every
     * connection of a SIGTERM under load).
     */
    public void stopAcceptingConnections() {
        draining = true;
        List<ChannelFuture> closing = new ArrayList<>();
        synchronized (this) {
            for (Channel ch : serverChannels.values()) {
                closing.add(ch.close());
            }
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Waits until every response in flight is written, or the timeout passes; true when none is left. */
    public boolean awaitInFlight(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return inFlight.get() == 0;
            }
        }
        return true;
    }

    /** Stop accepting, wait up to {@code timeout} for in-flight responses, then close. True when nothing was cut off. */
    public boolean shutdown(Duration timeout) {
        stopAccepting();
        boolean drained = awaitInFlight(timeout);
        if (!drained) {
            log.warn("shutdown: {} responses still in flight after {} ms, closing anyway", inFlight.get(), timeout.toMillis());
        }
        close();
        return drained;
    }

    /** Closes every connection and listening socket now, and releases the event loops. */
    @Override
    public synchronized void close() {
        draining = true;
        for (Channel ch : serverChannels.values()) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
