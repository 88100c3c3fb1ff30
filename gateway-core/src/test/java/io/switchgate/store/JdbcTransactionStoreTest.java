package io.switchgate.store;

import io.switchgate.model.CardAccount;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TxnRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.switchgate.store.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** What only the JDBC store has: schema, migrations, URL defaults, error messages. On in-memory H2. */
class JdbcTransactionStoreTest {

    @Test
    void aFailedBatchNamesTheErrorUnderneathItsLockTimeout() {
        java.sql.SQLException indexDamage = new java.sql.SQLException(
                "Row not found when trying to delete from index \"PUBLIC.IX_X\"\nSQL statement: UPDATE ...", "HY000", 90112);
        java.sql.SQLException perStatement = new java.sql.SQLException("Timeout trying to lock table", "HYT00", 50200, indexDamage);
        java.sql.BatchUpdateException batch = new java.sql.BatchUpdateException("Timeout trying to lock table", "HYT00", 50200, new int[0]);
        batch.setNextException(perStatement);
        assertEquals("; underneath: error 90112 Row not found when trying to delete from index \"PUBLIC.IX_X\"",
                JdbcTransactionStore.underlying(batch));
        assertEquals("", JdbcTransactionStore.underlying(new java.sql.SQLException("plain", "08006")));
    }

    static {
        TestLogging.quiet();
    }

    private JdbcTransactionStore store;

    @BeforeEach
    void open() {
        store = JdbcTransactionStore.open("jdbc:h2:mem:j" + UUID.randomUUID().toString().replace("-", ""), "sa", "", 2);
        store.migrate();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aHealthCheckLeavesNoQueryTimeoutOnThePooledConnections() throws Exception {
        // H2 keeps a statement's query timeout on its session: a health check that set one cancelled the next long
        // query on the same pooled connection (a restart's first sale on a big store was answered 96).
        for (int i = 0; i < 4; i++) assertTrue(store.isHealthy());
        for (int i = 0; i < 2; i++) { // the pool holds 2 connections: look at both
            try (Connection a = store.dataSource().getConnection(); Connection b = store.dataSource().getConnection()) {
                for (Connection c : List.of(a, b)) {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                            "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_TIMEOUT'")) {
                        assertTrue(rs.next());
                        assertEquals("0", rs.getString(1), "a query timeout left on a pooled connection");
                    }
                }
            }
        }
    }

    @Test
    void noColumnCanHoldAClearPan() throws Exception {
        List<String> panColumns = new ArrayList<>();
        int tables = 0;
        try (Connection c = store.dataSource().getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getColumns(null, null, "%", "%")) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    if (!"PUBLIC".equalsIgnoreCase(schema)) continue;
                    String col = rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
                    if (col.contains("pan") || col.contains("track") || col.contains("pin_block") || col.contains("cvv")) {
                        panColumns.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT) + "." + col);
                    }
                }
            }
            try (ResultSet rs = md.getTables(null, "PUBLIC", "%", new String[]{"TABLE"})) {
                while (rs.next()) tables++;
            }
        }
        assertEquals(List.of("cards.masked_pan", "cards.pan_hash", "transactions.masked_pan", "transactions.pan_hash"),
                panColumns.stream().sorted().toList());
        assertEquals(12, tables); // 8 tables + saf_messages + journal_mark + projection_mark + schema_version
    }

    @Test
    void schemaVersionRecordsEachMigrationOnce() throws Exception {
        store.migrate();
        store.migrate();
        int migrations = SchemaMigrator.load().size();
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
            for (int v = 1; v <= migrations; v++) {
                assertTrue(rs.next());
                assertEquals(v, rs.getInt(1));
                assertNotNull(rs.getString(2));
            }
            assertFalse(rs.next());
        }
    }

    @Test
    void theStartScanOfTheLast24HoursIsReadFromTheRecentIndex() throws Exception {
        String plan = planOf("SELECT dup_key, rrn, txn_type, original_rrn, terminal_id, original_stan, created_at"
                + " FROM transactions WHERE created_at >= TIMESTAMP WITH TIME ZONE '2026-12-01 00:00:00+00'");
        assertTrue(plan.contains("IX_TRANSACTIONS_RECENT"), plan);
        assertFalse(transactionIndexes().contains("IX_TRANSACTIONS_CREATED"), "V8 replaces the created_at index");
    }

    @Test
    void duplicateLookupRidesTheTerminalStanIndex() throws Exception {
        String plan = planOf("SELECT rrn FROM transactions WHERE terminal_id = 'T1' AND stan = '000001'"
                + " AND dup_key = 'T1|2|000001|1125120000'");
        assertTrue(plan.contains("IX_TRANSACTIONS_TERMINAL_STAN"), plan);
        assertFalse(transactionIndexes().contains("IX_TRANSACTIONS_DUP_KEY"), "V4 drops the dup_key index");
    }

    /** H2's plan for {@code sql}, upper case. */
    private String planOf(String sql) throws Exception {
        try (Connection c = store.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
            assertTrue(rs.next());
            return rs.getString(1).toUpperCase(java.util.Locale.ROOT);
        }
    }

    /** The names of the transactions table's indexes, upper case. */
    private java.util.Set<String> transactionIndexes() throws Exception {
        java.util.Set<String> names = new java.util.HashSet<>();
        try (Connection c = store.dataSource().getConnection();
             ResultSet rs = c.getMetaData().getIndexInfo(null, null, "TRANSACTIONS", false, false)) {
            while (rs.next()) names.add(rs.getString("INDEX_NAME").toUpperCase(java.util.Locale.ROOT));
        }
        return names;
    }

    @Test
    void migrationFilesParse() {
        SchemaMigrator.Migration m = SchemaMigrator.parse(7, "-- add things\nCREATE TABLE a (\n  x INT\n);\n\n-- more\nCREATE INDEX i ON a (x);\n");
        assertEquals("add things", m.description());
        assertEquals(2, m.statements().size());
        assertTrue(m.statements().get(0).startsWith("CREATE TABLE a ("));
        assertFalse(m.statements().get(0).endsWith(";"));
        assertEquals("CREATE INDEX i ON a (x)", m.statements().get(1));
        assertTrue(SchemaMigrator.load().get(0).statements().size() >= 10);
    }

    @Test
    void h2UrlGetsDurableDefaultsUnlessItSetsThem() {
        // a file of this process: H2's background writes, made durable by the journal log next to it
        String file = JdbcTransactionStore.h2Url("jdbc:h2:file:./data/gateway");
        assertFalse(file.contains("WRITE_DELAY"));
        assertEquals(java.nio.file.Path.of("./data/gateway.journal"), JdbcTransactionStore.journalLogPath("jdbc:h2:file:./data/gateway;CACHE_SIZE=1"));
        // a remote database writes each commit itself
        assertTrue(JdbcTransactionStore.h2Url("jdbc:h2:tcp://localhost/x").contains(";WRITE_DELAY=0"));
        assertNull(JdbcTransactionStore.journalLogPath("jdbc:h2:tcp://localhost/x"));
        assertTrue(file.contains(";DB_CLOSE_ON_EXIT=FALSE"));
        assertTrue(file.contains(";LOCK_TIMEOUT=10000"));
        assertFalse(file.contains("DB_CLOSE_DELAY"));
        String own = JdbcTransactionStore.h2Url("jdbc:h2:file:/x;write_delay=100;LOCK_TIMEOUT=5");
        assertFalse(own.contains("WRITE_DELAY=0"));
        assertNull(JdbcTransactionStore.journalLogPath("jdbc:h2:file:/x;write_delay=100"), "its own WRITE_DELAY: no log");
        assertFalse(own.contains("LOCK_TIMEOUT=10000"));
        String mem = JdbcTransactionStore.h2Url("jdbc:h2:mem:x");
        assertTrue(mem.contains(";DB_CLOSE_DELAY=-1"));
        assertFalse(mem.contains("WRITE_DELAY"));
    }

    @Test
    void aBadRowRejectsOnlyItsSetAndItsValuesStayOutOfTheMessage() {
        Instant at = now();
        String clearPan = "6212345678901232";
        TxnRecord good = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 100, at);
        // a bug upstream put a clear PAN (and more) where the masked one goes: too long for the column
        CardAccount bad = new CardAccount("hash-" + rrn(), clearPan + clearPan + clearPan, "2812", null, 1, 0, at, 1);
        TxnRecord alsoGood = sale(rrn(), "TERM0001", "MERCHANT0000001", "000002", 200, at);
        List<RuntimeException> r = store.apply(List.of(set().txn(good), set().card(bad), set().txn(alsoGood)));
        assertNull(r.get(0));
        assertNotNull(r.get(1));
        assertFalse(r.get(1) instanceof ConcurrentUpdateException);
        assertNull(r.get(2));
        assertTrue(r.get(1).getMessage().startsWith("cards pan_hash hash-"), r.get(1).getMessage());
        assertFalse(r.get(1).getMessage().contains("1234567890"), "card data in: " + r.get(1).getMessage());
        assertNull(r.get(1).getCause(), "the driver's message could quote the value");
        assertTrue(store.findByRrn(good.rrn()).isPresent());
        assertTrue(store.findByRrn(alsoGood.rrn()).isPresent());
        assertTrue(store.findCard(bad.panHash()).isEmpty());
    }

    @Test
    void invalidVersionsAreRejectedWithoutTouchingTheDatabase() {
        TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 100, now());
        TxnRecord v0 = new TxnRecord(t.rrn(), t.nodeId(), t.type(), t.mti(), t.processingCode(), t.terminalId(), t.merchantId(),
                t.stan(), t.transmissionTime(), t.dupKey(), t.fingerprint(), t.amount(), t.currency(), t.panHash(), t.maskedPan(),
                t.responseCode(), t.reason(), t.authCode(), t.status(), 0, null, null, 0, null, null, null, t.createdAt(), null, 0);
        List<RuntimeException> r = store.apply(List.of(set().txn(v0), set().event(new StatusEvent(null, "x", null, null, null, now()))));
        assertInstanceOf(StoreException.class, r.get(0));
        assertInstanceOf(StoreException.class, r.get(1));
        assertTrue(store.findByRrn(t.rrn()).isEmpty());
    }

    @Test
    void aClosedStoreFailsTheWholeGroupAndIsNotHealthy() {
        assertTrue(store.isHealthy());
        store.close();
        assertFalse(store.isHealthy());
        TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 100, now());
        assertThrows(StoreException.class, () -> store.apply(List.of(set().txn(t))));
        assertThrows(StoreException.class, () -> store.findByRrn(t.rrn()));
    }

    @Test
    void anUnreachableDatabaseIsAStoreExceptionNamingTheUrlWithoutSecrets() {
        StoreException e = assertThrows(StoreException.class,
                () -> JdbcTransactionStore.open("jdbc:postgresql://127.0.0.1:1/none?password=secret", "u", "secret", 1));
        assertTrue(e.getMessage().contains("jdbc:postgresql://127.0.0.1:1/none"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }
}
