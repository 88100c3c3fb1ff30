package io.switchgate.journal;

/**
 * The journal has stopped for good, and no record can be appended: a write or a force failed (the cause says which
 * and why), or it was closed. After a failed force the state of the page cache is unknown (PostgreSQL's lesson of
 * 2018: a retried fsync can report success for data that was dropped), so the journal never retries; restarting
 * reopens it and recovery finds what is really on disk.
 */
public final class JournalStoppedException extends JournalException {
    public JournalStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
