package io.switchgate.txn;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * DE 7 (transmission date and time, MMDDhhmmss, GMT) as an instant: it carries no year, so the year is the one that puts
 * it nearest the gateway's clock. Two DE 7s of one terminal compare on that terminal's own clock, whatever the
 * gateway's.
 */
final class TransmissionTime {
    /**
     * How much later than a reversal its original may say it was sent: a terminal whose clock was set back, or which
     * sends local time for GMT, still has its reversal found; a request sent half a day after it is not its original.
     */
    static final Duration CLOCK_SLACK = Duration.ofHours(12);

    private TransmissionTime() {
    }

    /** The instant {@code de7} names nearest {@code now}, or null if it is not a real MMDDhhmmss. */
    static Instant nearest(String de7, Instant now) {
        if (de7 == null || de7.length() != 10) return null;
        for (int i = 0; i < 10; i++) if (de7.charAt(i) < '0' || de7.charAt(i) > '9') return null;
        int month = Integer.parseInt(de7.substring(0, 2));
        int day = Integer.parseInt(de7.substring(2, 4));
        int hour = Integer.parseInt(de7.substring(4, 6));
        int minute = Integer.parseInt(de7.substring(6, 8));
        int second = Integer.parseInt(de7.substring(8, 10));
        int year = LocalDateTime.ofInstant(now, ZoneOffset.UTC).getYear();
        Instant best = null;
        for (int y = year - 1; y <= year + 1; y++) {
            try {
                Instant t = LocalDateTime.of(y, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
                if (best == null || Duration.between(t, now).abs().compareTo(Duration.between(best, now).abs()) < 0) best = t;
            } catch (DateTimeException notThatYear) {
                // 29 February of a year without it, or no such date at all
            }
        }
        return best;
    }

    /**
     * True if {@code originalDe7} says the original was sent more than {@link #CLOCK_SLACK} after {@code reversalDe7}:
     * it cannot be what that reversal reverses (a reversal is sent after its original). False if either is unreadable.
     */
    static boolean sentAfter(String originalDe7, String reversalDe7, Instant now) {
        if (originalDe7 == null || reversalDe7 == null) return false;
        Instant original = nearest(originalDe7, now);
        Instant reversal = nearest(reversalDe7, now);
        return original != null && reversal != null && original.isAfter(reversal.plus(CLOCK_SLACK));
    }
}
