package io.switchgate.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.switchgate.bench.Net;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.net.Framing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The ceiling: a bare Netty server with the gateway's framing that answers every frame with one canned
 * 0210 (DE 39 {@code 00}), without parsing it. What this machine and loopback allow; the load generator
 * matches its answers in order ({@code --match fifo}) since the canned answer cannot carry the request's STAN.
 */
@Command(name = "ceiling-server", mixinStandardHelpOptions = true,
        description = "bare Netty server answering each frame with a canned 0210 (the throughput ceiling)")
public final class CeilingServer implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9600", description = "TCP port (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--host", defaultValue = "0.0.0.0")
    String host;
    @Option(names = "--framing", defaultValue = "nac2", description = "nac2 | ascii4 | nac2-tpdu")
    String framing;
    @Option(names = "--io-threads", defaultValue = "0", description = "event loop threads (0 = Netty's default, as the gateway)")
    int ioThreads;

    /** A typical approved sale response, packed once with our codec. */
    static byte[] cannedResponse() {
        IsoMessage m = new IsoMessage("0210");
        m.set(3, "000000").set(4, "000000001000").set(7, "1125120000").set(11, "000000").set(12, "120000")
                .set(13, "1125").set(37, "010000000001").set(38, "123456").set(39, "00").set(41, "TERM0001")
                .set(42, "MERCHANT0000001").set(49, "156");
        return Dialect.named("iso87binary").pack(m);
    }

    @Override
    public Integer call() throws Exception {
        Framing f = Framing.of(framing);
        byte[] canned = cannedResponse();
        int hdr = f.headerLength();
        ByteBuf shared = Unpooled.unreleasableBuffer(Unpooled.directBuffer(canned.length).writeBytes(canned));
        MultiThreadIoEventLoopGroup boss = Net.group(1);
        MultiThreadIoEventLoopGroup workers = Net.group(ioThreads);
        ChannelHandler answer = new Answer(shared, hdr);
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(Net.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(f.newDecoder(8192), f.newEncoder(), answer);
                    }
                });
        b.bind(host, port).sync();
        System.err.println("ceiling-server listening on " + host + ":" + port + " framing " + f + (Net.EPOLL ? " (epoll)" : " (nio)"));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    @ChannelHandler.Sharable
    static final class Answer extends ChannelInboundHandlerAdapter {
        private final ByteBuf canned;
        private final int hdr;

        Answer(ByteBuf canned, int hdr) {
            this.canned = canned;
            this.hdr = hdr;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (hdr == 0) {
                    ctx.write(canned.duplicate());
                } else {
                    ByteBuf out = ctx.alloc().buffer(hdr + canned.readableBytes());
                    int r = in.readerIndex();
                    // TPDU: 60 + destination(2) + source(2): answer with them swapped
                    out.writeByte(in.getByte(r)).writeShort(in.getShort(r + 3)).writeShort(in.getShort(r + 1));
                    out.writeBytes(canned, canned.readerIndex(), canned.readableBytes());
                    ctx.write(out);
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
