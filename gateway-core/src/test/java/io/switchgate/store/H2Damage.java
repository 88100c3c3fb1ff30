package io.switchgate.store;

import org.h2.engine.SessionLocal;
import org.h2.index.Cursor;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.result.Row;
import org.h2.table.Table;
import org.h2.value.ValueTimestampTimeZone;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Damages an H2 file as a kill once did (tests only): an index loses its entries while the table keeps its rows. Done
 * through H2's own engine (there is no SQL for it), on a database no store has open.
 */
public final class H2Damage {
    private H2Damage() {
    }

    /**
     * Removes every row of {@code table} but one from its index {@code index} (a secondary index: never the table's own
     * data).
     *
     * @return the entries removed
     */
    public static int loseRows(String fileUrl, String table, String index) throws SQLException {
        try (Connection c = DriverManager.getConnection(fileUrl, "sa", "")) {
            SessionLocal session = (SessionLocal) ((JdbcConnection) c).getSession();
            Table t = session.getDatabase().getSchema("PUBLIC").findTableOrView(session, table);
            Index ix = t.getIndexes().stream().filter(i -> i.getName().equals(index)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no index " + index + " on " + table));
            if (ix == t.getScanIndex(session)) throw new IllegalArgumentException(index + " is the table's data");
            List<Row> rows = new ArrayList<>();
            Cursor cursor = t.getScanIndex(session).find(session, null, null, false);
            while (cursor.next()) rows.add(cursor.get());
            // One entry stays: H2 rebuilds an index it finds empty when it opens the table, and a kill does not empty one.
            for (Row r : rows.subList(Math.min(1, rows.size()), rows.size())) ix.remove(session, r);
            c.commit();
            return Math.max(0, rows.size() - 1);
        }
    }

    /**
     * Gives the row of {@code table} whose first column is {@code key} a second, stale entry in its index {@code index},
     * as a kill once left one: the entry names the row, with its {@code column} (a timestamp) one millisecond later, so
     * a scan of a range that holds both reads the row twice. Nothing in H2 raises an error for it.
     */
    public static void addStaleEntry(String fileUrl, String table, String index, String key, String column) throws SQLException {
        try (Connection c = DriverManager.getConnection(fileUrl, "sa", "")) {
            SessionLocal session = (SessionLocal) ((JdbcConnection) c).getSession();
            Table t = session.getDatabase().getSchema("PUBLIC").findTableOrView(session, table);
            Index ix = t.getIndexes().stream().filter(i -> i.getName().equals(index)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no index " + index + " on " + table));
            int col = t.getColumn(column).getColumnId();
            Cursor cursor = t.getScanIndex(session).find(session, null, null, false);
            while (cursor.next()) {
                Row r = cursor.get();
                if (!key.equals(r.getValue(0).getString())) continue;
                Row stale = t.getTemplateRow();
                for (int i = 0; i < r.getColumnCount(); i++) stale.setValue(i, r.getValue(i));
                stale.setKey(r.getKey());
                ValueTimestampTimeZone at = (ValueTimestampTimeZone) r.getValue(col);
                stale.setValue(col, ValueTimestampTimeZone.fromDateValueAndNanos(at.getDateValue(),
                        at.getTimeNanos() + 1_000_000, at.getTimeZoneOffsetSeconds()));
                ix.add(session, stale);
                c.commit();
                return;
            }
            throw new IllegalArgumentException("no row " + key + " in " + table);
        }
    }

    /**
     * Takes the row of {@code table} whose first column is {@code key} out of the table's own data while every index
     * keeps its entry, as a kill left the {@code sequences} table once (the kill test, after its 19th kill: every UPDATE
     * of the row then found none, every INSERT met its key, SQLState 23505).
     */
    public static void loseRowKeepKey(String fileUrl, String table, String key) throws SQLException {
        try (Connection c = DriverManager.getConnection(fileUrl, "sa", "")) {
            SessionLocal session = (SessionLocal) ((JdbcConnection) c).getSession();
            Table t = session.getDatabase().getSchema("PUBLIC").findTableOrView(session, table);
            Cursor cursor = t.getScanIndex(session).find(session, null, null, false);
            while (cursor.next()) {
                Row r = cursor.get();
                if (!key.equals(r.getValue(0).getString())) continue;
                t.getScanIndex(session).remove(session, r);
                c.commit();
                return;
            }
            throw new IllegalArgumentException("no row " + key + " in " + table);
        }
    }

    /** Entries of each index of {@code table} (its own data under the name "rows"), each index read whole. */
    public static java.util.Map<String, Long> entries(String fileUrl, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(fileUrl, "sa", "")) {
            SessionLocal session = (SessionLocal) ((JdbcConnection) c).getSession();
            Table t = session.getDatabase().getSchema("PUBLIC").findTableOrView(session, table);
            java.util.Map<String, Long> counts = new java.util.TreeMap<>();
            for (Index ix : t.getIndexes()) {
                long n = 0;
                Cursor cursor = ix.find(session, null, null, false);
                while (cursor.next()) n++;
                counts.put(ix == t.getScanIndex(session) ? "rows" : ix.getName(), n);
            }
            return counts;
        }
    }
}
