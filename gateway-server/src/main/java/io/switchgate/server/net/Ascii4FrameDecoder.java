package io.switchgate.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.ByteOrder;

/**
 * {@code ascii4} framing: 4 ASCII decimal digits of length, then the message. Anything but digits in the
 * prefix is a {@link CorruptedFrameException} (the connection is closed: the stream cannot be resynchronised).
 */
public final class Ascii4FrameDecoder extends LengthFieldBasedFrameDecoder implements BufferedFrame {

    public Ascii4FrameDecoder(int maxFrameBytes) {
        super(maxFrameBytes + 4, 0, 4, 0, 4, true);
    }

    @Override
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long n = 0;
        for (int i = 0; i < 4; i++) {
            int c = buf.getUnsignedByte(offset + i);
            if (c < '0' || c > '9') {
                throw new CorruptedFrameException("ascii4 length prefix has a non-digit byte 0x"
                        + Integer.toHexString(c | 0x100).substring(1).toUpperCase());
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
