package io.switchgate.server.host;

import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Held reversals as {@code HELD} rows of the store-and-forward queue, many per commit ({@link HeldReversalWriter}):
 * for a database that is the journal (several nodes on PostgreSQL, an in-memory store), where the queue's commit is
 * as durable as the node's answers. Each node settles only the rows it holds.
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
