package io.switchgate.iso;

/**
 * The one exception the codec throws for a message that cannot be packed or unpacked.
 * It carries the field number ({@code -1} for MTI/bitmap/frame-level problems, {@code 0} for the MTI)
 * and the byte offset from the first MTI byte. Its message says what is wrong but never contains
 * field data, so it is safe to log.
 */
public class IsoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int field;
    private final int offset;

    public IsoException(int field, int offset, String message) {
        super(message, null, false, false);
        this.field = field;
        this.offset = offset;
    }

    /** Field number, 0 for the MTI, -1 for bitmap- or frame-level problems. */
    public int field() {
        return field;
    }

    /** Byte offset from the first MTI byte where the problem was found, -1 if not applicable. */
    public int offset() {
        return offset;
    }

    @Override
    public String toString() {
        return "IsoException[field=" + field + ", offset=" + offset + "]: " + getMessage();
    }
}
