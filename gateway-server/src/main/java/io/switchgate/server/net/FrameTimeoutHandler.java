package io.switchgate.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * A frame once started must be complete within the timeout, else the connection is closed: a client trickling one
 * byte at a time keeps an idle timer from ever firing, but not this one. Sits just before the frame decoder and asks
 * it, after each read, whether part of a frame is left over: a frame that starts arms the timer, a frame that
 * completes disarms it (or re-arms it for the next frame already begun). While the gateway itself has stopped
 * reading the connection ({@code maxInFlight}), the client is not at fault and the timer is re-armed. One per
 * connection; runs on its event loop only.
 */
final class FrameTimeoutHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(FrameTimeoutHandler.class);

    private final long timeoutMillis;
    private final BufferedFrame decoder;
    private final String listener;
    private final ListenerStats stats;
    private ScheduledFuture<?> deadline;

    FrameTimeoutHandler(long timeoutMillis, BufferedFrame decoder, String listener, ListenerStats stats) {
        this.timeoutMillis = timeoutMillis;
        this.decoder = decoder;
        this.listener = listener;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        int before = decoder.bufferedBytes();
        int incoming = msg instanceof ByteBuf b ? b.readableBytes() : 0;
        ctx.fireChannelRead(msg); // the decoder emits every complete frame before this returns
        int after = decoder.bufferedBytes();
        if (after == 0) {
            cancel();
        } else if (after < before + incoming) {
            cancel(); // a frame completed: what is left began a new one now
            arm(ctx);
        } else if (deadline == null) {
            arm(ctx);
        }
    }

    private void arm(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> expired(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void expired(ChannelHandlerContext ctx) {
        deadline = null;
        if (!ctx.channel().isActive() || decoder.bufferedBytes() == 0) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            arm(ctx); // we are not reading (in-flight limit or shutdown): the frame cannot complete, not the client's fault
            return;
        }
        closeUnfinished(ctx);
    }

    /**
     * The idle timer has the same length and starts with the frame's first bytes, so with a client that sent part of a
     * frame and went silent it fires at the same moment as this one, and often first. Its close then reads as a frame
     * left unfinished, which is what it is (operations.md), not as an idle connection.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent && ctx.channel().isActive()
                && decoder.bufferedBytes() > 0 && ctx.channel().config().isAutoRead()) {
            cancel();
            closeUnfinished(ctx);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void closeUnfinished(ChannelHandlerContext ctx) {
        stats.closedFrameTimeout.increment();
        if (stats.frameTimeoutWarningDue()) {
            log.warn("listener={} remote={} frame not complete within {} ms ({} bytes of it received), closing ({} such"
                            + " closes so far; the next 10 s of them at DEBUG)", listener, ctx.channel().remoteAddress(),
                    timeoutMillis, decoder.bufferedBytes(), stats.closedForFrameTimeout());
        } else {
            log.debug("listener={} remote={} frame not complete within {} ms ({} bytes of it received), closing", listener,
                    ctx.channel().remoteAddress(), timeoutMillis, decoder.bufferedBytes());
        }
        ctx.close();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
