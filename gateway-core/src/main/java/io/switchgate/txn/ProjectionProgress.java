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
}
