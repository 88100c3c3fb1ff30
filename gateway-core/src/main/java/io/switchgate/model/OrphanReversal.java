package io.switchgate.model;

import java.time.Instant;

/**
 * A reversal that found no original, as the engine keeps it for the duplicate window: the terminal and the STAN it
 * reversed (an original arriving later with that STAN is refused) and when it came.
 */
public record OrphanReversal(String terminalId, String originalStan, Instant createdAt) {
    public static OrphanReversal of(TxnRecord reversal) {
        return new OrphanReversal(reversal.terminalId(), reversal.originalStan(), reversal.createdAt());
    }
}
