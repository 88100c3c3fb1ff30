package io.switchgate.server.host;

import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Held reversals in the node's {@link HoldJournal}, for a node whose file journal is its commit point (an H2 file, or
 * PostgreSQL taken for one node): as durable as its answers, and cheap. Released ones become pending rows of the
 * store-and-forward queue (same id, stored before the hold is marked settled: a crash in between releases it again,
 * and the id it already has in the queue is not stored twice). {@code HELD} rows an earlier version left in the queue
 * are settled as before.
 */
final class JournalHolds implements HeldReversalStore {
    private final HoldJournal journal;
    private final SafQueue queue;
    private final String node;

    JournalHolds(HoldJournal journal, SafQueue queue, String node) {
        this.journal = journal;
        this.queue = queue;
        this.node = node;
    }

    @Override
    public CompletableFuture<Boolean> hold(SafMessage held) {
        return journal.hold(held, null);
    }

    @Override
    public CompletableFuture<Boolean> hold(SafMessage held, io.switchgate.route.LostHostAnswer request) {
        return journal.hold(held, request);
    }

    @Override
    public io.switchgate.route.LostHostAnswer requestOf(String id) {
        return journal.requestOf(id);
    }

    @Override
    public boolean release(String id, Instant now, String why) {
        SafMessage held = journal.get(id);
        if (held == null) return queue.releaseHeld(id, now, why);
        if (queue.find(id).isEmpty()) queue.enqueue(held.released(why, now));
        return journal.settle(id);
    }

    @Override
    public boolean drop(String id, Instant now, String result) {
        return journal.settle(id) || queue.cancelHeld(id, now, result);
    }

    @Override
    public List<SafMessage> held() {
        List<SafMessage> all = new ArrayList<>(journal.held());
        all.addAll(queue.held(node));
        return all;
    }

    @Override
    public String problem() {
        return journal.problem();
    }

    @Override
    public void close() {
        journal.close();
    }
}
