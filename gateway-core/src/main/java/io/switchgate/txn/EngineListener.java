package io.switchgate.txn;

/**
 * Told about every answered request, for metrics and the transaction log line. Called on the thread that
 * completes the answer; implementations must be quick and must not throw.
 *
 * @param maskedPan first 6 + last 4, or null
 */
public interface EngineListener {
    void answered(String mti, String type, String terminal, String stan, String rrn, long amount, String maskedPan,
                  String responseCode, String reason, long latencyNanos);

    EngineListener NONE = (mti, type, terminal, stan, rrn, amount, maskedPan, code, reason, nanos) -> { };
}
