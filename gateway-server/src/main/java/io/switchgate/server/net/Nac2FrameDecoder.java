package io.switchgate.server.net;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * {@code nac2} (and {@code nac2-tpdu}) framing: a 2-byte big-endian length, then the message; emits what follows the
 * prefix and fails fast with a {@link io.netty.handler.codec.TooLongFrameException} above {@code maxFrameBytes}.
 */
final class Nac2FrameDecoder extends LengthFieldBasedFrameDecoder implements BufferedFrame {

    Nac2FrameDecoder(int maxFrameBytes) {
        super(maxFrameBytes + 2, 0, 2, 0, 2, true);
    }

    @Override
    public int bufferedBytes() {
        return actualReadableBytes();
    }
}
