package io.switchgate.store;

import io.switchgate.model.StatusEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a batch of journaled change sets into the tables as the projection does (issue 14): unconditionally, inside
 * the caller's transaction, together with the move of {@code projection_mark}.
 *
 * <p>Why not {@link JdbcTransactionStore#apply}'s SQL: its update carries {@code WHERE version = n - 1}, the check
 * that lets the ledger's decision race another node's. The projection must not re-decide: the journal's order is the
 * truth, so a row is <em>overwritten</em> by key. Per table, only the last version of each row in the batch is
 * written (each row is complete, so the last one is the row); it is first updated by key and, where no row was
 * updated, inserted: portable SQL (H2 and PostgreSQL alike, no MERGE / ON CONFLICT dialects), two JDBC batches per
 * table. Status events have no key: each is inserted, in order, unless the same event is there already, so a batch
 * written again (after a crash in which H2 kept part of it) neither doubles nor loses one.
 */
final class JdbcProjectionWriter {


    private JdbcProjectionWriter() {
    }

    /**
     * Compare-and-set of the mark: {@code afterSeq -> lastSeq}. Runs first in the transaction, so that on PostgreSQL a
     * second tailer on the same database waits on the mark's row lock and then finds it moved.
     *
     * @return true if this transaction now owns the batch; false if the store has some or all of it already
     * @throws StoreException if the mark is before {@code afterSeq}: applying would skip records
     */
    static boolean moveMark(Connection c, long afterSeq, long lastSeq) throws SQLException {
        // batch_from stays where the last save put it (the first record the file may not hold whole): a kill can cost
        // an H2 file rows of any commit since, not only of the last one
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE projection_mark SET seq = ?, batch_from = COALESCE(batch_from, ?) WHERE id = 1 AND seq = ?")) {
            ps.setLong(1, lastSeq);
            ps.setLong(2, afterSeq + 1);
            ps.setLong(3, afterSeq);
            if (ps.executeUpdate() == 1) return true;
        }
        long mark = readMark(c);
        if (mark > afterSeq) return false;
        throw new StoreException("projection out of step: the store has journal records up to " + mark
                + ", the batch covers " + (afterSeq + 1) + ".." + lastSeq + ": records " + (mark + 1) + ".." + afterSeq
                + " would be skipped (re-read the mark and tail from there)");
    }

    /**
     * The first record the file may not hold whole (since the last save), {@code mark + 1} once saved; -1 if unknown.
     * An unforced save counts only if it was made in {@code boot}, the boot of the system now running (see
     * {@link BootId}); the forced saves' mark counts always.
     */
    static long readBatchFrom(Connection c, Optional<String> boot) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT batch_from, unforced_from, unforced_boot FROM projection_mark WHERE id = 1")) {
            if (!rs.next()) throw new StoreException("projection_mark has no row: run migrate()");
            long forced = rs.getLong(1);
            if (rs.wasNull()) forced = -1;
            long unforced = rs.getLong(2);
            if (rs.wasNull()) unforced = -1;
            String madeIn = rs.getString(3);
            return boot.isPresent() && boot.get().equals(madeIn) ? Math.max(forced, unforced) : forced;
        }
    }

    static long readMark(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT seq FROM projection_mark WHERE id = 1")) {
            if (!rs.next()) throw new StoreException("projection_mark has no row: run migrate()");
            return rs.getLong(1);
        }
    }

    /** A projected batch: mostly new rows (see {@link #overwrite}). */
    static void write(Connection c, List<ChangeSet> sets) throws SQLException {
        write(c, sets, false);
    }

    /**
     * Rows by key, the last of each key in {@code sets}, and status events where missing.
     *
     * @param writtenBefore the rows were most likely written before (a start writing again what a crash may have cost
     *                      the file): each is updated, and inserted only if no update found it, with no first try at
     *                      inserting the new ones in one go, which would fail on nearly every row and be rolled back
     */
    @SuppressWarnings("unchecked")
    static void write(Connection c, List<ChangeSet> sets, boolean writtenBefore) throws SQLException {
        for (int t = 0; t < JdbcTransactionStore.TABLES.length; t++) {
            JdbcTable<Object> table = (JdbcTable<Object>) JdbcTransactionStore.TABLES[t];
            Map<List<Object>, Object> last = new LinkedHashMap<>();
            for (ChangeSet s : sets) {
                for (Object r : JdbcTransactionStore.rows(s, t)) last.put(table.key(r), r);
            }
            if (last.isEmpty()) continue;
            if (writtenBefore) {
                updateOrInsert(c, table, new ArrayList<>(last.values()));
            } else {
                overwrite(c, table, new ArrayList<>(last.values()));
            }
        }
        boolean anyEvent = false;
        for (ChangeSet s : sets) anyEvent |= !s.events.isEmpty();
        if (anyEvent) {
            try (PreparedStatement ps = c.prepareStatement(JdbcTable.EVENT_INSERT_ONCE)) {
                for (ChangeSet s : sets) {
                    for (StatusEvent e : s.events) {
                        JdbcTable.bindEventOnce(ps, e);
                        ps.addBatch();
                    }
                }
                ps.executeBatch();
            }
        }
    }

    /**
     * Rows at their first version (most of a batch: new transactions) are inserted at once, under a savepoint; if one
     * is there already (the batch is applied again after a crash lost its mark) the savepoint is rolled back and they
     * take the general path with the others: update by key, insert what no update found. One row per key in
     * {@code rows}. Half the statements for a stream of new transactions, and no index probe that finds nothing.
     */
    private static void overwrite(Connection c, JdbcTable<Object> table, List<Object> rows) throws SQLException {
        List<Object> fresh = new ArrayList<>();
        List<Object> others = new ArrayList<>();
        for (Object r : rows) (table.version(r) == 1 ? fresh : others).add(r);
        if (!fresh.isEmpty() && !insertFresh(c, table, fresh)) others.addAll(fresh);
        if (!others.isEmpty()) updateOrInsert(c, table, others);
    }

    /** @return false if a row was there already (nothing of this batch is kept then) */
    private static boolean insertFresh(Connection c, JdbcTable<Object> table, List<Object> rows) throws SQLException {
        java.sql.Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(table.insertSql)) {
            for (Object r : rows) {
                table.bindInsert(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            c.rollback(sp);
            return false;
        }
        c.releaseSavepoint(sp);
        return true;
    }

    private static void updateOrInsert(Connection c, JdbcTable<Object> table, List<Object> rows) throws SQLException {
        List<Object> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(table.overwriteSql)) {
            for (Object r : rows) {
                table.bindOverwrite(ps, r);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            if (counts.length != rows.size()) {
                throw new StoreException(table.name + ": the driver reported " + counts.length + " update counts for "
                        + rows.size() + " rows");
            }
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    missing.add(rows.get(i));
                } else if (counts[i] != 1) {
                    // SUCCESS_NO_INFO (or a key that is not unique): we cannot tell which rows exist, so do not guess
                    throw new StoreException(table.name + ": update count " + counts[i] + " for " + table.describe(rows.get(i)));
                }
            }
        }
        if (missing.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(table.insertSql)) {
            for (Object r : missing) {
                table.bindInsert(ps, r);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
