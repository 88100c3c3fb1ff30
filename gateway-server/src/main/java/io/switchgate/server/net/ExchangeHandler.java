package io.switchgate.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.switchgate.txn.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The last inbound handler of a terminal connection: hands each frame to the {@link MessageHandler} and writes
 * the response when its future completes, in whatever order they complete. Strips the TPDU before the
 * handler and puts it back, destination and source swapped, on the response. One instance per connection.
 *
 * <p>{@code maxInFlight}: when that many requests of this connection await their answers, the connection stops
 * being read (Netty {@code autoRead} off), so a pipelining client is slowed by TCP flow control rather than piling
 * work on the engine; frames already read in the same burst wait here, and are handed on as answers go out; then
 * reading resumes.
 */
final class ExchangeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ExchangeHandler.class);

    private final TerminalServer server;
    private final String listener;
    private final int headerLength;
    private final MessageHandler handler;
    private final ListenerStats stats;
    private final int maxInFlight;
    /** Responses not yet written on this connection. */
    private final AtomicInteger pending = new AtomicInteger();
    /** Frames read beyond {@code maxInFlight}, in order (event loop only). */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Whether this handler turned reading off (event loop only). */
    private boolean paused;
    /** Guards {@link #answerGone}: an answer completed synchronously inside it must not recurse into it. */
    private boolean handingOn;
    private String remote = "?";
    /** Answers handed to the socket and not yet written to it (event loop only): nonzero while the peer does not read. */
    private int unflushed;
    /** Frames of this connection left unanswered, not being requests (event loop only): only the first is logged. */
    private int unansweredHere;
    /** Answers of this connection not written because it had closed (event loop only): only the first is logged. */
    private int unwritten;
    /** A bad frame was reported: nothing more is read; the connection closes once what was taken is answered. */
    private boolean closing;
    /** The terminal shut its sending side: the connection closes once what it sent is answered (event loop only). */
    private boolean inputShut;

    /**
     * How long a connection that sent a bad frame stays open for the answers to what it sent before it: those
     * requests were taken (decided and journaled), so their answers go out first, unless they take longer than this.
     */
    static final long CLOSE_AFTER_ANSWERS_MAX_MILLIS = 10_000;

    private record Waiting(byte[] header, byte[] message) { }

    ExchangeHandler(TerminalServer server, String listener, int headerLength, MessageHandler handler, ListenerStats stats,
                    int maxInFlight) {
        this.server = server;
        this.listener = listener;
        this.headerLength = headerLength;
        this.handler = handler;
        this.stats = stats;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = String.valueOf(ctx.channel().remoteAddress());
        stats.connections.incrementAndGet();
        stats.accepted.increment();
        log.debug("listener={} remote={} connected", listener, remote);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stats.connections.decrementAndGet();
        waiting.clear();
        log.debug("listener={} remote={} disconnected", listener, remote);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (closing) {
                return; // after a bad frame the stream is out of step: what the decoder still emits is not a request
            }
            // Draining, a frame read is still answered (by then a stopping engine answers 91 GATEWAY_STOPPING): it was
            // ignored, and the terminal heard nothing at all (an audit, on every connection of a SIGTERM under load).
            int length = frame.readableBytes();
            byte[] header = null;
            if (headerLength > 0) {
                if (length < headerLength) {
                    // The length prefix still says where the frame ends, so the stream stays in step: ignored like
                    // an empty frame (no MTI to answer), and the connection goes on.
                    if (length > 0) log.warn("listener={} remote={} frame of {} bytes is shorter than its TPDU, ignored", listener, remote, length);
                    return;
                }
                header = new byte[headerLength];
                frame.readBytes(header);
                length -= headerLength;
            }
            if (length == 0) {
                log.debug("listener={} remote={} empty frame ignored", listener, remote);
                return;
            }
            byte[] message = new byte[length];
            frame.readBytes(message);
            if (!waiting.isEmpty() || pending.get() >= maxInFlight) {
                waiting.add(new Waiting(header, message));
                pauseReading(ctx);
                return;
            }
            dispatch(ctx, header, message);
            if (pending.get() >= maxInFlight) {
                pauseReading(ctx);
            }
        } finally {
            frame.release();
        }
    }

    private void pauseReading(ChannelHandlerContext ctx) {
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            log.debug("listener={} remote={} {} requests in flight: not reading until answers go out", listener, remote, maxInFlight);
        }
    }

    /** After an answer: hands on frames that waited for room, then reads again once below the limit (event loop). */
    private void answerGone(ChannelHandlerContext ctx) {
        if (handingOn) {
            return; // the loop below, further up this stack, sees the room this answer made
        }
        handingOn = true;
        try {
            while (!waiting.isEmpty() && pending.get() < maxInFlight && ctx.channel().isActive()) {
                Waiting w = waiting.poll();
                dispatch(ctx, w.header(), w.message());
            }
            if (closing || inputShut) {
                closeOnceAnswered(ctx);
                return;
            }
            if (paused && waiting.isEmpty() && pending.get() < maxInFlight && !server.readingStopped()) {
                paused = false;
                ctx.channel().config().setAutoRead(true);
            }
        } finally {
            handingOn = false;
        }
    }

    /** Closes the connection if nothing it took waits for an answer (after a bad frame, or once its input is shut). */
    private void closeOnceAnswered(ChannelHandlerContext ctx) {
        if (pending.get() == 0 && waiting.isEmpty()) ctx.close();
    }

    private void dispatch(ChannelHandlerContext ctx, byte[] header, byte[] message) {
        pending.incrementAndGet();
        stats.inFlight.incrementAndGet();
        server.inFlight.incrementAndGet();
        stats.requests.increment();
        CompletableFuture<byte[]> future;
        try {
            future = handler.handle(message, listener);
        } catch (RuntimeException e) {
            log.error("listener={} remote={} handler failed: {}", listener, remote, oneLine(e));
            done();
            return;
        }
        if (future == null) {
            done();
            return;
        }
        future.whenComplete((response, error) -> respond(ctx, header, response, error));
    }

    private void respond(ChannelHandlerContext ctx, byte[] header, byte[] response, Throwable error) {
        if (!ctx.executor().inEventLoop()) {
            // Answers complete on the engine or journal thread: write from the channel's own event loop, so the
            // write and its listener run there (and nothing is scheduled on a loop that is shutting down).
            try {
                ctx.executor().execute(() -> respond(ctx, header, response, error));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                done();
            }
            return;
        }
        if (error != null) {
            log.error("listener={} remote={} request failed, no response: {}", listener, remote, oneLine(error));
            done();
            answerGone(ctx);
            return;
        }
        if (response == null) {
            // not a request (its MTI unreadable, or a response MTI): nothing to answer, and said once per connection
            stats.unanswered.increment();
            if (++unansweredHere == 1) {
                log.info("listener={} remote={} a frame of no request MTI is not answered (contract section 3; later ones on "
                        + "this connection are counted in gateway_listener_frames_unanswered_total only)", listener, remote);
            }
            done();
            answerGone(ctx);
            return;
        }
        if (!ctx.channel().isActive()) {
            unwritten("connection closed before its response was written");
            done();
            answerGone(ctx);
            return;
        }
        ByteBuf out = ctx.alloc().buffer(response.length + (header == null ? 0 : header.length));
        if (header != null) {
            // TPDU: id, destination (2), source (2) -> id, source, destination
            out.writeByte(header[0]);
            out.writeBytes(header, 3, 2);
            out.writeBytes(header, 1, 2);
        }
        out.writeBytes(response);
        unflushed++;
        ctx.writeAndFlush(out).addListener(f -> {
            unflushed--;
            if (f.isSuccess()) {
                stats.responses.increment();
            } else {
                unwritten("response not written: " + oneLine(f.cause()));
            }
            done();
            answerGone(ctx);
        });
    }

    /**
     * An answer that could not be written. The first of a connection at INFO, the rest at DEBUG (counted in
     * {@code gateway_listener_answers_unwritten_total}): a terminal that resets a connection with many requests in flight
     * made one INFO line per request (an overload audit saw the log flooded).
     */
    private void unwritten(String why) {
        stats.unwritten.increment();
        if (++unwritten == 1) {
            log.info("listener={} remote={} {} (later ones on this connection are counted in "
                    + "gateway_listener_answers_unwritten_total, logged at DEBUG)", listener, remote, why);
        } else {
            log.debug("listener={} remote={} {}", listener, remote, why);
        }
    }

    private void done() {
        pending.decrementAndGet();
        stats.inFlight.decrementAndGet();
        server.inFlight.decrementAndGet();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The terminal sent its last request and shut its side (the frame decoder handed on every whole frame
            // before this event). Those requests were taken and may be approved and journaled: they are answered,
            // then the connection closes. Netty's default closed it at once, and up to maxInFlight approved sales
            // went unanswered (a black-box audit: pipelined sales, then shutdown(SHUT_WR)).
            inputShut = true;
            closeOnceAnswered(ctx);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            if (pending.get() == 0) {
                log.info("listener={} remote={} idle timeout, closing", listener, remote);
                ctx.close();
            } else if (unflushed > 0) {
                // Answers wait to be written and none was for the whole idle timeout: the peer does not read them. It
                // is not read either (at maxInFlight), so it would hold its connection and their buffers forever (an
                // overload audit). An answer still being decided (a slow host) keeps its connection open, as before.
                log.warn("listener={} remote={} does not read its answers ({} waiting to be written for {} s), closing",
                        listener, remote, unflushed, server.idleTimeoutSeconds(listener));
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing) {
            return; // already reported; what the decoder still had buffered is thrown away
        }
        closing = true;
        Throwable c = cause instanceof DecoderException && cause.getCause() != null
                && !(cause instanceof TooLongFrameException) && !(cause instanceof CorruptedFrameException)
                ? cause.getCause() : cause;
        if (c instanceof TooLongFrameException) {
            stats.closedBadFrame.increment();
            // Netty's own message counts the length prefix in ("exceeds 2004: 2005"): only the configured limit is said
            if (stats.badFrameWarningDue()) {
                log.warn("listener={} remote={} frame too long: its length prefix is over the limit of {} bytes, closing ({}"
                        + " bad-frame closes so far; the next 10 s of them at DEBUG)", listener, remote,
                        server.maxFrameBytes(listener), stats.closedBadFrame.sum());
            } else {
                log.debug("listener={} remote={} frame too long: its length prefix is over the limit of {} bytes, closing",
                        listener, remote, server.maxFrameBytes(listener));
            }
        } else if (c instanceof CorruptedFrameException) {
            stats.closedBadFrame.increment();
            if (stats.badFrameWarningDue()) {
                log.warn("listener={} remote={} bad frame, closing: {} ({} bad-frame closes so far; the next 10 s of them at"
                        + " DEBUG)", listener, remote, c.getMessage(), stats.closedBadFrame.sum());
            } else {
                log.debug("listener={} remote={} bad frame, closing: {}", listener, remote, c.getMessage());
            }
        } else if (c instanceof IOException) {
            log.debug("listener={} remote={} connection error: {}", listener, remote, c.getMessage());
        } else {
            log.warn("listener={} remote={} closing after error: {}", listener, remote, oneLine(c));
        }
        if (c instanceof IOException || (pending.get() == 0 && waiting.isEmpty())) {
            ctx.close();
            return;
        }
        // The requests read before the bad frame were taken, and may be approved and journaled by now: their answers
        // go out first (a terminal that hears none reverses or retries sales it was approved). Nothing more is read.
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                log.warn("listener={} remote={} {} answer(s) still pending {} ms after a bad frame, closing", listener,
                        remote, pending.get() + waiting.size(), CLOSE_AFTER_ANSWERS_MAX_MILLIS);
                ctx.close();
            }
        }, CLOSE_AFTER_ANSWERS_MAX_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
