package io.switchgate.txn;

import io.switchgate.store.StatusSubscription;
import io.switchgate.store.TransactionStore;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code refresh} (read the terminals and merchants, hand them to the engine thread) on a daemon thread of its
 * own: at once when the store reports a status change ({@link TransactionStore#onStatusChange}: PostgreSQL's
 * LISTEN/NOTIFY), otherwise every {@code poll} while the store does not listen (H2 opened by several pools, a
 * PostgreSQL listener that is reconnecting) and every {@code pollWhileListening} while it does (a safety net for a
 * notification that never came). Reports that arrive during a refresh cause one more refresh, not one each.
 */
final class StatusRefresher implements AutoCloseable {

    private final Runnable refresh;
    private final long pollMillis;
    private final long pollWhileListeningMillis;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private final StatusSubscription subscription;
    private volatile boolean closed;

    StatusRefresher(TransactionStore store, Runnable refresh, Duration poll, Duration pollWhileListening) {
        this.refresh = refresh;
        this.pollMillis = Math.max(1, poll.toMillis());
        this.pollWhileListeningMillis = Math.max(1, pollWhileListening.toMillis());
        this.thread = new Thread(this::run, "status-refresh");
        thread.setDaemon(true);
        this.subscription = store.onStatusChange(this::wake);
        thread.start();
    }

    /** Refresh now (coalesced with any refresh already asked for). */
    void wake() {
        if (wake.availablePermits() == 0) wake.release();
    }

    /** True while the store reports status changes as they commit. */
    boolean listening() {
        return subscription.listening();
    }

    private void run() {
        while (!closed) {
            try {
                wake.tryAcquire(subscription.listening() ? pollWhileListeningMillis : pollMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            wake.drainPermits();
            if (closed) return;
            refresh.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        subscription.close();
        wake.release();
        thread.interrupt();
    }
}
