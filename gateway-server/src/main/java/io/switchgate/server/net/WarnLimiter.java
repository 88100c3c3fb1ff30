package io.switchgate.server.net;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Says when a WARN line of one kind is due: at most once every 10 s (the rest go to DEBUG, and a counter counts them
 * all). Anyone who can connect can make a listener close connections by the thousand; one line each was a flood.
 */
final class WarnLimiter {
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private final AtomicLong last = new AtomicLong(System.nanoTime() - EVERY_NANOS);

    /** True at most once every 10 s, whichever thread asks. */
    boolean due() {
        long now = System.nanoTime();
        long at = last.get();
        return now - at >= EVERY_NANOS && last.compareAndSet(at, now);
    }
}
