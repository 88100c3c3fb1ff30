package io.switchgate.bench.restart;

import io.switchgate.model.TxnRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Inserts transaction rows straight into the {@code transactions} table, {@code batchSize} rows per JDBC batch and per
 * database transaction: the store's own {@code apply} checks versions and writes its journal log for every group,
 * which a history of millions of already-decided rows does not need. Columns and encodings as the store writes them
 * (enum names, timestamps with time zone in UTC).
 */
final class TxnRowInserter implements AutoCloseable {
    static final String INSERT = "INSERT INTO transactions (rrn, node_id, txn_type, mti, processing_code, terminal_id,"
            + " merchant_id, stan, transmission_time, dup_key, fingerprint, amount, currency, pan_hash, masked_pan,"
            + " response_code, reason, auth_code, status, refunded_amount, original_rrn, original_stan, batch_no, host,"
            + " host_stan, host_rrn, created_at, updated_at, version)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Connection connection;
    private final PreparedStatement insert;
    private final int batchSize;
    private int pending;
    private long inserted;

    TxnRowInserter(Connection connection, int batchSize) throws SQLException {
        this.connection = connection;
        this.batchSize = batchSize;
        connection.setAutoCommit(false);
        this.insert = connection.prepareStatement(INSERT);
    }

    void add(TxnRecord t) throws SQLException {
        PreparedStatement ps = insert;
        ps.setString(1, t.rrn());
        ps.setString(2, t.nodeId());
        ps.setString(3, t.type().name());
        ps.setString(4, t.mti());
        ps.setString(5, t.processingCode());
        ps.setString(6, t.terminalId());
        ps.setString(7, t.merchantId());
        ps.setString(8, t.stan());
        ps.setString(9, t.transmissionTime());
        ps.setString(10, t.dupKey());
        ps.setString(11, t.fingerprint());
        ps.setLong(12, t.amount());
        ps.setString(13, t.currency());
        ps.setString(14, t.panHash());
        ps.setString(15, t.maskedPan());
        ps.setString(16, t.responseCode());
        ps.setString(17, t.reason());
        ps.setString(18, t.authCode());
        ps.setString(19, t.status().name());
        ps.setLong(20, t.refundedAmount());
        ps.setString(21, t.originalRrn());
        ps.setString(22, t.originalStan());
        ps.setLong(23, t.batchNo());
        ps.setString(24, t.host());
        ps.setString(25, t.hostStan());
        ps.setString(26, t.hostRrn());
        timestamp(ps, 27, t.createdAt());
        timestamp(ps, 28, t.updatedAt());
        ps.setLong(29, t.version());
        ps.addBatch();
        if (++pending == batchSize) flush();
    }

    private static void timestamp(PreparedStatement ps, int i, Instant v) throws SQLException {
        if (v == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(i, OffsetDateTime.ofInstant(v, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    void flush() throws SQLException {
        if (pending == 0) return;
        insert.executeBatch();
        connection.commit();
        inserted += pending;
        pending = 0;
    }

    long inserted() {
        return inserted;
    }

    @Override
    public void close() throws SQLException {
        flush();
        insert.close();
    }
}
