package io.switchgate.journal;

/**
 * When a record counts as durable, i.e. when the journal advances its durable sequence past it.
 */
public enum Durability {
    /**
     * After {@code force(false)} (fdatasync) returned for the write that holds it: the record survives a power loss.
     * One force per batch, so every record appended while the previous force ran shares the next one.
     */
    FSYNC,
    /**
     * After the write returned: the operating system holds the record, so it survives a crash of the process
     * (kill -9) but not of the machine.
     */
    WRITE
}
