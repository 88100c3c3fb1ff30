package io.switchgate.server.net;

/** A frame decoder that can say how many bytes of a not yet complete frame it holds (for the frame timeout). */
interface BufferedFrame {
    /** Bytes received and not yet emitted as a frame: 0 between frames. */
    int bufferedBytes();
}
