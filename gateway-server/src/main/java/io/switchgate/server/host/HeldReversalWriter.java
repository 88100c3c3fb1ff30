package io.switchgate.server.host;

import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Stores the reversals held for requests about to go to a host (see {@link HostAuthorizer}), many in one commit: one
 * thread takes every hold that arrived while the previous commit ran and stores them together
 * ({@link SafQueue#enqueueAll}: one transaction, one checkpoint of an H2 file). One durable write per request capped
 * the host path at about a quarter of its rate (docs/benchmarks.md, thirteenth session).
 */
final class HeldReversalWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeldReversalWriter.class);
    /** Holds per commit, at most. */
    static final int MAX_BATCH = 256;

    /** @param request what {@link SafQueue#enqueueAll(List, java.util.Map)} keeps beside it, or null */
    private record Pending(SafMessage message, String request, CompletableFuture<Boolean> stored) { }

    private static final Pending CLOSE = new Pending(null, null, null);

    private final SafQueue queue;
    private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final Thread thread;
    private boolean closed; // guarded by this

    HeldReversalWriter(SafQueue queue) {
        this.queue = queue;
        this.thread = new Thread(this::run, "host-held-reversals");
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes true once {@code hold} is durable, false if it could not be stored (then the request is not sent). */
    CompletableFuture<Boolean> store(SafMessage hold) {
        return store(hold, null);
    }

    /** As above, keeping {@code request} (a line of text, or null) beside it. */
    CompletableFuture<Boolean> store(SafMessage hold, String request) {
        CompletableFuture<Boolean> stored = new CompletableFuture<>();
        synchronized (this) {
            if (!closed) {
                waiting.add(new Pending(hold, request, stored));
                return stored;
            }
        }
        stored.complete(false);
        return stored;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        List<SafMessage> messages = new ArrayList<>(MAX_BATCH);
        java.util.Map<String, String> requests = new java.util.HashMap<>();
        boolean closing = false;
        while (!closing) {
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                continue; // only close() ends it: CLOSE is queued last
            }
            waiting.drainTo(batch, MAX_BATCH - 1);
            for (Pending p : batch) {
                if (p == CLOSE) closing = true;
                else messages.add(p.message());
                if (p != CLOSE && p.request() != null) requests.put(p.message().id(), p.request());
            }
            boolean ok = true;
            if (!messages.isEmpty()) {
                try {
                    queue.enqueueAll(messages, requests);
                } catch (RuntimeException e) {
                    ok = false;
                    log.error("{} reversal(s) to hold before their requests go to a host could not be stored ({});"
                            + " those requests are not sent", messages.size(), e.toString());
                }
            }
            for (Pending p : batch) {
                if (p == CLOSE) continue;
                try {
                    p.stored().complete(ok);
                } catch (RuntimeException e) {
                    log.warn("after storing held reversal {}: {}", p.message().id(), e.toString());
                }
            }
            batch.clear();
            messages.clear();
            requests.clear();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            waiting.add(CLOSE); // what was queued before it is still stored
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
