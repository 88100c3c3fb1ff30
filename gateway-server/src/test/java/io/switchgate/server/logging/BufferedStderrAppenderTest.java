package io.switchgate.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class BufferedStderrAppenderTest {
    private final LoggerContext ctx = new LoggerContext();
    private PrintStream savedErr;
    /** Each write that reached "standard error", as it came. */
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private boolean closed;

    {
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    }

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(String.valueOf((char) b));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void close() {
                closed = true;
            }
        };
        System.setErr(new PrintStream(recording, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private BufferedStderrAppender<ILoggingEvent> started() {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%msg%n");
        enc.start();
        BufferedStderrAppender<ILoggingEvent> a = new BufferedStderrAppender<>();
        a.setContext(ctx);
        a.setEncoder(enc);
        a.start();
        assertTrue(a.isStarted());
        return a;
    }

    private LoggingEvent event(String msg) {
        return new LoggingEvent("x", ctx.getLogger("io.switchgate.txn"), Level.INFO, msg, null, null);
    }

    @Test
    void onItsOwnEachLineIsWrittenAtOnce() {
        BufferedStderrAppender<ILoggingEvent> a = started();
        a.doAppend(event("one"));
        assertEquals(List.of("one\n"), writes);
        a.doAppend(event("two"));
        assertEquals(List.of("one\n", "two\n"), writes);
        a.stop();
        assertFalse(closed, "standard error stays open");
    }

    @Test
    void underTheBatchingAppenderABatchOfLinesIsOneWrite() throws Exception {
        BufferedStderrAppender<ILoggingEvent> child = started();
        BatchingAsyncAppender batching = new BatchingAsyncAppender();
        batching.setContext(ctx);
        batching.setName("t");
        batching.setMaxDelayMillis(200); // the lines below gather before the writer looks
        batching.addAppender(child);
        batching.start();
        Thread.sleep(50); // the writer thread is parked now
        for (int i = 0; i < 100; i++) batching.doAppend(event("line " + i));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (String.join("", writes).split("\n", -1).length < 101 && System.nanoTime() < deadline) Thread.sleep(5);
        String all = String.join("", writes);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) expected.append("line ").append(i).append('\n');
        assertEquals(expected.toString(), all, "every line, whole and in order");
        assertTrue(writes.size() <= 2, "a batch goes out in one write (two if the writer woke mid-way), not "
                + writes.size());
        batching.doAppend(event("after"));
        batching.stop();
        assertEquals("after\n", writes.get(writes.size() - 1), "stopping writes out what is left");
        assertFalse(closed, "standard error stays open");
    }

    @Test
    void aBatchLargerThanTheBufferIsWrittenWithoutSplittingALine() {
        BufferedStderrAppender<ILoggingEvent> a = started();
        a.setImmediateFlush(false); // as under the batching appender
        String line = "x".repeat(1000);
        int n = BufferedStderrAppender.BUFFER_BYTES / 1001 * 3;
        for (int i = 0; i < n; i++) a.doAppend(event(line));
        a.flush();
        assertTrue(writes.size() > 1 && writes.size() < n / 10, writes.size() + " writes");
        for (String w : writes) {
            assertEquals(0, w.length() % 1001, "whole lines only in each write");
        }
        assertEquals(n * 1001L, writes.stream().mapToLong(String::length).sum());
        a.stop();
    }

    @Test
    void linesGoToStandardErrorAsItIsWhenWritten() {
        BufferedStderrAppender<ILoggingEvent> a = started();
        ByteArrayOutputStream later = new ByteArrayOutputStream();
        System.setErr(new PrintStream(later, true, StandardCharsets.UTF_8));
        a.doAppend(event("moved"));
        assertEquals("moved\n", later.toString(StandardCharsets.UTF_8));
        assertTrue(writes.isEmpty());
        a.stop();
    }
}
