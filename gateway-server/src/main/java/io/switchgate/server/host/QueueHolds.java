package io.switchgate.server.host;

import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Held reversals as {@code HELD} rows of the store-and-forward queue, many per commit ({@link HeldReversalWriter}):
 * for a database that is the journal (several nodes on PostgreSQL, an in-memory store), where the queue's commit is
 * as durable as the node's answers. Each node settles only the rows it holds. Each row keeps the terminal's request
 * beside it, as {@link JournalHolds} does, so that a start after a kill journals it as {@code 91 HOST_ANSWER_LOST}.
 */
final class QueueHolds implements HeldReversalStore {
    private final SafQueue queue;
    private final String node;
    private final HeldReversalWriter writer;

    QueueHolds(SafQueue queue, String node) {
        this.queue = queue;
        this.node = node;
        this.writer = new HeldReversalWriter(queue);
    }

    @Override
    public CompletableFuture<Boolean> hold(SafMessage held) {
        return writer.store(held);
    }

    /** The request kept in the held row itself (column {@code held_request}), read back by {@link #requestOf}. */
    @Override
    public CompletableFuture<Boolean> hold(SafMessage held, io.switchgate.route.LostHostAnswer request) {
        return writer.store(held, request == null ? null : request.toText());
    }

    /**
     * The request kept with hold {@code id}, or null (none kept, as by a version before it was, or a line that does not
     * read: then the hold is released alone, as it was then).
     */
    @Override
    public io.switchgate.route.LostHostAnswer requestOf(String id) {
        String text = queue.keptBeside(id);
        if (text == null) return null;
        try {
            return io.switchgate.route.LostHostAnswer.fromText(text);
        } catch (IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(QueueHolds.class).warn("held reversal {}: the request kept beside it does"
                    + " not read ({}); its reversal is released alone", id, e.getMessage());
            return null;
        }
    }

    @Override
    public boolean release(String id, Instant now, String why) {
        return queue.releaseHeld(id, now, why);
    }

    @Override
    public boolean drop(String id, Instant now, String result) {
        return queue.cancelHeld(id, now, result);
    }

    @Override
    public List<SafMessage> held() {
        return queue.held(node);
    }

    @Override
    public void close() {
        writer.close();
    }
}
