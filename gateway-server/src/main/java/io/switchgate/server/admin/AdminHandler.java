package io.switchgate.server.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * One HTTP exchange: checks the bearer token, hands the request to {@link AdminApi} (which does its store
 * work off the event loop) and writes the answer when it is ready. Never blocks the event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final AdminApi api;
    private final BearerToken token;

    AdminHandler(AdminApi api, BearerToken token) {
        this.api = api;
        this.token = token;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!req.decoderResult().isSuccess()) {
            write(ctx, ApiResponse.error(400, "BAD_REQUEST", "malformed HTTP request"), false, false);
            return;
        }
        if (req.headers().getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            // which one would count? A proxy and a client each adding theirs is a setup to mend, not to guess at
            write(ctx, ApiResponse.error(400, "BAD_REQUEST", "more than one Authorization header"), false, false);
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(req.uri()).path();
            // escapes that are no UTF-8 (%E9 alone) decode to U+FFFD: as bad as %zz, not a name to look up (an audit
            // saw a 404 naming "TERM\uFFFD")
            if (path.indexOf('\uFFFD') >= 0) path = null;
        } catch (IllegalArgumentException e) {
            path = null; // a bad percent-escape: no route matches it, and it is not /health
        }
        if ((path == null || !AdminApi.isPublic(path)) && !token.accepts(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            write(ctx, ApiResponse.error(401, "UNAUTHORIZED", "send Authorization: Bearer <admin token>")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"switchgate\""), keepAlive, head);
            return;
        }
        if (path == null) {
            write(ctx, AdminApi.badPath(), keepAlive, head);
            return;
        }
        String route = path;
        byte[] body = ByteBufUtil.getBytes(req.content());
        api.handle(req.method().name(), req.uri(), body).whenComplete((r, e) -> {
            ApiResponse answer = r != null ? r : ApiResponse.error(500, "INTERNAL_ERROR", "the request could not be completed");
            if (e != null) log.warn("admin API failure on {}: {}", route, e.toString());
            write(ctx, answer, keepAlive, head);
        });
    }

    private static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, boolean head) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        resp.headers().set("X-Content-Type-Options", "nosniff");
        for (Map.Entry<String, String> h : r.headers().entrySet()) resp.headers().set(h.getKey(), h.getValue());
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection closed: {}", cause.toString());
        ctx.close();
    }
}
