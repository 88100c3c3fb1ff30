package io.switchgate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Who may use a PostgreSQL schema's tables, held as a session advisory lock on a connection of its own for as long as
 * the store is open (PostgreSQL drops it with the session, so a killed node leaves nothing held):
 * <ul>
 *   <li>a node whose file journal commits and whose projection the tables are ({@code store.sharedByNodes: false})
 *       takes the lock <em>exclusively</em>: it overwrites rows by key, so any other writer's rows would be lost;</li>
 *   <li>nodes whose journal is the database (shared) take it <em>shared</em>: any number of them, never beside the
 *       first kind.</li>
 * </ul>
 * Either refusal names the store and what holds it. One key per schema (its hash), as the migrator's lock.
 */
final class PgTablesClaim implements AutoCloseable {
    /** First key of the advisory lock ("SGTB"); the second is the schema's hash. */
    private static final int LOCK_KEY = 0x53475442;

    /**
     * How long a claim waits for a holder to go before it refuses: 10 s, or {@code -Dgateway.store.claimWaitMillis=N}
     * (0..600000; tests shorten it).
     */
    static final String WAIT_PROPERTY = "gateway.store.claimWaitMillis";

    private final Connection connection;

    private PgTablesClaim(Connection connection) {
        this.connection = connection;
    }

    /**
     * @param exclusive true for a file journal's projection, false for a node of a shared store
     * @return the claim, held until {@link #close}
     * @throws StoreException the lock is held the other way (or exclusively, by another projection)
     */
    static PgTablesClaim take(Connection c, boolean exclusive, String safeUrl) {
        String fn = exclusive ? "pg_try_advisory_lock" : "pg_try_advisory_lock_shared";
        try {
            boolean got = false;
            String schema = null;
            // A node killed a moment ago holds the lock until PostgreSQL sees its socket close: wait that long.
            long waitMillis = io.switchgate.config.Tuning.wholeNumber(WAIT_PROPERTY, 10_000, 0, 600_000);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMillis);
            while (true) {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + fn + "(?, hashtext(coalesce(current_schema(), ''))), current_schema()")) {
                    ps.setInt(1, LOCK_KEY);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        got = rs.getBoolean(1);
                        schema = rs.getString(2);
                    }
                }
                if (got || System.nanoTime() > deadline) break;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            String store = safeUrl + " (schema " + schema + ")";
            if (!got) {
                closeQuietly(c);
                String why = exclusive
                        ? "store " + store + " is in use by another gateway node: store.sharedByNodes: false takes "
                          + "PostgreSQL tables for one node alone (its file journal's projection); stop the other "
                          + "node, or point this one at its own schema"
                        : "store " + store + " is taken by a gateway node that commits to its own file journal "
                          + "(store.sharedByNodes: false): nodes sharing a store cannot use it beside that node";
                throw new StoreException(why + " (waited " + waitMillis + " ms; a node that is gone but whose session "
                        + "PostgreSQL still keeps is found by: SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND "
                        + "classid = " + LOCK_KEY + ")");
            }
            return new PgTablesClaim(c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("cannot claim the tables of " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    /** Ends the session, and so the lock. */
    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session ends with the socket either way
        }
    }
}
