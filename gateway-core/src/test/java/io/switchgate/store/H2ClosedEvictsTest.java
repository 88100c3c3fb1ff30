package io.switchgate.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An H2 database that closes itself (its disk full, in a black-box audit) takes the store down only until it can be
 * opened again: the health check sees it closed (it said healthy, on connections to a closed database), and the pool
 * lets those connections go, so the next one opens the database anew (it lent the dead ones out until a restart).
 */
class H2ClosedEvictsTest {

    @TempDir
    Path dir;

    @Test
    void aClosedDatabasesErrorsEvictTheConnectionOthersDoNot() {
        H2ClosedEvicts o = new H2ClosedEvicts();
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, o.adjudicate(new SQLException("closed", "90098", 90098)));
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT,
                o.adjudicate(new SQLException("wrapped", "HY000", 50000, new SQLException("closed", "90121", 90121))));
        assertEquals(SQLExceptionOverride.Override.CONTINUE_EVICT, o.adjudicate(new SQLException("syntax", "42000", 42000)));
    }

    /** A migrated store on a fresh H2 file, healthy. */
    private JdbcTransactionStore healthyStore(String url, int pool) {
        JdbcTransactionStore store = JdbcTransactionStore.open(url, "sa", "", pool);
        store.migrate();
        assertTrue(store.isHealthy());
        return store;
    }

    @Test
    void aDatabaseThatClosedItselfIsUnhealthyThenOpenedAgain() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath();
        try (JdbcTransactionStore store = healthyStore(url, 2)) {
            // what H2 does when it can no longer write its file: the database closes under the pool's connections
            try (Connection c = DriverManager.getConnection(url + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
                 Statement st = c.createStatement()) {
                st.execute("SHUTDOWN IMMEDIATELY");
            } catch (SQLException closedUnderUs) {
                // the statement's own connection goes with it
            }
            boolean healthy = store.isHealthy();
            for (int i = 0; i < 4 && !healthy; i++) healthy = store.isHealthy(); // each failure lets a dead connection go
            assertTrue(healthy, "the pool kept lending connections to the closed database");
            assertTrue(store.findByRrn("000000000000").isEmpty(), "reads work again");
        }
    }

    @Test
    void theHealthCheckReadsTheDatabaseNotOnlyTheConnection() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("gw2").toAbsolutePath();
        try (JdbcTransactionStore store = healthyStore(url, 1)) {
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE projection_mark RENAME TO projection_mark_away");
            }
            assertFalse(store.isHealthy(), "healthy with its tables unreadable");
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE projection_mark_away RENAME TO projection_mark");
            }
            assertTrue(store.isHealthy());
        }
    }
}
