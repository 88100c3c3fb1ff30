package io.switchgate.txn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The engine's ring: one task at a time, in each producer's order, inline when idle, never a task lost to a full ring. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineExecutorTest {

    private EngineExecutor ex;

    @AfterEach
    void stop() throws InterruptedException {
        if (ex != null) {
            ex.shutdown();
            assertTrue(ex.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    /** Holds the engine thread inside a task until {@code release} opens; returns once it is held. */
    private static CountDownLatch holdEngine(EngineExecutor ex, CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        ex.execute(() -> {
            held.countDown();
            await(release);
        });
        assertTrue(held.await(5, TimeUnit.SECONDS));
        return held;
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeEachProducerInOrder() throws Exception {
        ex = new EngineExecutor(1024, true);
        int producers = 4;
        int each = 20_000;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] lastSeen = new int[producers]; // only touched by tasks: the lock makes them single-threaded
        java.util.Arrays.fill(lastSeen, -1);
        AtomicInteger outOfOrder = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(producers * each);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    Runnable task = () -> {
                        if (running.incrementAndGet() != 1) overlaps.incrementAndGet();
                        if (lastSeen[producer] != n - 1) outOfOrder.incrementAndGet();
                        lastSeen[producer] = n;
                        running.decrementAndGet();
                        done.countDown();
                    };
                    if (n % 3 == 0) ex.runHereOrExecute(task);
                    else ex.execute(task);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        assertTrue(done.await(20, TimeUnit.SECONDS), "tasks left: " + done.getCount());
        assertEquals(0, overlaps.get(), "two tasks ran at once");
        assertEquals(0, outOfOrder.get(), "a producer's task overtook an earlier one of the same producer");
        assertEquals(0, ex.queued());
    }

    @Test
    void anIdleEngineRunsTheTaskOnTheCallersThread() {
        ex = new EngineExecutor(64, true);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<Boolean> here = new AtomicReference<>();
        ex.runHereOrExecute(() -> {
            ranOn.set(Thread.currentThread());
            here.set(ex.runningHere());
        });
        assertSame(Thread.currentThread(), ranOn.get());
        assertTrue(here.get());
        assertFalse(ex.runningHere());
    }

    @Test
    void withInlineOffOrWorkQueuedTheTaskGoesToTheEngineThreadAfterWhatIsQueued() throws Exception {
        ex = new EngineExecutor(64, true);
        CountDownLatch release = new CountDownLatch(1);
        holdEngine(ex, release);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(2);
        ex.execute(() -> {
            order.add("queued first");
            done.countDown();
        });
        ex.runHereOrExecute(() -> {
            order.add("handed in second on " + Thread.currentThread().getName());
            done.countDown();
        });
        assertEquals(2, ex.queued());
        assertTrue(order.isEmpty(), "ran on the caller's thread while the engine had work: " + order);
        release.countDown();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("queued first", "handed in second on engine"), order);

        EngineExecutor off = new EngineExecutor(64, false);
        try {
            AtomicReference<String> on = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            off.runHereOrExecute(() -> {
                on.set(Thread.currentThread().getName());
                ran.countDown();
            });
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            assertEquals("engine", on.get());
        } finally {
            off.shutdown();
            assertTrue(off.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void theEngineThreadHandingInMoreThanTheRingHoldsLosesNothingAndKeepsItsOrder() throws Exception {
        ex = new EngineExecutor(64, true);
        int n = 1_000; // far more than the 64 slots, all handed in by the engine thread itself
        List<Integer> order = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(n);
        ex.execute(() -> {
            for (int i = 0; i < n; i++) {
                int k = i;
                ex.execute(() -> {
                    order.add(k);
                    done.countDown();
                });
            }
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "lost: " + done.getCount());
        for (int i = 0; i < n; i++) assertEquals(i, order.get(i));
    }

    @Test
    void anotherThreadWaitsForRoomInAFullRingThenEveryTaskRuns() throws Exception {
        ex = new EngineExecutor(64, true);
        CountDownLatch release = new CountDownLatch(1);
        holdEngine(ex, release);
        int n = 500;
        CountDownLatch done = new CountDownLatch(n);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < n; i++) ex.execute(done::countDown);
        });
        producer.start();
        producer.join(300);
        assertTrue(producer.isAlive(), "the ring should be full and the producer waiting for room");
        release.countDown();
        producer.join(10_000);
        assertFalse(producer.isAlive());
        assertTrue(done.await(10, TimeUnit.SECONDS), "lost: " + done.getCount());
    }

    @Test
    void slotsAreFreedEveryBatchSoAWaitingProducerIsNotHeldForTheWholeBacklog() throws Exception {
        ex = new EngineExecutor(1024, true); // 1,024 slots, batches of at most MAX_BATCH (256)
        CountDownLatch releaseFirst = new CountDownLatch(1);
        holdEngine(ex, releaseFirst); // slot 0, the engine inside it
        CountDownLatch atTask300 = new CountDownLatch(1);
        CountDownLatch release300 = new CountDownLatch(1);
        CountDownLatch all = new CountDownLatch(1023 + 200);
        for (int i = 1; i <= 1023; i++) { // the ring is full after these
            int n = i;
            ex.execute(() -> {
                if (n == 300) {
                    atTask300.countDown();
                    await(release300);
                }
                all.countDown();
            });
        }
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 200; i++) ex.execute(all::countDown);
        });
        producer.start();
        producer.join(200);
        assertTrue(producer.isAlive(), "the ring is full: the producer waits");
        releaseFirst.countDown();
        assertTrue(atTask300.await(5, TimeUnit.SECONDS));
        // The engine is held in its second batch of 256 (tasks 257-512): the first one's slots are free again.
        producer.join(5_000);
        assertFalse(producer.isAlive(), "the producer still waits: slots are freed only when the whole backlog is done");
        release300.countDown();
        assertTrue(all.await(10, TimeUnit.SECONDS), "lost: " + all.getCount());
    }

    @Test
    void aFailingTaskDoesNotStopTheEngineThread() throws Exception {
        // the failure is logged with its stack (an engine bug must be seen); not in this test's output
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(EngineExecutor.class);
        ch.qos.logback.classic.Level before = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.OFF);
        try {
            ex = new EngineExecutor(64, true);
            ex.execute(() -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            CountDownLatch after = new CountDownLatch(1);
            ex.execute(after::countDown);
            assertTrue(after.await(5, TimeUnit.SECONDS));
        } finally {
            log.setLevel(before);
        }
    }

    @Test
    void afterShutdownNewTasksAreRefusedAndQueuedOnesStillRun() throws Exception {
        ex = new EngineExecutor(64, true);
        CountDownLatch release = new CountDownLatch(1);
        holdEngine(ex, release);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) ex.execute(ran::incrementAndGet);
        ex.shutdown();
        assertThrows(RejectedExecutionException.class, () -> ex.execute(ran::incrementAndGet));
        assertThrows(RejectedExecutionException.class, () -> ex.runHereOrExecute(ran::incrementAndGet));
        assertFalse(ex.awaitTermination(100, TimeUnit.MILLISECONDS), "a task is still held");
        release.countDown();
        assertTrue(ex.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(10, ran.get());
        ex = null;
    }
}
