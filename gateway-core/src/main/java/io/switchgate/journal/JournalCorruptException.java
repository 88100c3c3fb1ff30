package io.switchgate.journal;

/**
 * The journal cannot be opened as it is: a record that is not at its tail is damaged, or records are missing between
 * segments. Opening refuses instead of skipping, because skipping would silently drop records that were durable (and
 * answered). The message names the segment, the offset and what is wrong; what to do is an operator's decision.
 */
public final class JournalCorruptException extends JournalException {
    public JournalCorruptException(String message) {
        super(message);
    }
}
