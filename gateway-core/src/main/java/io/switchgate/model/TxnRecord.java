package io.switchgate.model;

import java.time.Instant;

/**
 * One journaled request and the answer it got. Immutable; the engine writes a new version
 * ({@code version + 1}) whenever the transaction's state changes (refunded amount, status).
 *
 * <p>Never holds a clear PAN, track data or PIN block: only {@code panHash} (keyed hash, for
 * matching a refund to its sale's card) and {@code maskedPan} (first 6 + last 4).
 *
 * @param dupKey     duplicate-detection key: terminal, message family, STAN and DE 7 (see {@code DuplicateKey})
 * @param fingerprint hash of DE 3, DE 4 and the card: same key + other fingerprint = {@code 94}
 * @param originalRrn for refunds, voids and reversals: the RRN of the transaction they act on (null if none found)
 * @param originalStan for reversals: the STAN of the request they reverse (DE 90 or DE 11)
 * @param host       "embedded" or the name of the host that authorized it (refunds and reversals follow it)
 */
public record TxnRecord(
        String rrn,
        String nodeId,
        TxnType type,
        String mti,
        String processingCode,
        String terminalId,
        String merchantId,
        String stan,
        String transmissionTime,
        String dupKey,
        String fingerprint,
        long amount,
        String currency,
        String panHash,
        String maskedPan,
        String responseCode,
        String reason,
        String authCode,
        TxnStatus status,
        long refundedAmount,
        String originalRrn,
        String originalStan,
        long batchNo,
        String host,
        String hostStan,
        String hostRrn,
        Instant createdAt,
        Instant updatedAt,
        long version) implements java.io.Serializable {

    /** Reasons of a 96 that decided nothing: the request's own effects were never committed, only its 96. */
    private static final java.util.Set<String> UNDECIDED_REASONS = java.util.Set.of("CONCURRENT_UPDATE", "JOURNAL_UNAVAILABLE", "SYSTEM_ERROR");

    /** A reversal answered 96 that decided nothing: its repeat is decided again, and a decision of it takes the key over. */
    public boolean undecidedReversal() {
        return undecidedReversal(type == null ? null : type.name(), responseCode, reason);
    }

    /** As {@link #undecidedReversal()}, from a row's type, code and reason. */
    public static boolean undecidedReversal(String type, String code, String reason) {
        return "REVERSAL".equals(type) && "96".equals(code) && reason != null && UNDECIDED_REASONS.contains(reason);
    }

    public boolean approved() {
        return "00".equals(responseCode);
    }

    /**
     * This request as answered when its decision could not be committed: {@code code} (96), no authorization, declined,
     * nothing refunded; a first version of its own (the decision's row never reached the store).
     */
    public TxnRecord asUncommitted(String code, String why, Instant at) {
        return new TxnRecord(rrn, nodeId, type, mti, processingCode, terminalId, merchantId, stan, transmissionTime, dupKey,
                fingerprint, amount, currency, panHash, maskedPan, code, why, null, TxnStatus.DECLINED, 0, originalRrn,
                originalStan, batchNo, host, hostStan, hostRrn, createdAt, at, 1);
    }

    /** This first version with a duplicate key and fingerprint (a record built before they were known). */
    public TxnRecord withDuplicateKey(String key, String print) {
        return new TxnRecord(rrn, nodeId, type, mti, processingCode, terminalId, merchantId, stan, transmissionTime, key,
                print, amount, currency, panHash, maskedPan, responseCode, reason, authCode, status, refundedAmount,
                originalRrn, originalStan, batchNo, host, hostStan, hostRrn, createdAt, updatedAt, version);
    }

    public TxnRecord withStatus(TxnStatus newStatus, Instant at) {
        return new TxnRecord(rrn, nodeId, type, mti, processingCode, terminalId, merchantId, stan, transmissionTime,
                dupKey, fingerprint, amount, currency, panHash, maskedPan, responseCode, reason, authCode, newStatus,
                refundedAmount, originalRrn, originalStan, batchNo, host, hostStan, hostRrn, createdAt, at, version + 1);
    }

    public TxnRecord withRefundedAmount(long newRefunded, Instant at) {
        return new TxnRecord(rrn, nodeId, type, mti, processingCode, terminalId, merchantId, stan, transmissionTime,
                dupKey, fingerprint, amount, currency, panHash, maskedPan, responseCode, reason, authCode, status,
                newRefunded, originalRrn, originalStan, batchNo, host, hostStan, hostRrn, createdAt, at, version + 1);
    }
}
