package io.switchgate.server.cli;

import io.switchgate.iso.IsoException;

/** The framings of CONTRACT section 3 that the decode/encode commands understand. */
enum Framing {
    NONE, NAC2, ASCII4;

    static Framing parse(String s) {
        switch (s == null ? "" : s.toLowerCase(java.util.Locale.ROOT)) {
            case "none": return NONE;
            case "nac2": return NAC2;
            case "ascii4": return ASCII4;
            default: throw new IllegalArgumentException("unknown framing '" + s + "': expected none, nac2 or ascii4");
        }
    }

    int headerBytes() {
        return this == NONE ? 0 : this == NAC2 ? 2 : 4;
    }

    /** Checks the length header against the frame; returns the message length. IsoException if they disagree. */
    int messageLength(byte[] frame) {
        int h = headerBytes();
        if (frame.length < h) throw new IsoException(-1, 0, "frame shorter than its " + this + " length header");
        int len;
        if (this == NONE) return frame.length;
        if (this == NAC2) {
            len = (frame[0] & 0xFF) << 8 | (frame[1] & 0xFF);
        } else {
            len = 0;
            for (int i = 0; i < 4; i++) {
                int d = frame[i] - '0';
                if (d < 0 || d > 9) throw new IsoException(-1, 0, "ascii4 length header is not 4 decimal digits");
                len = len * 10 + d;
            }
        }
        if (len != frame.length - h) {
            throw new IsoException(-1, 0, "length header says " + len + " bytes but " + (frame.length - h) + " follow");
        }
        return len;
    }

    /** The header for a message of {@code len} bytes. */
    byte[] header(int len) {
        if (this == NAC2) {
            if (len > 0xFFFF) throw new IsoException(-1, 0, "message too long for a nac2 header");
            return new byte[] {(byte) (len >>> 8), (byte) len};
        }
        if (this == ASCII4) {
            if (len > 9999) throw new IsoException(-1, 0, "message too long for an ascii4 header");
            return new byte[] {(byte) ('0' + len / 1000), (byte) ('0' + len / 100 % 10), (byte) ('0' + len / 10 % 10), (byte) ('0' + len % 10)};
        }
        return new byte[0];
    }
}
