package io.switchgate.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events to one writer thread, like logback's {@code AsyncAppender}, but without waking that thread for
 * every event: it writes what has gathered every {@code maxDelayMillis} (20 ms), or at once when a quarter of the queue
 * is full. Why: the gateway logs a line per transaction, and logback's queue signals its waiting worker on each one;
 * on a lightly loaded two-core machine that wake-up (and the thread it schedules beside the event loop) was a
 * measurable part of a lone request's answer time (docs/benchmarks.md, "Issue 14, sixth session").
 *
 * <p>Nothing is dropped: a full queue makes the logging thread wait (a transaction log with holes is worse than back
 * pressure), as {@code discardingThreshold 0} did. On {@link #stop()} (the shutdown hook) the queue is written out. If
 * the writer thread dies (an {@link Error} from an appender), a caller that finds the queue full writes its own line,
 * so logging never blocks for good (what was queued when it died is lost).
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 16384;
    private long maxDelayMillis = 20;
    private long maxFlushMillis = 2000;
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private int wakeAt;
    private volatile Thread writer;
    private volatile boolean stopping;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setMaxDelayMillis(long maxDelayMillis) {
        this.maxDelayMillis = maxDelayMillis;
    }

    public void setMaxFlushMillis(long maxFlushMillis) {
        this.maxFlushMillis = maxFlushMillis;
    }

    @Override
    public void start() {
        if (isStarted()) return;
        if (queueSize < 1) {
            addError("queueSize must be at least 1, not " + queueSize);
            return;
        }
        if (maxDelayMillis < 1) {
            addError("maxDelayMillis must be at least 1, not " + maxDelayMillis);
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        wakeAt = Math.max(1, queueSize / 4);
        stopping = false;
        Thread t = new Thread(this::writeLoop, "log-writer-" + getName());
        t.setDaemon(true);
        writer = t;
        super.start();
        t.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing(); // the message formatted and the MDC copied here, on the logging thread
        if (queue.offer(event)) {
            if (queue.size() >= wakeAt) LockSupport.unpark(writer);
            return;
        }
        boolean interrupted = false;
        while (true) {
            LockSupport.unpark(writer);
            try {
                if (queue.offer(event, 100, TimeUnit.MILLISECONDS)) break;
            } catch (InterruptedException e) {
                interrupted = true; // keep the line; tell the caller afterwards
            }
            if (!writer.isAlive()) {
                // The writer died (an Error): write here rather than block every logging thread for good.
                appenders.appendLoopOnAppenders(event);
                flushAppenders();
                break;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void writeLoop() {
        List<ILoggingEvent> batch = new ArrayList<>(1024);
        long delay = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
        while (true) {
            queue.drainTo(batch, 1024);
            if (batch.isEmpty()) {
                if (stopping) return;
                LockSupport.parkNanos(this, delay);
                continue;
            }
            for (ILoggingEvent e : batch) {
                try {
                    appenders.appendLoopOnAppenders(e);
                } catch (RuntimeException ex) {
                    addError("writing a log event failed", ex); // one bad event never stops the log
                }
            }
            batch.clear();
            flushAppenders();
        }
    }

    /** Buffering appenders write out what this batch gave them: one write for the batch, not one per line. */
    private void flushAppenders() {
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof java.io.Flushable f) {
                try {
                    f.flush();
                } catch (java.io.IOException | RuntimeException ex) {
                    addError("flushing a log appender failed", ex);
                }
            }
        }
    }

    /** Whether the writer thread runs (tests: a writer that died). */
    boolean writerAlive() {
        Thread t = writer;
        return t != null && t.isAlive();
    }

    @Override
    public void stop() {
        if (!isStarted()) return;
        super.stop();
        stopping = true;
        Thread t = writer;
        LockSupport.unpark(t);
        try {
            t.join(maxFlushMillis);
            if (t.isAlive()) addWarn("log queue not written out within " + maxFlushMillis + " ms: " + queue.size() + " event(s) left");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> newAppender) {
        // this appender flushes it after each batch (see flushAppenders)
        if (newAppender instanceof BufferedStderrAppender<?> buffered) buffered.setImmediateFlush(false);
        appenders.addAppender(newAppender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
