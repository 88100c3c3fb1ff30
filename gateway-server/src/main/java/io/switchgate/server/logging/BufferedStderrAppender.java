package io.switchgate.server.logging;

import ch.qos.logback.core.OutputStreamAppender;

import java.io.BufferedOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Standard error, written a batch of lines at a time: under a {@link BatchingAsyncAppender}, what it hands over is
 * buffered (64 KB) and goes out when that appender has written its batch ({@link #flush()}), or when the buffer is
 * full. Used on its own (a logback.xml of the operator's), each line is written at once, as logback's console does.
 *
 * <p>Why not logback's {@code ConsoleAppender}: it flushes after every event, and {@code System.err} passes anything
 * longer than its 128-byte buffer straight to the file descriptor, so each transaction line was a {@code write(2)}
 * of its own: at load, most of the log writer thread's time (docs/benchmarks.md, issue 14, twenty-second session).
 * Lines stay whole: a line is never split between two writes, and the buffer is handed to whatever
 * {@code System.err} is at the time of writing (tests replace it), never to file descriptor 2 behind its back.
 * Stopping flushes; it never closes standard error.
 */
public final class BufferedStderrAppender<E> extends OutputStreamAppender<E> implements Flushable {
    static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void start() {
        setOutputStream(new BufferedOutputStream(new CurrentStderr(), BUFFER_BYTES));
        super.start();
    }

    /** Writes what is buffered (the batching appender calls this after each batch). */
    @Override
    public void flush() {
        OutputStream out = getOutputStream();
        if (out == null) return;
        streamWriteLock.lock();
        try {
            out.flush();
        } catch (IOException e) {
            addError("writing log lines to standard error failed", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** {@code System.err} as it is at each write; closing it only flushes (standard error stays open). */
    private static final class CurrentStderr extends OutputStream {
        @Override
        public void write(int b) {
            System.err.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.err.write(b, off, len);
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {
            System.err.flush();
        }
    }
}
