package io.switchgate.txn;

/**
 * How far the store's tables follow the engine's journal, when they are its projection: the engine may only forget a
 * row (and read it back from the tables later) once the tables have every record that changed it.
 */
public interface ProjectionProgress {
    /** Sequence of the last record the engine appended to the journal. */
    long appendedSequence();

    /** Sequence of the last record the tables have. */
    long projectedSequence();

    /**
     * Waits (at most {@code timeout}) until the tables have every record up to {@code sequence}, or every durable one
     * if the journal stopped before it made them all durable (the rest were never committed, nor answered approved).
     *
     * @return true if they have
     */
    boolean awaitProjected(long sequence, java.time.Duration timeout);
}
