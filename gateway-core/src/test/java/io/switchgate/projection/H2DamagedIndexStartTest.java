package io.switchgate.projection;

import io.switchgate.journal.Durability;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalWriter;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.H2Damage;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.TransactionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start after a kill that left an H2 index short of rows (seen once in the kill tests: the gateway did not come
 * back, though its journal held every record). The start's recovery meets the damage, the index is rebuilt, recovery
 * runs again, and the tables end as if nothing had happened.
 */
class H2DamagedIndexStartTest {
    @TempDir
    Path dir;

    private String url() {
        // A short lock timeout: H2 reports the damage only after retrying for it (10 s as shipped).
        return "jdbc:h2:file:" + dir.resolve("gw") + ";LOCK_TIMEOUT=300";
    }

    private JournalOptions journalOptions() {
        return new JournalOptions(dir.resolve("journal"), Durability.WRITE, 64 << 10);
    }

    private TransactionStore openStore() {
        JdbcTransactionStore s = JdbcTransactionStore.open(url(), "sa", "", 2);
        s.migrate();
        return s;
    }

    /**
     * The same damage met by the running projection (a write must change a row the index lacks): the tailer has the
     * store mend it and goes on, instead of falling behind until a restart.
     */
    /** The tables hold exactly what applying every part in order to a fresh store gives. */
    @SafeVarargs
    private static void assertSameRowsAsApplied(ChangeSetHistory history, TransactionStore tables, List<ChangeSet>... parts) {
        try (TransactionStore direct = JdbcTransactionStore.open("jdbc:h2:mem:direct-" + System.nanoTime(), "sa", "", 2)) {
            direct.migrate();
            for (List<ChangeSet> part : parts) {
                for (int i = 0; i < part.size(); i += 100) {
                    for (RuntimeException e : direct.apply(part.subList(i, Math.min(part.size(), i + 100)))) assertNull(e);
                }
            }
            StoreComparison.assertSameRows(history, direct, tables);
        }
    }

    @Test
    void theRunningProjectionThatMeetsAnIndexShortOfRowsRebuildsItAndGoesOn() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(12);
        List<ChangeSet> first = history.next(400);
        List<ChangeSet> second = history.next(400);
        String file = "jdbc:h2:file:" + dir.resolve("gw");
        try (JournalWriter journal = JournalWriter.open(journalOptions(), durable -> { });
             TransactionStore store = openStore()) {
            ProjectionContract.journal(journal, first);
            ProjectionTailer tailer = new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, store, 100,
                    java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1), java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
            try {
                tailer.catchUp();
                // The damage, done to the open database (the same one in this process).
                assertTrue(H2Damage.loseRows(file, "TRANSACTIONS", "IX_TRANSACTIONS_TERMINAL_STAN") > 100);
                tailer.start();
                long last = ProjectionContract.journal(journal, second);
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (tailer.appliedSequence() < last && System.nanoTime() < deadline) Thread.sleep(20);
                assertEquals(last, store.projectedSequence(), "every record in the tables, without a restart: "
                        + tailer.failure());
            } finally {
                tailer.close();
            }
            assertSameRowsAsApplied(history, store, first, second);
            java.util.Map<String, Long> entries = H2Damage.entries(file, "TRANSACTIONS");
            long rows = entries.get("rows");
            assertEquals(history.txns.size(), rows);
            entries.forEach((index, n) -> assertEquals(rows, n, index + " entries"));
        }
    }

    @Test
    void recoveryThatMeetsAnIndexShortOfRowsRebuildsItAndAppliesEveryRecord() throws Exception {
        ChangeSetHistory history = new ChangeSetHistory(11);
        List<ChangeSet> first = history.next(400);
        List<ChangeSet> second = history.next(400);

        // The first part journaled and projected, the tables saved whole.
        long last;
        try (JournalWriter journal = JournalWriter.open(journalOptions(), durable -> { })) {
            long projected = ProjectionContract.journal(journal, first);
            try (TransactionStore store = openStore()) {
                new ProjectionTailer(dir.resolve("journal"), journal::durableSequence, store, 100).catchUp();
                assertEquals(projected, store.saveProjection());
            }
            // The second part journaled; the process is killed before the projection writes it.
            last = ProjectionContract.journal(journal, second);
        }
        // What the kill left in the H2 file: two of the transactions table's indexes lost rows the table still has. The
        // catch-up's writes meet one of them; the other (the start's 24-hour scan reads it) only a scan would notice.
        String file = "jdbc:h2:file:" + dir.resolve("gw");
        assertTrue(H2Damage.loseRows(file, "TRANSACTIONS", "IX_TRANSACTIONS_TERMINAL_STAN") > 100);
        assertTrue(H2Damage.loseRows(file, "TRANSACTIONS", "IX_TRANSACTIONS_RECENT") > 100);
        assertTrue(H2Damage.entries(file, "TRANSACTIONS").get("IX_TRANSACTIONS_RECENT") == 1, "the damage is there");

        try (TransactionStore reopened = openStore()) {
            FileJournal journal = FileJournal.open(journalOptions(), reopened);
            try {
                assertEquals(last, reopened.projectedSequence(), "every journaled record is in the tables");
            } finally {
                journal.close();
            }
            assertSameRowsAsApplied(history, reopened, first, second);
            // The pool's connections wait as configured again (recovery shortened their lock timeout).
            DataSourceCheck.assertEveryConnection(((JdbcTransactionStore) reopened).dataSource(), 2, c -> {
                try (var rs = c.createStatement().executeQuery("CALL LOCK_TIMEOUT()")) {
                    assertTrue(rs.next());
                    assertEquals(300, rs.getInt(1), "lock timeout after recovery");
                }
            });
            // Every row of the table can be written again: no index is short of one any more.
            try (Connection c = ((JdbcTransactionStore) reopened).dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE transactions SET version = version WHERE rrn = ?")) {
                for (String rrn : history.txns.keySet()) {
                    ps.setString(1, rrn);
                    assertEquals(1, ps.executeUpdate(), rrn);
                }
            }
        }
        // Every index of the table holds every row again, the ones no write met included.
        java.util.Map<String, Long> entries = H2Damage.entries(file, "TRANSACTIONS");
        long rows = entries.get("rows");
        assertEquals(history.txns.size(), rows);
        entries.forEach((index, n) -> assertEquals(rows, n, index + " entries"));
        assertEquals(6, entries.size(), "the table's data, its primary key and its four indexes: " + entries.keySet());
    }
}
