package io.switchgate.server.net;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of one listener, for metrics and tests. */
public final class ListenerStats {

    private final String listener;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final LongAdder accepted = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder responses = new LongAdder();
    final LongAdder closedBadFrame = new LongAdder();
    final LongAdder closedFrameTimeout = new LongAdder();
    private final WarnLimiter frameTimeoutWarnings = new WarnLimiter();
    private final WarnLimiter badFrameWarnings = new WarnLimiter();

    /**
     * True at most once every 10 s: whether a frame-timeout close is logged at WARN (the others at DEBUG). An overload
     * audit's 8,000 half-sent frames wrote 8,000 WARN lines in one second.
     */
    boolean frameTimeoutWarningDue() {
        return frameTimeoutWarnings.due();
    }

    /** As {@link #frameTimeoutWarningDue}, for connections closed on a frame too long or corrupt (a re-audit: 200 in 200 lines). */
    boolean badFrameWarningDue() {
        return badFrameWarnings.due();
    }
    final LongAdder refused = new LongAdder();
    final LongAdder unwritten = new LongAdder();
    final LongAdder unanswered = new LongAdder();

    ListenerStats(String listener) {
        this.listener = listener;
    }

    public String listener() {
        return listener;
    }

    /** Connections open now. */
    public int openConnections() {
        return connections.get();
    }

    /** Requests handed to the handler whose response is not yet written (or dropped). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Connections accepted since start. */
    public long acceptedConnections() {
        return accepted.sum();
    }

    /** Frames handed to the handler since start. */
    public long requests() {
        return requests.sum();
    }

    /** Responses written since start. */
    public long responses() {
        return responses.sum();
    }

    /** Connections closed at accept because the listener had {@code maxConnections} open. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** Connections closed because a frame they started was not complete within {@code idleTimeoutSeconds}. */
    public long closedForFrameTimeout() {
        return closedFrameTimeout.sum();
    }

    /** Answers not written because their connection had closed (the terminal gave up, or reset it). */
    public long unwrittenAnswers() {
        return unwritten.sum();
    }

    /**
     * Frames read and left unanswered by design (contract section 3): no request MTI could be read, or a response MTI
     * came to the gateway. Without this count they left no trace at all (a newcomer sending ASCII to a binary
     * listener waited 10 s and found nothing in the log or the metrics).
     */
    public long unansweredFrames() {
        return unanswered.sum();
    }

    /** Connections closed because of an oversized or corrupt frame. */
    public long closedForBadFrames() {
        return closedBadFrame.sum();
    }
}
