package io.switchgate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds an index of an H2 file that has lost a row: what a kill can leave behind (seen once in the kill tests: the
 * start's catch-up could not update a row and the gateway never came back, though its journal held every record).
 *
 * <p>H2 2.3 reports such an index in a roundabout way: a statement that must remove the row from it fails with error
 * 90112 ("row not found when trying to delete from index"), H2 takes that for a concurrent update and retries until
 * {@code LOCK_TIMEOUT}, then throws a lock timeout (HYT00) with the 90112 among its causes. So the damage is found by
 * its error code in the failure's causes, and the index by the name H2 quotes in that message.
 *
 * <p>The index is rebuilt from the table's own rows, which it only points into: dropped and created again with the same
 * columns (for a primary key or unique constraint, the constraint is dropped and added again). The rows themselves are
 * not touched; what the journal holds is applied again afterwards by the caller.
 */
final class H2IndexRepair {
    /** H2's {@code ErrorCode.ROW_NOT_FOUND_WHEN_DELETING_1}. */
    static final int ROW_NOT_FOUND_IN_INDEX = 90112;

    /** An index by schema and name, as H2 names it in its message (upper case: how unquoted names are stored). */
    record DamagedIndex(String schema, String name) { }

    private H2IndexRepair() {
    }

    /** H2's {@code ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX}: an index entry whose row the table's data lacks. */
    static final int ROW_NOT_FOUND_IN_PRIMARY_INDEX = 90143;

    /** The suffix of the name H2 gives a table's data (its primary index) in a 90143: {@code "PUBLIC.CARDS_DATA"}. */
    static final String DATA_SUFFIX = "_DATA";

    /**
     * The index that {@code failure} reports as missing a row (error 90112 among its causes), or null if none. An index
     * entry whose row is not in the table's data (error 90143, which H2 also retries until its lock timeout) names the
     * table's data ({@code CARDS_DATA}): then every index of that table is rebuilt (a black-box audit: a SIGTERM during
     * a first start left the cards' key index pointing at a row the table lacked, and no start came back, HYT00).
     */
    static DamagedIndex damagedIndex(Throwable failure) {
        for (SQLException s : sqlCauses(failure)) {
            if (s.getErrorCode() == ROW_NOT_FOUND_IN_INDEX || s.getErrorCode() == ROW_NOT_FOUND_IN_PRIMARY_INDEX) {
                DamagedIndex named = parse(s.getMessage());
                if (named != null) return named;
            }
        }
        return null;
    }

    /**
     * Every SQL exception in {@code failure}: itself, its causes, suppressed ones and a batch's next exceptions (where
     * its own statements' failures hang, not under getCause), each once, nearest first.
     */
    static List<SQLException> sqlCauses(Throwable failure) {
        List<SQLException> found = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        todo.add(failure);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (t == null || seen.put(t, Boolean.TRUE) != null) continue;
            if (t instanceof SQLException s) {
                found.add(s);
                if (s.getNextException() != null) todo.add(s.getNextException());
            }
            if (t.getCause() != null) todo.add(t.getCause());
            for (Throwable suppressed : t.getSuppressed()) todo.add(suppressed);
        }
        return found;
    }

    /**
     * The index in H2's message {@code Row not found when trying to delete from index "PUBLIC.IX_NAME: 42"}, or null if
     * the message does not name one that way.
     */
    static DamagedIndex parse(String message) {
        if (message == null) return null;
        String marker = "index \"";
        int from = message.indexOf(marker);
        if (from < 0) return null;
        from += marker.length();
        int end = message.indexOf('"', from);
        if (end < 0) return null;
        String quoted = message.substring(from, end);
        int colon = quoted.indexOf(':');
        String qualified = colon < 0 ? quoted : quoted.substring(0, colon);
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) return null;
        return new DamagedIndex(qualified.substring(0, dot).trim(), qualified.substring(dot + 1).trim());
    }

    /**
     * Rebuilds every index of the table {@code damaged} belongs to, {@code damaged} first. Why all of them: what a kill
     * did to one index of a table it may have done to the others, and an index short of rows does not always fail a
     * statement: a scan through it silently skips the rows it lacks (the start's scan of the last 24 hours reads one,
     * and a duplicate key it skipped would let a retransmission be decided again).
     *
     * @return what was rebuilt, for the log
     */
    static List<String> rebuildTable(Connection c, DamagedIndex damaged) throws SQLException {
        String table;
        List<DamagedIndex> all = new ArrayList<>();
        if (damaged.name().endsWith(DATA_SUFFIX) && !exists(c, damaged)) {
            table = damaged.name().substring(0, damaged.name().length() - DATA_SUFFIX.length()); // the data: its indexes
        } else {
            table = describe(c, damaged).table();
            all.add(damaged);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME")) {
            ps.setString(1, damaged.schema());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    DamagedIndex other = new DamagedIndex(damaged.schema(), rs.getString(1));
                    if (!other.equals(damaged)) all.add(other);
                }
            }
        }
        List<String> rebuilt = new ArrayList<>();
        for (DamagedIndex index : all) rebuilt.add(rebuild(c, index));
        return rebuilt;
    }

    /** A query of H2's information schema whose two parameters are an index's schema and name. */
    private static PreparedStatement byIndex(Connection c, String sql, DamagedIndex index) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            ps.setString(1, index.schema());
            ps.setString(2, index.name());
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    /** The table an index belongs to, and its type as H2 names it ({@code INDEX}, {@code UNIQUE INDEX}, {@code PRIMARY KEY}). */
    private record Described(String table, String type) { }

    private static boolean exists(Connection c, DamagedIndex index) throws SQLException {
        try (PreparedStatement ps = byIndex(c, "SELECT 1 FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_SCHEMA = ? AND INDEX_NAME = ?", index)) {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Described describe(Connection c, DamagedIndex index) throws SQLException {
        try (PreparedStatement ps = byIndex(c, "SELECT TABLE_NAME, INDEX_TYPE_NAME FROM INFORMATION_SCHEMA.INDEXES"
                + " WHERE INDEX_SCHEMA = ? AND INDEX_NAME = ?", index)) {
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new SQLException("no index " + index.schema() + "." + index.name() + " to rebuild");
                return new Described(rs.getString(1), rs.getString(2));
            }
        }
    }

    /**
     * Drops and recreates {@code index} on {@code c} (auto-commit), from the definition H2's information schema gives.
     *
     * @return what was rebuilt, for the log: {@code "index IX_NAME on TRANSACTIONS (TERMINAL_ID, STAN)"}
     * @throws SQLException the index is not there any more, or a statement failed (the caller's start then fails,
     *                      naming the original error)
     */
    static String rebuild(Connection c, DamagedIndex index) throws SQLException {
        Described described = describe(c, index);
        String table = described.table();
        String type = described.type();
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = byIndex(c, "SELECT COLUMN_NAME, ORDERING_SPECIFICATION FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                + " WHERE INDEX_SCHEMA = ? AND INDEX_NAME = ? ORDER BY ORDINAL_POSITION", index)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(quote(rs.getString(1)) + ("DESC".equals(rs.getString(2)) ? " DESC" : ""));
                }
            }
        }
        if (columns.isEmpty()) throw new SQLException("index " + index.schema() + "." + index.name() + " has no columns");
        String constraint = null;
        String constraintType = null;
        try (PreparedStatement ps = byIndex(c, "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                + " WHERE INDEX_SCHEMA = ? AND INDEX_NAME = ? AND CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE')", index)) {
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    constraint = rs.getString(1);
                    constraintType = rs.getString(2);
                }
            }
        }
        String qualifiedTable = quote(index.schema()) + "." + quote(table);
        String columnList = String.join(", ", columns);
        try (Statement s = c.createStatement()) {
            if (constraint != null) {
                s.execute("ALTER TABLE " + qualifiedTable + " DROP CONSTRAINT " + quote(index.schema()) + "." + quote(constraint));
                s.execute("ALTER TABLE " + qualifiedTable + " ADD CONSTRAINT " + quote(constraint) + " " + constraintType
                        + " (" + columnList + ")");
                return constraintType.toLowerCase(java.util.Locale.ROOT) + " " + constraint + " of " + table + " (" + columnList + ")";
            }
            boolean unique = type != null && type.startsWith("UNIQUE");
            s.execute("DROP INDEX " + quote(index.schema()) + "." + quote(index.name()));
            s.execute("CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + quote(index.schema()) + "." + quote(index.name())
                    + " ON " + qualifiedTable + " (" + columnList + ")");
            return "index " + index.name() + " on " + table + " (" + columnList + ")";
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
