package io.switchgate.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class BatchingAsyncAppenderTest {
    private final LoggerContext ctx = new LoggerContext();

    {
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as the running context has
    }

    /** The appender the batching one writes to; slow on demand, records the thread it ran on. */
    static class Recording extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        volatile long sleepMillis;
        volatile CountDownLatch gate;

        @Override
        protected void append(ILoggingEvent e) {
            try {
                CountDownLatch g = gate;
                if (g != null) g.await();
                if (sleepMillis > 0) Thread.sleep(sleepMillis);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            threads.add(Thread.currentThread().getName());
            lines.add(e.getFormattedMessage());
        }
    }

    private BatchingAsyncAppender started(Recording child, int queueSize) {
        child.setContext(ctx);
        child.start();
        BatchingAsyncAppender a = new BatchingAsyncAppender();
        a.setContext(ctx);
        a.setName("t");
        a.setQueueSize(queueSize);
        a.addAppender(child);
        a.start();
        assertTrue(a.isStarted());
        return a;
    }

    private LoggingEvent event(String msg, Object... args) {
        return new LoggingEvent("x", ctx.getLogger("io.switchgate.txn"), Level.INFO, msg, null, args);
    }

    @Test
    void aLoneLineIsWrittenOnTheWriterThreadWithoutBeingWoken() throws Exception {
        Recording child = new Recording();
        BatchingAsyncAppender a = started(child, 1024);
        a.doAppend(event("txn stan={}", "000001"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (child.lines.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(List.of("txn stan=000001"), child.lines, "formatted on the caller's thread, written by the writer");
        assertEquals("log-writer-t", child.threads.get(0));
        a.stop();
    }

    @Test
    void aFullQueueMakesTheCallerWaitAndLosesNothingNorReordersAThreadsLines() throws Exception {
        Recording child = new Recording();
        child.sleepMillis = 0;
        BatchingAsyncAppender a = started(child, 8);
        child.gate = new CountDownLatch(1); // the writer holds its first batch until released: the queue fills
        int threads = 4;
        int each = 500;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < each; i++) a.doAppend(event(id + ":" + i));
            });
            th.start();
            ts.add(th);
        }
        Thread.sleep(200);
        assertTrue(ts.stream().anyMatch(Thread::isAlive), "producers wait while the queue is full");
        child.gate.countDown();
        for (Thread th : ts) th.join(30_000);
        a.stop();
        assertEquals(threads * each, child.lines.size(), "every line written, none dropped");
        Map<String, Integer> last = new HashMap<>();
        for (String l : child.lines) {
            String[] p = l.split(":");
            int prev = last.getOrDefault(p[0], -1);
            assertEquals(prev + 1, Integer.parseInt(p[1]), "a thread's lines in the order it logged them");
            last.put(p[0], prev + 1);
        }
    }

    @Test
    void ifTheWriterThreadDiesTheCallerWritesInsteadOfWaitingForever() throws Exception {
        Recording child = new Recording() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getFormattedMessage().equals("fatal")) throw new OutOfMemoryError("test: the writer dies");
                super.append(e);
            }
        };
        BatchingAsyncAppender a = started(child, 4);
        a.doAppend(event("fatal"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (a.writerAlive() && System.nanoTime() < deadline) Thread.sleep(5);
        assertFalse(a.writerAlive(), "the Error ended the writer thread");
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 20; i++) a.doAppend(event("after " + i));
        });
        producer.start();
        producer.join(30_000);
        assertFalse(producer.isAlive(), "a full queue with no writer does not block the logging thread for good");
        assertTrue(child.lines.contains("after 19"), "written on the caller's thread once the queue was full: " + child.lines);
    }

    @Test
    void stopWritesOutWhatIsQueued() {
        Recording child = new Recording();
        child.sleepMillis = 1;
        BatchingAsyncAppender a = started(child, 1024);
        for (int i = 0; i < 100; i++) a.doAppend(event("line " + i));
        a.stop();
        assertEquals(100, child.lines.size());
        assertFalse(child.isStarted(), "the appenders it writes to are stopped with it");
    }

    @Test
    void aBadSettingIsReportedAndTheAppenderDoesNotStart() {
        BatchingAsyncAppender a = new BatchingAsyncAppender();
        a.setContext(ctx);
        a.setQueueSize(0);
        a.start();
        assertFalse(a.isStarted());
        assertTrue(ctx.getStatusManager().getCopyOfStatusList().stream().anyMatch(s -> s.getMessage().contains("queueSize")));
    }
}
