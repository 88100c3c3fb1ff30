package io.switchgate.server.host;

/**
 * Stops sending to a host that does not answer: {@code threshold} consecutive failures (timeouts, connections lost
 * with requests on them) open it; while open every request is refused at once. After {@code openMillis} it lets one
 * probe through (half-open, an echo sent by the client); the probe's answer closes it, its failure opens it again.
 * Any answer from the host resets the failure count. Thread-safe.
 */
final class CircuitBreaker {
    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long openNanos;
    private State state = State.CLOSED;
    private int failures;
    private long openedAt;
    private long opened;

    CircuitBreaker(int threshold, long openMillis) {
        this.threshold = Math.max(1, threshold);
        this.openNanos = openMillis * 1_000_000L;
    }

    synchronized boolean allowsRequests() {
        return state == State.CLOSED;
    }

    synchronized State state() {
        return state;
    }

    /** How many times it opened so far. */
    synchronized long timesOpened() {
        return opened;
    }

    synchronized void success() {
        failures = 0;
        state = State.CLOSED;
    }

    /**
     * @return true if this failure opened a closed circuit: the caller says so once (a failed probe opening it again
     *         is the same outage, not news)
     */
    synchronized boolean failure() {
        failures++;
        if (state == State.HALF_OPEN) {
            open();
        } else if (state == State.CLOSED && failures >= threshold) {
            open();
            return true;
        }
        return false;
    }

    synchronized int failuresInARow() {
        return failures;
    }

    /** If open long enough, moves to half-open and returns true: the caller sends one probe. */
    synchronized boolean tryHalfOpen(long nowNanos) {
        if (state != State.OPEN || nowNanos - openedAt < openNanos) return false;
        state = State.HALF_OPEN;
        return true;
    }

    /**
     * The next probe may go at once, not after another open period: the endpoint that failed was set aside and another
     * is there to probe (an audit: 5 s more of 91s while the healthy endpoint waited).
     */
    synchronized void probeSoon() {
        if (state == State.OPEN) openedAt = System.nanoTime() - openNanos;
    }

    /** The probe could not even be sent (no connection): stay open for another period. */
    synchronized void probeNotSent() {
        if (state == State.HALF_OPEN) open();
    }

    private void open() {
        if (state != State.OPEN) opened++;
        state = State.OPEN;
        openedAt = System.nanoTime();
    }
}
