package io.switchgate.journal;

/**
 * What the writer thread has done since the journal was opened: for metrics (batch size, force time) and for the
 * benchmark, which needs the fdatasync time the journal itself met to state its bound.
 *
 * @param batches     batches written (each one write, or two across a segment roll)
 * @param records     records made durable
 * @param bytes       bytes of records written
 * @param forces      forces (fdatasync) of batches; 0 with {@link Durability#WRITE}
 * @param forceNanos  time spent in those forces
 * @param maxForceNanos the longest of them
 */
public record JournalStats(long batches, long records, long bytes, long forces, long forceNanos, long maxForceNanos) {
    public double averageBatchRecords() {
        return batches == 0 ? 0 : (double) records / batches;
    }

    public double averageForceMicros() {
        return forces == 0 ? 0 : forceNanos / 1000.0 / forces;
    }
}
