package io.switchgate.txn;

import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventProcessorFactory;
import com.lmax.disruptor.dsl.ProducerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the engine's tasks one at a time: on the engine thread, fed through a pre-allocated ring (the LMAX Disruptor)
 * and taken in batches, or, for a new request while that thread has nothing queued and runs nothing, right on the
 * thread that hands it in (a Netty event loop). A lightly loaded gateway then answers without waking the engine
 * thread, which costs tens of microseconds on this kind of machine (issue 14: at 1 x 1 the median latency must not
 * exceed a do-nothing jPOS server's). Under load the ring is never empty, so every request goes through the engine
 * thread, in arrival order.
 *
 * <p>The lock is what keeps the engine's state single-threaded either way: whoever holds it owns the state, and
 * releasing it publishes what the tasks changed to the next owner. The engine thread takes it once per batch of the
 * ring (not per task) and lets it go at the batch's end. A task handed to the engine thread counts as waiting until it
 * runs, so a request never overtakes an earlier one of the same connection that is queued or about to run.
 *
 * <p>A full ring: a thread that does not own the state waits for room (the engine thread is draining it). The owner
 * itself cannot wait (it would wait for itself), so its tasks go to an overflow queue that it runs, still owning the
 * state, at the end of its batch (or of its inline task): the engine's continuations are never refused for room.
 */
final class EngineExecutor implements Executor {
    /** {@code -Dgateway.engine.inline=false} sends every request through the engine thread (to compare). */
    static final String INLINE_PROPERTY = "gateway.engine.inline";
    /**
     * The most tasks the engine thread runs under one taking of the lock (a bound on how long an inline caller waits,
     * and on how long the slots they used look taken to the ring).
     */
    static final int MAX_BATCH = 256;

    private static final Logger log = LoggerFactory.getLogger(EngineExecutor.class);
    private static final EventTranslatorOneArg<Slot, Runnable> PUT = (slot, sequence, task) -> slot.task = task;

    /** One pre-allocated entry of the ring: the task it holds until the engine thread takes it. */
    private static final class Slot {
        Runnable task;
    }

    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    private final ReentrantLock owner = new ReentrantLock();
    /** Tasks handed to the engine thread that have not started (in the ring or in the overflow). */
    private final AtomicInteger waiting = new AtomicInteger();
    /**
     * Tasks the owner handed in while the ring was full, and every one it hands in after them until they have run (so
     * they keep their order). Guarded by {@link #owner}: only the owner adds to it, and the engine thread runs them
     * once it has taken the ring up to {@link #overflowAfter}, the last slot published when the first of them came.
     */
    private final ArrayDeque<Runnable> overflow = new ArrayDeque<>();
    private long overflowAfter;
    private final boolean inline;
    private volatile boolean stopped;
    private volatile Thread engineThread;

    /** A ring of at least {@code capacity} slots (rounded up to a power of two). */
    EngineExecutor(int capacity) {
        this(capacity, !"false".equalsIgnoreCase(System.getProperty(INLINE_PROPERTY)));
    }

    EngineExecutor(int capacity, boolean inline) {
        this.inline = inline;
        int size = Integer.highestOneBit(Math.max(64, capacity - 1)) << 1;
        this.disruptor = new Disruptor<>(Slot::new, size, r -> {
            Thread t = new Thread(r, "engine");
            t.setDaemon(true);
            engineThread = t;
            return t;
        }, ProducerType.MULTI, new BlockingWaitStrategy());
        // Batches of at most MAX_BATCH: the lock is let go that often, and the ring sees the slots as free that often
        // (the processor publishes its progress at the end of a batch; an unbounded one could hold a whole ring).
        EventProcessorFactory<Slot> batches = (ringBuffer, gating) -> new BatchEventProcessorBuilder()
                .setMaxBatchSize(MAX_BATCH).build(ringBuffer, ringBuffer.newBarrier(gating), new BatchRunner());
        disruptor.handleEventsWith(batches);
        this.ring = disruptor.start();
    }

    /** Runs the ring's tasks, one lock per batch; a task's failure is logged and does not stop the thread. */
    private final class BatchRunner implements EventHandler<Slot> {
        @Override
        public void onEvent(Slot slot, long sequence, boolean endOfBatch) {
            Runnable task = slot.task;
            slot.task = null; // the ring keeps no reference to a finished request
            if (!owner.isHeldByCurrentThread()) owner.lock();
            waiting.decrementAndGet();
            runLogged(task);
            if (!overflow.isEmpty() && sequence >= overflowAfter) runOverflow();
            if (endOfBatch) owner.unlock();
        }
    }

    /** The overflow's tasks, in order (with those they hand in meanwhile). Caller holds the lock, on the engine thread. */
    private void runOverflow() {
        Runnable t;
        while ((t = overflow.poll()) != null) {
            waiting.decrementAndGet();
            runLogged(t);
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (Throwable e) {
            // The thread pool this replaced printed and replaced its thread; the ring's thread must simply go on.
            log.error("engine task failed: {}", e.toString(), e);
        }
    }

    /**
     * Runs {@code task} on the engine thread, after what is queued.
     *
     * @throws RejectedExecutionException the executor is shut down
     */
    @Override
    public void execute(Runnable task) {
        if (stopped) throw new RejectedExecutionException("the engine is stopped");
        waiting.incrementAndGet();
        if (!owner.isHeldByCurrentThread()) {
            if (!ring.tryPublishEvent(PUT, task)) ring.publishEvent(PUT, task); // waits for room: the engine thread drains the ring
            return;
        }
        // The owner cannot wait for room: the engine thread would need the lock it holds.
        if (overflow.isEmpty()) {
            if (ring.tryPublishEvent(PUT, task)) return;
            overflowAfter = ring.getCursor();
        }
        overflow.add(task);
    }

    /** Tasks handed to the engine thread that have not started yet. */
    int queued() {
        return waiting.get();
    }

    /**
     * Runs {@code task} here and now if the engine is idle (nothing queued, nothing running, not stopped, and this
     * thread is not already inside an engine task); otherwise as {@link #execute}. For a caller that knows the
     * gateway is otherwise idle: under load, deciding on several event loops would only contend for the lock.
     *
     * @throws RejectedExecutionException the engine is shut down
     */
    void runHereOrExecute(Runnable task) {
        if (inline && waiting.get() == 0 && !owner.isHeldByCurrentThread() && !stopped && owner.tryLock()) {
            try {
                task.run();
            } finally {
                owner.unlock();
            }
            return;
        }
        execute(task);
    }

    /** True if {@code t} is the engine thread. */
    boolean isEngineThread(Thread t) {
        return t == engineThread;
    }

    /** True inside a task run on the caller's thread by {@link #runHereOrExecute} (not on the engine thread). */
    boolean runningHere() {
        return owner.isHeldByCurrentThread() && Thread.currentThread() != engineThread;
    }

    /** Takes no more tasks; those queued still run. */
    void shutdown() {
        stopped = true;
    }

    /**
     * Waits for the queued tasks to end and stops the engine thread; then takes the lock once, so a task running on a
     * caller's thread has ended too. Call {@link #shutdown} first.
     */
    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        try {
            disruptor.shutdown(timeout, unit);
        } catch (TimeoutException e) {
            return false;
        }
        if (!owner.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) return false;
        owner.unlock();
        return true;
    }
}
