package io.switchgate.txn;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the engine's tasks one at a time: on the engine thread, or, for a new request while that thread has nothing
 * queued and runs nothing, right on the thread that hands it in (a Netty event loop). A lightly loaded gateway then
 * answers without waking the engine thread, which costs tens of microseconds on this kind of machine (issue 14: at
 * 1 x 1 the median latency must not exceed a do-nothing jPOS server's). Under load the queue is never empty, so every
 * request goes through the engine thread as before, in arrival order.
 *
 * <p>The lock is what keeps the engine's state single-threaded either way: whoever holds it owns the state, and
 * releasing it publishes what the task changed to the next owner. A task handed to the engine thread counts as
 * waiting until it holds the lock, so a request never overtakes an earlier one of the same connection that is queued
 * or about to run.
 */
final class EngineExecutor implements Executor {
    /** {@code -Dgateway.engine.inline=false} sends every request through the engine thread (to compare). */
    static final String INLINE_PROPERTY = "gateway.engine.inline";

    private final ThreadPoolExecutor thread;
    private final ReentrantLock owner = new ReentrantLock();
    /** Tasks handed to the engine thread that do not hold the lock yet. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final boolean inline;
    private volatile Thread engineThread;

    EngineExecutor(BlockingQueue<Runnable> queue) {
        this(queue, !"false".equalsIgnoreCase(System.getProperty(INLINE_PROPERTY)));
    }

    EngineExecutor(BlockingQueue<Runnable> queue, boolean inline) {
        this.inline = inline;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, "engine");
            t.setDaemon(true);
            engineThread = t;
            return t;
        });
    }

    /** Runs {@code task} on the engine thread, after what is queued. */
    @Override
    public void execute(Runnable task) {
        waiting.incrementAndGet();
        try {
            thread.execute(() -> {
                owner.lock();
                waiting.decrementAndGet();
                try {
                    task.run();
                } finally {
                    owner.unlock();
                }
            });
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
            throw e;
        }
    }

    /**
     * Runs {@code task} here and now if the engine is idle (nothing queued, nothing running, not stopped, and this
     * thread is not already inside an engine task); otherwise as {@link #execute}. For a caller that knows the
     * gateway is otherwise idle: under load, deciding on several event loops would only contend for the lock.
     *
     * @throws RejectedExecutionException the engine is shut down
     */
    void runHereOrExecute(Runnable task) {
        if (inline && waiting.get() == 0 && !owner.isHeldByCurrentThread() && !thread.isShutdown() && owner.tryLock()) {
            try {
                task.run();
            } finally {
                owner.unlock();
            }
            return;
        }
        execute(task);
    }

    /** True inside a task run on the caller's thread by {@link #runHereOrExecute} (not on the engine thread). */
    boolean runningHere() {
        return owner.isHeldByCurrentThread() && Thread.currentThread() != engineThread;
    }

    void shutdown() {
        thread.shutdown();
    }

    /**
     * Waits for the queued tasks to end; then takes the lock once, so a task running on a caller's thread has ended
     * too.
     */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (!thread.awaitTermination(timeout, unit)) return false;
        if (!owner.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) return false;
        owner.unlock();
        return true;
    }
}
