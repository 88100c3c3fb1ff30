package io.switchgate.projection;

/**
 * A payload that is not a whole, well-formed change set of a format this build reads: truncated, garbled (checksum),
 * an unknown format version, or a value out of range. The message names the payload's size, the offset and the field.
 * Never recovered from by guessing: a projection that cannot decode a record stops.
 */
public final class ChangeSetFormatException extends RuntimeException {
    public ChangeSetFormatException(String message) {
        super(message);
    }
}
