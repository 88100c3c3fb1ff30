package io.switchgate.model;

import java.time.Instant;

/**
 * A terminal as the gateway knows it now. Keys are in stored form ({@code kcv:XXXXXX:<hex under master key>}),
 * never clear; null when the terminal has no such key.
 *
 * @param batchNo the number of the terminal's open batch
 */
public record TerminalState(
        String id,
        String merchantId,
        TerminalStatus status,
        boolean macRequired,
        String tmk,
        String tpk,
        String tak,
        String bdk,
        long batchNo,
        Instant activatedAt,
        Instant updatedAt,
        long version) implements java.io.Serializable {

    public TerminalState withStatus(TerminalStatus s, Instant at) {
        Instant act = (s == TerminalStatus.ACTIVE && activatedAt == null) ? at : activatedAt;
        return new TerminalState(id, merchantId, s, macRequired, tmk, tpk, tak, bdk, batchNo, act, at, version + 1);
    }

    public TerminalState withWorkingKeys(String newTpk, String newTak, Instant at) {
        return new TerminalState(id, merchantId, status, macRequired, tmk, newTpk, newTak, bdk, batchNo, activatedAt, at, version + 1);
    }

    /** The terminal after an operator's key reset: its TMK stays, its working keys (TPK, TAK) are gone. */
    public TerminalState withoutWorkingKeys(Instant at) {
        return new TerminalState(id, merchantId, status, macRequired, tmk, null, null, bdk, batchNo, activatedAt, at, version + 1);
    }

    public TerminalState withBatchNo(long newBatchNo, Instant at) {
        return new TerminalState(id, merchantId, status, macRequired, tmk, tpk, tak, bdk, newBatchNo, activatedAt, at, version + 1);
    }
}
