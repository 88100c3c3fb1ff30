package io.switchgate.journal;

/** Base of the journal's own exceptions; each message says what is wrong and where. */
public class JournalException extends RuntimeException {
    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
