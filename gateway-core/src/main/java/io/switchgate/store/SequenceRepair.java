package io.switchgate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a sequence of the {@code sequences} table starts when its row is not there, and the mending of that table
 * after a kill left it damaged.
 *
 * <p>The damage (an H2 file, seen once in the kill tests after 19 kills): the reservation of {@code rrn-07}'s next
 * block met a conflict ten times in a row (SQLState 23505), and the gateway answered {@code 96} to everything. On an H2
 * file nothing else writes the row, so a conflict that comes back is the table's index and rows disagreeing: a key
 * whose row is gone, or a second entry for one key. An index entry whose row is gone (H2 error 90143, "row not found
 * in primary index", which H2 retries until its lock timeout) is the same damage. The table's indexes are then rebuilt
 * from its rows ({@link H2IndexRepair}); a sequence whose row was lost starts again where nothing handed out can be
 * met again.
 *
 * <p>For an RRN sequence ({@code rrn-} and a node's two characters) that is after the highest RRN of that node in the
 * transactions table: at the first block's reservation the journal's records are in the tables already (the start
 * applies them before it serves), so no answered RRN is handed out twice. Other sequences (a host's STANs) start at 1,
 * as on a new database: their numbers wrap within a day anyway.
 */
final class SequenceRepair {
    private SequenceRepair() {
    }

    /** H2's {@code ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX}: an index entry whose row is not in the table. */
    static final int ROW_NOT_FOUND_IN_PRIMARY_INDEX = H2IndexRepair.ROW_NOT_FOUND_IN_PRIMARY_INDEX;

    /**
     * Whether a failed reservation on an H2 file is the table's damage: an index entry without its row anywhere in its
     * causes, or a unique-key conflict that came back ({@code conflicts}: how many this reservation met so far).
     */
    static boolean isDamage(SQLException failure, int conflicts) {
        if ("23505".equals(failure.getSQLState()) && conflicts >= 2) return true;
        for (SQLException s : H2IndexRepair.sqlCauses(failure)) {
            if (s.getErrorCode() == ROW_NOT_FOUND_IN_PRIMARY_INDEX || s.getErrorCode() == H2IndexRepair.ROW_NOT_FOUND_IN_INDEX) {
                return true;
            }
        }
        return false;
    }

    /** The failure in one line for the log: its SQLState, H2 error code and message, and its deepest SQL cause's. */
    static String describe(SQLException failure) {
        java.util.List<SQLException> causes = H2IndexRepair.sqlCauses(failure);
        SQLException root = causes.get(causes.size() - 1);
        return root == failure ? oneLine(failure) : oneLine(failure) + ", caused by " + oneLine(root);
    }

    private static String oneLine(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
        return "SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + ": " + message;
    }

    /**
     * The block's first number, moved (with the row) past every RRN of its node the transactions table holds if the row
     * is behind them. That is a store put back from a copy older than the journal beside it (a black-box audit): the
     * start brings the tables up to the journal, but not the copy's sequence, which then handed out an answered sale's
     * RRN again; the new sale overwrote it, and its retransmission was approved a second time. One index probe per
     * block of RRNs (the last key of the node's range). Tables behind the journal (the projection's lag) only make the
     * floor lower, never wrong: at start they hold every journaled record before a block is reserved.
     *
     * @param first the block's first number as the row gave it ({@code next_value} already moved past the block)
     */
    static long pastStoredRrns(Connection c, String name, long first, int count) throws SQLException {
        String node = RrnSequence.nodeOf(name);
        if (node == null) return first;
        long highest;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT rrn FROM transactions WHERE rrn >= ? AND rrn <= ? ORDER BY rrn DESC FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, node + "0".repeat(RrnSequence.DIGITS));
            ps.setString(2, node + "9".repeat(RrnSequence.DIGITS));
            try (ResultSet rs = ps.executeQuery()) {
                highest = rs.next() ? RrnSequence.numberOf(rs.getString(1), node) : 0;
            }
        }
        if (highest < 0) highest = firstFree(c, name) - 1; // the range's last key is not one of ours: the exact query
        if (first > highest) return first;
        long moved = highest + 1;
        try (PreparedStatement ps = c.prepareStatement("UPDATE sequences SET next_value = ? WHERE name = ?")) {
            ps.setLong(1, moved + count);
            ps.setString(2, name);
            ps.executeUpdate();
        }
        org.slf4j.LoggerFactory.getLogger(SequenceRepair.class).warn("sequence {} was at {}, behind RRN {} of the transactions"
                + " table (a store put back from an older copy?): it goes on from {}", name, first,
                node + String.format("%0" + RrnSequence.DIGITS + "d", highest), moved);
        return moved;
    }

    /** The first number a sequence with no row may hand out: past every RRN of its node's in the transactions table. */
    static long firstFree(Connection c, String name) throws SQLException {
        String node = RrnSequence.nodeOf(name);
        if (node == null) return 1;
        // The range for the primary key's index; LIKE for exactly this node's two characters, whatever the collation
        // (node IDs are letters and digits: nothing to escape).
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(rrn) FROM transactions WHERE rrn >= ? AND rrn <= ? AND rrn LIKE ?")) {
            ps.setString(1, node + "0".repeat(RrnSequence.DIGITS));
            ps.setString(2, node + "9".repeat(RrnSequence.DIGITS));
            ps.setString(3, node + "_".repeat(RrnSequence.DIGITS));
            try (ResultSet rs = ps.executeQuery()) {
                long highest = rs.next() ? RrnSequence.numberOf(rs.getString(1), node) : -1;
                return Math.max(highest, 0) + 1;
            }
        }
    }

    /**
     * Rebuilds every index of the {@code sequences} table from its rows and forces the file (an H2 file, on a
     * connection in auto-commit).
     *
     * @return what was rebuilt, for the log
     */
    static String rebuildIndexes(Connection c) throws SQLException {
        String schema;
        String index;
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_SCHEMA, INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES"
                + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = 'SEQUENCES' ORDER BY INDEX_NAME");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) throw new SQLException("the sequences table has no index to rebuild", "42S12");
            schema = rs.getString(1);
            index = rs.getString(2);
        }
        String rebuilt = String.join(", ", H2IndexRepair.rebuildTable(c, new H2IndexRepair.DamagedIndex(schema, index)));
        try (Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC"); // the mended index on disk before a block is reserved through it
        }
        return rebuilt;
    }
}
