package io.switchgate.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static io.switchgate.store.Fixtures.now;
import static io.switchgate.store.Fixtures.rrn;
import static io.switchgate.store.Fixtures.sale;
import static io.switchgate.store.Fixtures.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A save of the H2 tables that was not forced counts at a start in the same boot of the system only (a killed process
 * leaves its pages with the system), never after a power loss or a system crash (another boot), where the last forced
 * save's mark is what the start writes again from.
 */
class UnforcedSaveTest {
    @TempDir
    Path dir;

    private String boot = "boot-A";
    private long seq;

    private JdbcTransactionStore open() {
        JdbcTransactionStore s = JdbcTransactionStore.open("jdbc:h2:file:" + dir.resolve("db"), "sa", "", 2);
        s.migrate();
        s.bootIdForTests(() -> Optional.ofNullable(boot));
        return s;
    }

    /** Three sales as three journal records, projected. */
    private void project(JdbcTransactionStore s) {
        for (int i = 0; i < 3; i++) {
            assertTrue(s.applyProjected(List.of(set().txn(sale(rrn(), "TERM0001", "MERCHANT0000001", "000001", 1, now()))), seq, seq + 1));
            seq++;
        }
    }

    private long column(JdbcTransactionStore s, String name) throws Exception {
        try (Connection c = s.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + name + " FROM projection_mark WHERE id = 1")) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private static void sql(JdbcTransactionStore s, String statement) throws Exception {
        try (Connection c = s.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void anUnforcedSaveCountsInItsOwnBootOnlyAndNeverMovesTheForcedMark() throws Exception {
        try (JdbcTransactionStore s = open()) {
            project(s);
            assertEquals(3, s.saveProjection(true));
            project(s);
            assertEquals(4, s.projectedBatchFrom(), "records 4..6 since the forced save");
            assertEquals(6, s.saveProjection(false));
            assertEquals(7, s.projectedBatchFrom(), "a kill in the same boot: nothing to write again");
            assertEquals(4, column(s, "batch_from"), "the forced mark stays");

            boot = "boot-B";
            assertEquals(4, s.projectedBatchFrom(), "after a power loss the unforced save counts for nothing");
            boot = null;
            assertEquals(4, s.projectedBatchFrom(), "nor where the system does not say which boot it is");
        }
    }

    @Test
    void anUnforcedSaveIsNeverLoweredInItsBootAndReplacedByOneOfANewBoot() throws Exception {
        try (JdbcTransactionStore s = open()) {
            project(s);
            assertEquals(3, s.saveProjection(false));
            assertEquals(4, s.projectedBatchFrom());
            sql(s, "UPDATE projection_mark SET unforced_from = 9 WHERE id = 1"); // a later save's, read after this one's
            s.saveProjection(false);
            assertEquals(9, column(s, "unforced_from"), "a save that read an older mark says less, and is not written");

            boot = "boot-B"; // the boot after a power loss: its first unforced save replaces the old boot's
            project(s);
            assertEquals(6, s.saveProjection(false));
            assertEquals(7, s.projectedBatchFrom());
            boot = null;
            s.saveProjection(false);
            assertEquals(7, column(s, "unforced_from"), "a save made where the boot is unknown records nothing");
        }
    }

    @Test
    void theBootIdIsReadFromItsFileAndNothingWhereItIsMissingOrOdd() throws Exception {
        Path f = dir.resolve("boot_id");
        Files.writeString(f, "962fb599-3e8e-4b52-8b8b-95ceae0df53b\n");
        assertEquals(Optional.of("962fb599-3e8e-4b52-8b8b-95ceae0df53b"), BootId.read(f));
        Files.writeString(f, "  \n");
        assertEquals(Optional.empty(), BootId.read(f));
        Files.writeString(f, "x".repeat(65));
        assertEquals(Optional.empty(), BootId.read(f));
        assertEquals(Optional.empty(), BootId.read(dir.resolve("absent")));
    }
}
