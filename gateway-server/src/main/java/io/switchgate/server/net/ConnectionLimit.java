package io.switchgate.server.net;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A listener's {@code maxConnections}: a connection accepted beyond it is closed at once, before any handler of ours
 * runs, so idle connections cannot use up the process's file descriptors (and with them the admin port, the store
 * and the hosts). The refusal is logged at most every 10 seconds; each one is counted in {@link ListenerStats}.
 */
final class ConnectionLimit {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String listener;
    private final int max;
    private final ListenerStats stats;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    ConnectionLimit(String listener, int max, ListenerStats stats) {
        this.listener = listener;
        this.max = max;
        this.stats = stats;
    }

    /** Admits a new connection (counted until it closes), or closes it and returns false. */
    boolean admit(Channel ch) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            stats.refused.increment();
            long now = System.nanoTime();
            long last = lastWarning.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
                log.warn("listener={} has maxConnections={} open: refusing new connections ({} refused so far)", listener,
                        max, stats.refusedConnections());
            }
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }
}
