package io.switchgate.bench.restart;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * How a generated history is spread: {@code rows} transactions over the {@code days} before {@code now}, of which
 * {@code lastDayRows} fall inside the last 24 hours (the engine's duplicate window, which a restart loads).
 */
record HistoryShape(long rows, int days, long lastDayRows, long seed, Instant now, ZoneId zone) {
    static final Duration DAY = Duration.ofDays(1);
    /** The newest row is this much before {@code now}: a sale of the probe never meets one of the history in the same second. */
    static final Duration QUIET_BEFORE_NOW = Duration.ofMinutes(1);

    HistoryShape {
        if (rows < 1) throw new IllegalArgumentException("rows must be >= 1");
        if (days < 2) throw new IllegalArgumentException("days must be >= 2 (one of them is the last 24 hours)");
        if (lastDayRows < 0 || lastDayRows > rows) throw new IllegalArgumentException("last-day rows must be within 0.." + rows);
    }

    Instant start() {
        return now.minus(DAY.multipliedBy(days));
    }

    Instant lastDayStart() {
        return now.minus(DAY);
    }

    /**
     * The time of row slot {@code i} (0-based, in time order): the older rows evenly over [start, now - 24 h), the
     * last day's evenly over [now - 24 h, now - 1 min). Evenly, not in daily waves: what a restart reads depends on
     * how many rows lie in the window, not on their hour.
     */
    Instant slot(long i) {
        long older = rows - lastDayRows;
        if (i < older) {
            long span = Duration.between(start(), lastDayStart()).toMillis();
            return start().plusMillis(span * i / older);
        }
        long span = Duration.between(lastDayStart(), now.minus(QUIET_BEFORE_NOW)).toMillis();
        return lastDayStart().plusMillis(span * (i - older) / lastDayRows);
    }
}
