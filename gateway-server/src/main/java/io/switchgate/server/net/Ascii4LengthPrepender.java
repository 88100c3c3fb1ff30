package io.switchgate.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/** Prefixes each outbound message with its length as 4 ASCII decimal digits. */
@ChannelHandler.Sharable
public final class Ascii4LengthPrepender extends MessageToMessageEncoder<ByteBuf> {

    public Ascii4LengthPrepender() {
        super(ByteBuf.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        int n = msg.readableBytes();
        if (n > 9999) {
            throw new EncoderException("message of " + n + " bytes does not fit an ascii4 length prefix");
        }
        ByteBuf prefix = ctx.alloc().buffer(4);
        prefix.writeByte('0' + n / 1000);
        prefix.writeByte('0' + n / 100 % 10);
        prefix.writeByte('0' + n / 10 % 10);
        prefix.writeByte('0' + n % 10);
        out.add(prefix);
        out.add(msg.retain());
    }
}
