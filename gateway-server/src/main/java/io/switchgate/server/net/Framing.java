package io.switchgate.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.LengthFieldPrepender;

/** How messages are delimited on a TCP connection (CONTRACT.md section 3). */
public enum Framing {
    /** 2-byte big-endian length, then the message. */
    NAC2("nac2", 0),
    /** 4 ASCII decimal digits of length, then the message. */
    ASCII4("ascii4", 0),
    /** 2-byte length, then a 5-byte TPDU ({@code 60} + destination 2 + source 2), then the message. */
    NAC2_TPDU("nac2-tpdu", 5);

    private final String configName;
    private final int headerLength;

    Framing(String configName, int headerLength) {
        this.configName = configName;
        this.headerLength = headerLength;
    }

    /** The name used in the configuration and on the command line. */
    public String configName() {
        return configName;
    }

    /** Bytes of header (TPDU) between the length prefix and the message. */
    public int headerLength() {
        return headerLength;
    }

    /** The largest length the prefix can carry. */
    public int maxLength() {
        return this == ASCII4 ? 9999 : 65535;
    }

    public static Framing of(String name) {
        for (Framing f : values()) {
            if (f.configName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown framing '" + name + "' (nac2 | ascii4 | nac2-tpdu)");
    }

    /**
     * A new frame decoder that emits what follows the length prefix (TPDU included), failing fast with a
     * {@link io.netty.handler.codec.TooLongFrameException} when the prefix announces more than {@code maxFrameBytes}.
     */
    public ChannelHandler newDecoder(int maxFrameBytes) {
        return switch (this) {
            case ASCII4 -> new Ascii4FrameDecoder(maxFrameBytes);
            case NAC2, NAC2_TPDU -> new Nac2FrameDecoder(maxFrameBytes);
        };
    }

    /** A new encoder that prefixes each outbound buffer with its length. */
    public ChannelHandler newEncoder() {
        return switch (this) {
            case ASCII4 -> new Ascii4LengthPrepender();
            case NAC2, NAC2_TPDU -> new LengthFieldPrepender(2);
        };
    }

    @Override
    public String toString() {
        return configName;
    }
}
