package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.journal.FaultyChannels;
import io.switchgate.model.TxnRecord;
import io.switchgate.projection.FileJournal;
import io.switchgate.route.AuthorizerFactory;
import io.switchgate.store.BootId;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One node on an H2 file: the file journal is the commit point and the tables its projection. What a terminal saw
 * approved is found by every reader at once, after a restart, after the projection failed for a while, and after the
 * process stopped with the tables behind the journal; a journal whose disk fails stops for good and answers 96.
 */
class FileJournalGatewayTest {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("db").resolve("gateway").toAbsolutePath();
    }

    private GatewayConfig config(String durability) {
        GatewayConfig c = EngineFixture.config(url());
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(), c.terminals(),
                c.routes(), c.hosts(), c.authorizer(), c.logging(), new GatewayConfig.Journal(null, durability));
    }

    private static TestPos pos(Gateway gw) {
        return new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "sa", ""); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "sa", ""); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(query)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    @Test
    void aJournaledSaleIsInTheJournalBesideTheDatabaseAndEveryReaderFindsItAtOnce() throws Exception {
        List<String> rrns = new ArrayList<>();
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            FileJournal j = gw.fileJournal();
            assertNotNull(j, "an H2 file store on one node commits into the file journal");
            assertEquals(dir.resolve("db").resolve("journal").toAbsolutePath().normalize(), j.options().dir());
            TestPos pos = pos(gw);
            for (int i = 0; i < 50; i++) {
                IsoMessage r = pos.send(pos.sale(PAN_NOPIN, 100 + i));
                assertEquals("00", r.getString(39));
                rrns.add(r.getString(37));
                // read-your-writes: the answer left, so every reader finds the sale, whatever the tailer's pace
                assertEquals(100 + i, gw.store().findByRrn(r.getString(37)).orElseThrow().amount());
            }
            assertTrue(j.durableSequence() >= 50, "each sale is a journal record: " + j.durableSequence());
            try (Stream<Path> files = Files.list(j.options().dir())) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".journal")), "segment files in the journal directory");
            }
        }
        // Restarted: everything there, a retransmission answered as it was.
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            // loaded by the start, before any request: not by the first one, on its event loop (a black-box audit)
            assertTrue(gw.engine().workingSetLoaded(), "the working set is loaded when the start returns");
            for (String rrn : rrns) assertTrue(gw.store().findByRrn(rrn).isPresent(), rrn);
            assertEquals(0, gw.fileJournal().lag());
        }
    }

    /** A 95 repeated after its batch was settled and the gateway restarted carries that batch's totals, read from the tables. */
    @Test
    void aNinetyFiveRepeatedAfterItsBatchSettledAndARestartCarriesThatBatchsTotals() throws Exception {
        IsoMessage badTotals;
        IsoMessage wrong;
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 700)).getString(39));
            badTotals = pos.settlement(1, 1, 0, 0);
            wrong = pos.send(badTotals);
            assertEquals("95", wrong.getString(39));
            assertEquals("00", pos.send(pos.settlement(1, 700, 0, 0)).getString(39));
        }
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            IsoMessage again = pos(gw).send(badTotals.copy());
            assertEquals("95", again.getString(39));
            assertEquals(wrong.getString(37), again.getString(37));
            for (int f : new int[]{74, 76, 86, 88}) assertEquals(wrong.getString(f), again.getString(f), "DE " + f);
        }
    }

    /**
     * A journal directory and a store restored from different backups (or another run's journal put beside these
     * tables): both histories count from sequence 1, so only the records' contents tell them apart. Recovery wrote the
     * other history over the tables (a black-box audit: an approved sale showed another amount, every balance was off);
     * now the start is refused, naming the record that differs, and the tables are left as they were.
     */
    @Test
    void aJournalOfAnotherHistoryBesideTheTablesIsRefusedAndChangesNothing(@TempDir Path other) throws Exception {
        List<String> rrns = new ArrayList<>();
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            for (int i = 0; i < 20; i++) rrns.add(pos.send(pos.sale(PAN_NOPIN, 100 + i)).getString(37));
        }
        GatewayConfig c = config("write");
        GatewayConfig elsewhere = new GatewayConfig(c.node(), c.listeners(), c.admin(), new GatewayConfig.Store(
                "jdbc:h2:file:" + other.resolve("db").resolve("gateway").toAbsolutePath(), "sa", "", 2), c.security(),
                c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging(), c.journal());
        try (Gateway gw = Gateway.start(elsewhere, Clock.systemUTC())) {
            TestPos pos = pos(gw);
            for (int i = 0; i < 40; i++) pos.send(pos.sale(PAN_NOPIN, 7_000 + i)); // the same RRNs, other amounts
        }
        Path journal = dir.resolve("db").resolve("journal");
        try (Stream<Path> files = Files.walk(journal)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
        try (Stream<Path> files = Files.walk(other.resolve("db").resolve("journal"))) {
            for (Path f : files.toList()) {
                Path to = journal.resolve(other.resolve("db").resolve("journal").relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else if (!f.getFileName().toString().equals("journal.lock")) Files.copy(f, to);
            }
        }
        StoreException refused = assertThrows(StoreException.class, () -> Gateway.start(config("write"), Clock.systemUTC()).close());
        assertTrue(refused.getMessage().contains("is not the one the tables were projected from"), refused.getMessage());
        assertFalse(refused.getMessage().contains(PAN_NOPIN), "no PAN in the message");
        try (JdbcTransactionStore tables = JdbcTransactionStore.open(url(), "sa", "", 1)) {
            for (int i = 0; i < rrns.size(); i++) {
                assertEquals(100 + i, tables.findByRrn(rrns.get(i)).orElseThrow().amount(), "the tables were left alone");
            }
        }
    }

    @Test
    void aLoneRequestWithWriteDurabilityIsAnsweredOnTheCallersThread() throws Exception {
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39)); // the engine has loaded its working set
            long balance = gw.embeddedCardBalance(PAN_NOPIN);
            int answeredOnReturn = 0;
            for (int i = 0; i < 50; i++) {
                java.util.concurrent.CompletableFuture<byte[]> f = gw.handle(pos.pack(pos.sale(PAN_NOPIN, 100)), "pos");
                if (f.isDone()) answeredOnReturn++; // decided, journaled and released here: no thread was woken
                assertEquals("00", TestPos.D.unpack(f.get(10, java.util.concurrent.TimeUnit.SECONDS)).getString(39));
            }
            // Not all 50 for sure: a thread that was just woken may not be parked again yet when the next one comes.
            assertTrue(answeredOnReturn >= 40, "answered before handle returned: " + answeredOnReturn + " of 50");
            assertEquals(balance - 50 * 100, gw.embeddedCardBalance(PAN_NOPIN));
        }
    }

    @Test
    void answersGoOnWhileTheProjectionFailsAndTheTablesCatchUpOnceItWorks() throws Exception {
        try (Gateway gw = Gateway.start(config("fsync"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
            List<String> rrns = new ArrayList<>();
            withTheTransactionsTableAway(() -> {
                for (int i = 0; i < 20; i++) {
                    IsoMessage r = pos.send(pos.sale(PAN_NOPIN, 200 + i));
                    assertEquals("00", r.getString(39), "the journal, not the tables, is the commit point");
                    rrns.add(r.getString(37));
                }
                assertFalse(gw.fileJournal().awaitCaughtUp(Duration.ofMillis(300)), "the tables cannot take the records now");
                assertTrue(gw.fileJournal().lag() >= 20, "lag " + gw.fileJournal().lag());
                assertNotNull(gw.fileJournal().problem(), "the failing projection is reported");
                assertFalse(gw.fileJournal().stopped(), "answers go on");
            });
            assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(30)), "the tailer retries and catches up");
            for (String rrn : rrns) assertTrue(gw.store().findByRrn(rrn).isPresent(), rrn);
            assertNull(gw.fileJournal().problem());
        }
    }

    /**
     * A terminal that reused a STAN (its counter reset): the reversal naming the older request by STAN and DE 7 finds it
     * in the working set while the tables do not hold it yet. A black-box audit over the wire: 25 ORIGINAL_NOT_FOUND,
     * the card stayed charged and the batch counted the sale, because only the newest request with the STAN was
     * looked at in memory and the rest were read from tables 50 ms behind the journal.
     */
    @Test
    void aReversalNamingTheOlderOfTwoRequestsWithOneStanFindsItBeforeTheTablesDo() throws Exception {
        System.setProperty("gateway.projection.lingerMillis", "60000"); // the tables stay behind until asked
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            long opening = gw.embeddedCardBalance(PAN_NOPIN);
            String stan = TestPos.nextStan();
            IsoMessage older = pos.send(pos.sale(PAN_NOPIN, 800).set(11, stan).set(7, "0103101010"));
            assertEquals("00", older.getString(39));
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 900).set(11, stan).set(7, "0104101010")).getString(39));
            assertTrue(gw.fileJournal().lag() >= 2, "the tables are behind: lag " + gw.fileJournal().lag());
            IsoMessage rev = pos.reversal(pos.sale(PAN_NOPIN, 800)).set(11, TestPos.nextStan());
            rev.set(90, "0200" + stan + "0103101010" + "0".repeat(22));
            rev.set(7, "0105101010"); // sent after both (a reversal naming a request sent after it is not its)
            IsoMessage r = pos.send(rev);
            assertEquals("00", r.getString(39), r.getString(44));
            assertEquals(opening - 900, gw.embeddedCardBalance(PAN_NOPIN), "only the newer sale stays charged");
            assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(90)));
            assertEquals(io.switchgate.model.TxnStatus.REVERSED,
                    gw.store().findByRrn(older.getString(37)).orElseThrow().status(), "the older sale is reversed");
        } finally {
            System.clearProperty("gateway.projection.lingerMillis");
        }
    }

    /**
     * A request the engine fails on (here a read of a table that is gone) drops the working set; the rows it reloads
     * must be the newest, not the tables' older versions while the projection is behind: a card reloaded before its
     * journaled debits reach the tables would be debited again from the old balance, and the money of those sales
     * would come back to it (a kill test saw a card one sale richer than its transactions). So the next request waits
     * for the tables, and is refused if they cannot catch up; once they can, it is decided on the newest balance.
     */
    @Test
    void aFailedRequestWhileTheTablesAreBehindNeverTakesBackAJournaledDebit() throws Exception {
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
            long opening = gw.embeddedCardBalance(PAN_NOPIN);
            withTheTransactionsTableAway(() -> {
                for (int i = 0; i < 5; i++) assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 100)).getString(39));
                // the sale it names is read from the tables, which cannot answer now: the engine fails this request
                IsoMessage failed = pos.send(pos.refund(PAN_NOPIN, 1, "070000999999"));
                assertEquals("96", failed.getString(39), failed.getString(44));
                // the tables still lack the five sales: no balance is read from them, the sale is refused
                IsoMessage refused = pos.send(pos.sale(PAN_NOPIN, 100));
                assertEquals("96", refused.getString(39), "decided on a balance without the five sales: " + refused.getString(44));
            });
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 100)).getString(39), "decided once the tables caught up");
            assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(30)), "the tailer catches up");
            assertEquals(opening - 600, gw.embeddedCardBalance(PAN_NOPIN), "six sales of 100, none taken back");
        }
    }

    @Test
    void aStopWithTheTablesBehindTheJournalIsMadeGoodByTheNextStart() throws Exception {
        List<String> rrns = new ArrayList<>();
        long card;
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            card = gw.embeddedCardBalance(PAN_NOPIN); // read once the tables have everything
            sql("ALTER TABLE transactions RENAME TO transactions_away");
            for (int i = 0; i < 30; i++) {
                IsoMessage r = pos.send(pos.sale(PAN_NOPIN, 1_000));
                assertEquals("00", r.getString(39));
                rrns.add(r.getString(37));
            }
            card -= 30 * 1_000;
        } // the last catch-up at close fails too: the tables lack the 30 sales, and the card's debits with them
        sql("ALTER TABLE transactions_away RENAME TO transactions");
        try (JdbcTransactionStore tables = JdbcTransactionStore.open(url(), "sa", "", 1)) {
            for (String rrn : rrns) assertTrue(tables.findByRrn(rrn).isEmpty(), "the test needs the tables behind: " + rrn);
        }
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            for (String rrn : rrns) {
                TxnRecord t = gw.store().findByRrn(rrn).orElseThrow(() -> new AssertionError("lost " + rrn));
                assertEquals(1_000, t.amount());
            }
            assertEquals(card, gw.embeddedCardBalance(PAN_NOPIN));
            // and a retransmission of one of them is its first answer, not a second sale
            TestPos pos = pos(gw);
            TxnRecord first = gw.store().findByRrn(rrns.get(3)).orElseThrow();
            IsoMessage again = pos.financial("000000", PAN_NOPIN, 1_000, first.stan());
            assertEquals(rrns.get(3), pos.send(again).getString(37));
            assertEquals(card, gw.embeddedCardBalance(PAN_NOPIN));
        }
    }

    /**
     * A flipped bit near the end of the journal looks like a torn write, but the tables hold the records after it, so
     * they were durable: the start refuses, names the damage, and cuts nothing (the records stay readable by hand).
     */
    @Test
    void damageBelowWhatTheTablesHoldRefusesTheStartAndCutsNothing() throws Exception {
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            for (int i = 0; i < 30; i++) assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 100 + i)).getString(39));
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir.resolve("db").resolve("journal"))) {
            segment = files.filter(p -> p.getFileName().toString().endsWith(".journal")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) end--;
        bytes[end - 200] ^= 0x10; // inside one of the last records: well within one batch of the tail
        Files.write(segment, bytes);
        StoreException e = assertThrows(StoreException.class, () -> Gateway.start(config("write"), Clock.systemUTC()).close());
        assertTrue(e.getMessage().contains("nothing was cut") && e.getMessage().contains(segment.toString()), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(segment), "the journal is as the damage left it");
    }

    /**
     * H2 writes its pages in the background; a kill in the middle of a projection commit can leave the mark moved but
     * not every row of that batch in the file (seen for the H2 journal log's commits; see H2JournalLogRecoveryTest). The
     * next start writes the rows of the tables' last batch again: nothing is lost and nothing counts twice.
     */
    @Test
    void aMarkWrittenWithoutEveryRowOfItsBatchIsMadeWholeByTheNextStart() throws Exception {
        List<String> rrns = new ArrayList<>();
        long card;
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            for (int i = 0; i < 5; i++) {
                IsoMessage r = pos.send(pos.sale(PAN_NOPIN, 1_000));
                assertEquals("00", r.getString(39));
                rrns.add(r.getString(37));
            }
            card = gw.embeddedCardBalance(PAN_NOPIN); // read once the tables have everything
        }
        String last = rrns.get(rrns.size() - 1);
        try (JdbcTransactionStore tables = JdbcTransactionStore.open(url(), "sa", "", 1)) {
            assertEquals(tables.projectedSequence() + 1, tables.projectedBatchFrom(), "a clean stop leaves nothing to write again");
        }
        // what the file would hold after a kill in the middle of the last batch's commit (the five sales): the mark
        // moved, and the batch's last sale and the card's last debit not written
        sql("UPDATE projection_mark SET batch_from = seq - 4 WHERE id = 1");
        sql("DELETE FROM transactions WHERE rrn = '" + last + "'");
        sql("UPDATE cards SET balance = balance + 1000, version = version - 1 WHERE masked_pan LIKE '621234%' AND balance = " + card);
        try (JdbcTransactionStore tables = JdbcTransactionStore.open(url(), "sa", "", 1)) {
            assertTrue(tables.findByRrn(last).isEmpty(), "the test needs the row gone");
        }
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            for (String rrn : rrns) assertEquals(1_000, gw.store().findByRrn(rrn).orElseThrow(() -> new AssertionError("lost " + rrn)).amount());
            assertEquals(card, gw.embeddedCardBalance(PAN_NOPIN), "the card's last debit is back, once");
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 500)).getString(39)); // and the card goes on from there
            assertEquals(card - 500, gw.embeddedCardBalance(PAN_NOPIN));
        }
    }

    /**
     * A kill can cost an H2 file rows of any projection commit since it was last saved whole, not only of the last
     * one: the mark's batch_from stays at the first record after the last save while batches land, and the next start
     * writes every record from there again. Here the file lost the row of the first of five batches since the save.
     */
    @Test
    void aStartWritesAgainEveryRecordSinceTheLastSaveNotOnlyTheLastBatch() throws Exception {
        List<String> rrns = new ArrayList<>();
        long card;
        long savedFrom;
        System.setProperty("gateway.projection.saveSeconds", "3600"); // no save during the test but the clean stop's
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
            savedFrom = count("SELECT batch_from FROM projection_mark WHERE id = 1");
            for (int i = 0; i < 5; i++) {
                IsoMessage r = pos.send(pos.sale(PAN_NOPIN, 1_000));
                assertEquals("00", r.getString(39));
                rrns.add(r.getString(37));
                assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10))); // one projection commit each
            }
            assertEquals(savedFrom, count("SELECT batch_from FROM projection_mark WHERE id = 1"),
                    "batches since the last save leave where it began");
            card = gw.embeddedCardBalance(PAN_NOPIN);
        } finally {
            System.clearProperty("gateway.projection.saveSeconds");
        }
        // the file as a kill would leave it: not saved since, and the first of the five batches' row not written
        sql("UPDATE projection_mark SET batch_from = " + savedFrom + ", unforced_from = NULL WHERE id = 1");
        sql("DELETE FROM transactions WHERE rrn = '" + rrns.get(0) + "'");
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            for (String rrn : rrns) assertEquals(1_000, gw.store().findByRrn(rrn).orElseThrow(() -> new AssertionError("lost " + rrn)).amount());
            assertEquals(card, gw.embeddedCardBalance(PAN_NOPIN));
        }
        try (JdbcTransactionStore tables = JdbcTransactionStore.open(url(), "sa", "", 1)) {
            assertEquals(tables.projectedSequence() + 1, tables.projectedBatchFrom(), "a clean stop saves the tables whole");
        }
    }

    /**
     * The running gateway saves the tables now and then, so a start after a crash has only the records since to
     * rewrite: unforced, in both durabilities, and marked with the system's boot, so that it counts after a kill and
     * not after a power loss (whose start takes the last forced save's mark, which these leave alone).
     */
    @ParameterizedTest
    @ValueSource(strings = {"write", "fsync"})
    void theRunningGatewaySavesTheTablesSoAStartAfterAKillRewritesFewRecords(String durability) throws Exception {
        String boot = BootId.current().orElse(null);
        assumeTrue(boot != null, "the system does not say which boot it is in: unforced saves record nothing");
        System.setProperty("gateway.projection.saveSeconds", "1");
        try (Gateway gw = Gateway.start(config(durability), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            for (int i = 0; i < 5; i++) assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 100)).getString(39));
            assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
            long mark = gw.fileJournal().projectedSequence();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (count("SELECT COALESCE(unforced_from, 0) FROM projection_mark WHERE id = 1") <= mark && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(mark + 1, count("SELECT unforced_from FROM projection_mark WHERE id = 1"),
                    "saved within a second or so: nothing up to the mark to rewrite after a kill");
            assertEquals(1, count("SELECT COUNT(*) FROM projection_mark WHERE unforced_boot = '" + boot + "'"));
            assertEquals(1, count("SELECT batch_from FROM projection_mark WHERE id = 1"),
                    "the forced saves' mark stays at the first record (set by the first batch): an unforced save does not move it");
        } finally {
            System.clearProperty("gateway.projection.saveSeconds");
        }
    }

    @Test
    void aProjectionTooFarBehindRefusesNewRequestsWith91UntilItCatchesUp() throws Throwable {
        // The limit is 20,000 records in production; 20 here, so that a stalled projection reaches it in a test. A
        // request then waits for the projection (the hold, 300 ms here) before its 91.
        withLagLimit20("300", () -> {
            try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
                TestPos pos = pos(gw);
                long opening = gw.embeddedCardBalance(PAN_NOPIN);
                IsoMessage first = pos.send(pos.sale(PAN_NOPIN, 10));
                assertEquals("00", first.getString(39));
                assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
                sql("ALTER TABLE transactions RENAME TO transactions_away");
                IsoMessage refused;
                int approvedBeforeRefusal;
                try {
                    int approved = 0;
                    IsoMessage r;
                    long sent;
                    do { // every answer is journaled, so the lag grows by one record per request
                        sent = System.nanoTime();
                        r = pos.send(pos.sale(PAN_NOPIN, 100));
                        if ("00".equals(r.getString(39))) approved++;
                    } while ("00".equals(r.getString(39)) && approved < 100);
                    refused = r;
                    assertTrue(System.nanoTime() - sent >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300),
                            "it waited for the projection first");
                    assertEquals("91", refused.getString(39), "refused once the tables are too far behind, after " + approved);
                    assertEquals("PROJECTION_BEHIND", refused.getString(44));
                    assertTrue(approved >= 20, "approved up to the limit: " + approved);
                    assertEquals("91", pos.send(pos.sale(PAN_NOPIN, 100)).getString(39), "and the next one too");
                    // MACed under the terminal's TAK like any response to it (an audit saw these 91s without DE 64)
                    TestPos maced = new TestPos(gw, "TERM0001", MERCHANT, TAK1, TPK1);
                    byte[] raw = gw.handle(maced.pack(maced.withPin(maced.sale(PAN, 100), "1234")), "pos").join();
                    assertEquals("PROJECTION_BEHIND", TestPos.D.unpack(raw).getString(44));
                    assertTrue(maced.responseMacValid(raw), "the 91 MACed under the TAK");
                    approvedBeforeRefusal = approved;
                } finally {
                    sql("ALTER TABLE transactions_away RENAME TO transactions");
                }
                assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(30)), "the tailer retries and catches up");
                IsoMessage again = pos.send(pos.sale(PAN_NOPIN, 100));
                assertEquals("00", again.getString(39), "served again once the tables follow");
                assertTrue(gw.store().findByRrn(again.getString(37)).isPresent());
                assertEquals(opening - 10 - 100L * approvedBeforeRefusal - 100, gw.embeddedCardBalance(PAN_NOPIN),
                        "the refused sales moved no money");
            }
        });
    }

    /** A sale answered at once (approvedBefore of them), then one held for the projection: its answer, not done. */
    private record HeldSale(java.util.concurrent.CompletableFuture<byte[]> answer, int approvedBefore) { }

    /**
     * With the tables stalled (the caller renamed one away) and the lag limit at 20, sends sales until one is held for
     * the projection rather than answered within 2 s.
     */
    private static HeldSale saleHeldForTheProjection(Gateway gw, TestPos pos) throws Exception {
        int approved = 0;
        while (true) { // answered at once up to the lag limit, then one waits
            java.util.concurrent.CompletableFuture<byte[]> answer = gw.handle(pos.pack(pos.sale(PAN_NOPIN, 100)), "pos");
            try {
                assertEquals("00", TestPos.D.unpack(answer.get(2, java.util.concurrent.TimeUnit.SECONDS)).getString(39));
                approved++;
                assertTrue(approved < 100, "the lag limit never held a request");
            } catch (java.util.concurrent.TimeoutException held) {
                assertTrue(approved >= 20, "answered at once up to the limit: " + approved);
                return new HeldSale(answer, approved);
            }
        }
    }

    /** Runs {@code test} with the lag limit at 20 records (20,000 in production) and requests held up to {@code holdMillis}. */
    private static void withLagLimit20(String holdMillis, org.junit.jupiter.api.function.Executable test) throws Throwable {
        System.setProperty(EngineState.PROJECTION_LAG_LIMIT_PROPERTY, "20");
        System.setProperty(ProjectionHold.HOLD_PROPERTY, holdMillis);
        try {
            test.execute();
        } finally {
            System.clearProperty(EngineState.PROJECTION_LAG_LIMIT_PROPERTY);
            System.clearProperty(ProjectionHold.HOLD_PROPERTY);
        }
    }

    @Test
    void aRequestArrivingWhileTheProjectionIsTooFarBehindWaitsAndIsAnsweredOnceItCatchesUp() throws Throwable {
        withLagLimit20("30000", () -> {
            try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
                TestPos pos = pos(gw);
                long opening = gw.embeddedCardBalance(PAN_NOPIN);
                assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
                assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
                sql("ALTER TABLE transactions RENAME TO transactions_away");
                HeldSale held;
                java.util.concurrent.CompletableFuture<byte[]> behindIt;
                try {
                    held = saleHeldForTheProjection(gw, pos);
                    behindIt = gw.handle(pos.pack(pos.sale(PAN_NOPIN, 100)), "pos");
                    Thread.sleep(300);
                    assertFalse(held.answer().isDone(), "waits while the tables cannot follow");
                    assertFalse(behindIt.isDone(), "and the next one behind it");
                } finally {
                    sql("ALTER TABLE transactions_away RENAME TO transactions");
                }
                IsoMessage first = TestPos.D.unpack(held.answer().get(30, java.util.concurrent.TimeUnit.SECONDS));
                IsoMessage second = TestPos.D.unpack(behindIt.get(30, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals("00", first.getString(39), "answered once the projection caught up, not refused");
                assertEquals("00", second.getString(39));
                assertTrue(first.getString(37).compareTo(second.getString(37)) < 0, "decided in the order they came");
                assertEquals(opening - 10 - 100L * (held.approvedBefore() + 2), gw.embeddedCardBalance(PAN_NOPIN));
                assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
                assertTrue(gw.store().findByRrn(second.getString(37)).isPresent());
            }
        });
    }

    @Test
    void requestsWaitingForTheProjectionAreAnswered91GatewayStoppingWhenTheGatewayStops() throws Throwable {
        withLagLimit20("30000", () -> {
            long opening;
            HeldSale held;
            Gateway gw = Gateway.start(config("write"), Clock.systemUTC());
            Thread closer;
            try {
                TestPos pos = pos(gw);
                opening = gw.embeddedCardBalance(PAN_NOPIN);
                assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
                assertTrue(gw.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
                sql("ALTER TABLE transactions RENAME TO transactions_away");
                try {
                    held = saleHeldForTheProjection(gw, pos);
                    closer = new Thread(gw::close, "test-close");
                    closer.start();
                    // long before the 30 s hold ends: the stop answers what waits
                    IsoMessage answer = TestPos.D.unpack(held.answer().get(5, java.util.concurrent.TimeUnit.SECONDS));
                    assertEquals("91", answer.getString(39));
                    assertEquals("GATEWAY_STOPPING", answer.getString(44));
                    assertNull(answer.getString(38), "no approval code on a refusal");
                } finally {
                    sql("ALTER TABLE transactions_away RENAME TO transactions"); // the close's last catch-up may finish
                }
            } catch (Throwable t) {
                gw.close();
                throw t;
            }
            closer.join(60_000);
            assertFalse(closer.isAlive(), "the gateway stopped");
            try (Gateway again = Gateway.start(config("write"), Clock.systemUTC())) {
                assertEquals(opening - 10 - 100L * held.approvedBefore(), again.embeddedCardBalance(PAN_NOPIN),
                        "the sale refused at the stop moved no money");
                assertTrue(again.fileJournal().awaitCaughtUp(Duration.ofSeconds(10)));
                assertEquals(1 + held.approvedBefore(), count("SELECT COUNT(*) FROM transactions WHERE txn_type = 'SALE'"
                        + " AND response_code = '00'"), "and was not journaled as an approved sale");
            }
        });
    }

    @Test
    void aFailedForceStopsTheJournalForGoodAndEveryAnswerIs96() {
        FaultyChannels disk = new FaultyChannels();
        IsoMessage refused;
        String refusedRrn;
        try (Gateway gw = Gateway.start(config("fsync"), Clock.systemUTC(), AuthorizerFactory.NONE, disk)) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            disk.failForces = true;
            IsoMessage sale = pos.sale(PAN_NOPIN, 20);
            IsoMessage r = pos.send(sale);
            assertEquals("96", r.getString(39));
            assertEquals("JOURNAL_UNAVAILABLE", r.getString(44));
            refused = sale.copy();
            refusedRrn = r.getString(37);
            disk.failForces = false; // the disk "recovers": the journal does not retry (the kernel may have dropped the pages)
            assertEquals("96", pos.send(pos.sale(PAN_NOPIN, 30)).getString(39));
            assertEquals("96", pos.send(sale).getString(39), "a retransmission is not approved either");
            assertTrue(gw.fileJournal().stopped());
            assertTrue(gw.fileJournal().problem().contains("journal stopped"), gw.fileJournal().problem());
        }
        // After a restart the journal recovers what was durable, and the refused sale was never approved: its record
        // reached the disk (only the force failed) and came back approved, the card charged for a sale answered 96 (an
        // embedding audit), until the stop mark had the start cut it.
        try (Gateway gw = Gateway.start(config("fsync"), Clock.systemUTC())) {
            long opening = gw.embeddedCardBalance(PAN_NOPIN);
            assertTrue(gw.store().findByRrn(refusedRrn).isEmpty(), "the sale answered 96 is not there");
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(refused).getString(39), "its retransmission is a new decision");
            assertEquals(opening - 20, gw.embeddedCardBalance(PAN_NOPIN), "charged once, now");
        }
    }

    /**
     * Once the journal has stopped for good nothing can be committed, so no host is asked any more: what it approved
     * would be answered 96 and reversed, a hold on the cardholder's account for nothing (a black-box audit, with the
     * journal's disk full: every host sale approved at the host, answered 96, then reversed).
     */
    @Test
    void aStoppedJournalAsksNoHost() throws Exception {
        FaultyChannels disk = new FaultyChannels();
        ScriptedHost host = new ScriptedHost();
        GatewayConfig c = config("fsync");
        GatewayConfig routed = new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(),
                c.terminals(), List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62", "4"), null, null, null),
                ScriptedHost.NAME)), c.hosts(), c.authorizer(), c.logging(), c.journal());
        try (Gateway gw = Gateway.start(routed, Clock.systemUTC(), (cc, s, st) -> List.of(host), disk)) {
            TestPos pos = pos(gw);
            disk.failForces = true;
            var first = gw.handle(pos.pack(pos.sale(PAN_NOPIN, 10)), "pos");
            host.next().approve();
            IsoMessage r = TestPos.D.unpack(first.get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("96", r.getString(39), "the approval could not be committed");
            assertEquals(1, host.reversedUncommitted.size(), "and is reversed at the host");
            assertTrue(gw.fileJournal().stopped());
            IsoMessage second = TestPos.D.unpack(gw.handle(pos.pack(pos.sale(PAN_NOPIN, 20)), "pos")
                    .get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("96", second.getString(39));
            assertEquals("JOURNAL_UNAVAILABLE", second.getString(44));
            assertEquals(1, host.all.size(), "the host is not asked once the journal has stopped");
        }
    }

    @Test
    void aFailedWriteOnTheCallersThreadAnswers96AndStopsTheJournal() {
        FaultyChannels disk = new FaultyChannels();
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC(), AuthorizerFactory.NONE, disk)) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            long balance = gw.embeddedCardBalance(PAN_NOPIN);
            disk.failWrites = true; // a full disk: a lone request's record is written on this very thread
            IsoMessage sale = pos.sale(PAN_NOPIN, 20);
            IsoMessage r = pos.send(sale);
            assertEquals("96", r.getString(39));
            assertEquals("JOURNAL_UNAVAILABLE", r.getString(44));
            disk.failWrites = false;
            assertEquals("96", pos.send(sale).getString(39), "a retransmission is not approved either");
            assertEquals("96", pos.send(pos.sale(PAN_NOPIN, 30)).getString(39), "stopped for good");
            assertTrue(gw.fileJournal().stopped());
            assertEquals(balance, gw.embeddedCardBalance(PAN_NOPIN), "no money moved");
        }
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 40)).getString(39), "served again after a restart");
        }
    }

    @Test
    void aStoreWhoseTablesAreAheadOfTheJournalIsRefused() throws Exception {
        try (Gateway gw = Gateway.start(config("write"), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
        }
        // Someone pointed the gateway at another journal directory (or emptied this one).
        try (Stream<Path> files = Files.list(dir.resolve("db").resolve("journal"))) {
            for (Path p : files.toList()) Files.delete(p);
        }
        StoreException e = assertThrows(StoreException.class, () -> Gateway.start(config("write"), Clock.systemUTC()).close());
        assertTrue(e.getMessage().contains("journal.dir"), e.getMessage());
    }

    @Test
    void twoGatewaysCannotShareOneJournalDirectory() {
        GatewayConfig a = config("write");
        try (Gateway gw = Gateway.start(a, Clock.systemUTC())) {
            String otherDb = "jdbc:h2:file:" + dir.resolve("other").resolve("gateway").toAbsolutePath();
            GatewayConfig c = EngineFixture.config(otherDb);
            GatewayConfig b = new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(),
                    c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging(),
                    new GatewayConfig.Journal(gw.fileJournal().options().dir().toString(), "write"));
            RuntimeException e = assertThrows(RuntimeException.class, () -> Gateway.start(b, Clock.systemUTC()).close());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39), "the first goes on");
        }
    }

    @Test
    void inMemoryAndSharedStoresKeepTheDatabaseAsTheirJournal() {
        try (Gateway gw = Gateway.start(EngineFixture.config("memory:"), Clock.systemUTC())) {
            assertNull(gw.fileJournal());
        }
        String mem = "jdbc:h2:mem:fj" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (Gateway gw = Gateway.start(EngineFixture.config(mem), Clock.systemUTC())) {
            assertNull(gw.fileJournal());
        }
    }

    /** What a test does while the tables cannot be written or read. */
    private interface WhileAway {
        void run() throws Exception;
    }

    /** Runs {@code body} with the transactions table renamed away (every write and read of it fails), then puts it back. */
    private void withTheTransactionsTableAway(WhileAway body) throws Exception {
        sql("ALTER TABLE transactions RENAME TO transactions_away");
        try {
            body.run();
        } finally {
            sql("ALTER TABLE transactions_away RENAME TO transactions");
        }
    }
}
