package io.switchgate.store;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rows for a table outside the journaled ones (the store-and-forward queue), inserted unless a row with the same
 * first column (the key) is there, and made durable through the H2 journal log ({@link
 * JdbcTransactionStore#insertDurably}) instead of a checkpoint of the whole file. Values are strings, numbers,
 * instants or null. Only the tables in {@link #TABLES}: a log entry names its table, and a log read back must not
 * be able to write anywhere else.
 */
public record LoggedRows(String table, List<String> columns, List<Object[]> rows) implements Serializable {
    /** The tables whose rows may be logged this way. */
    static final Set<String> TABLES = Set.of("saf_messages");
    private static final java.util.regex.Pattern COLUMN = java.util.regex.Pattern.compile("[a-z_]{1,40}");

    public LoggedRows {
        if (!TABLES.contains(table)) throw new IllegalArgumentException("rows of table " + table + " are not logged");
        for (String c : columns) {
            if (!COLUMN.matcher(c).matches()) throw new IllegalArgumentException("not a column name: " + c);
        }
        for (Object[] r : rows) {
            if (r.length != columns.size()) throw new IllegalArgumentException("a row of " + r.length + " values for "
                    + columns.size() + " columns");
        }
        columns = new ArrayList<>(columns); // serializable as what the log's reader admits
        rows = new ArrayList<>(rows);
    }
}
