package io.switchgate.tlv;

/** Malformed BER-TLV data. Carries the byte offset; the message never contains the data itself. */
public class TlvException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public TlvException(int offset, String message) {
        super(message, null, false, false);
        this.offset = offset;
    }

    /** Offset (from the start of the parsed range) where the problem was found. */
    public int offset() {
        return offset;
    }
}
