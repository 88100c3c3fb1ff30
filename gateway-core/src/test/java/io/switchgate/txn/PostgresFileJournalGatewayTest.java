package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.projection.FileJournal;
import io.switchgate.store.PostgresSupport;
import io.switchgate.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One node on PostgreSQL that says so ({@code store.sharedByNodes: false}): its file journal commits, the PostgreSQL
 * tables are the journal's projection, and no other node may use them meanwhile. Without the word a PostgreSQL store
 * stays the journal (several nodes may share it). Skipped without PostgreSQL unless
 * {@code gateway.test.requirePostgres=true} (CI).
 */
class PostgresFileJournalGatewayTest {
    @TempDir
    Path dir;
    private String schema;
    private String waitBefore;

    @BeforeEach
    void setUp() {
        schema = PostgresSupport.createSchema();
        waitBefore = System.setProperty("gateway.store.claimWaitMillis", "300");
    }

    @AfterEach
    void tearDown() {
        if (waitBefore == null) System.clearProperty("gateway.store.claimWaitMillis");
        else System.setProperty("gateway.store.claimWaitMillis", waitBefore);
        PostgresSupport.dropSchema(schema);
    }

    /** The fixture's configuration on this test's schema; {@code alone}: sharedByNodes: false, said; null: left out. */
    private GatewayConfig config(String journalDir, Boolean alone) {
        GatewayConfig c = EngineFixture.config(PostgresSupport.url(schema));
        GatewayConfig.Store s = c.store();
        GatewayConfig.Store store = new GatewayConfig.Store(s.url(), s.user(), s.password(), 4, false, Boolean.TRUE.equals(alone));
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), store, c.security(), c.merchants(), c.terminals(),
                c.routes(), c.hosts(), c.authorizer(), c.logging(),
                new GatewayConfig.Journal(journalDir == null ? null : dir.resolve(journalDir).toString(), "write"));
    }

    private static TestPos pos(Gateway gw) {
        return new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    @Test
    void aNodeAloneCommitsToItsFileJournalAndThePostgresTablesFollowAcrossARestart() throws Exception {
        List<String> rrns = new ArrayList<>();
        IsoMessage first;
        String firstRrn;
        long balance;
        try (Gateway gw = Gateway.start(config("j1", true), Clock.systemUTC())) {
            FileJournal j = gw.fileJournal();
            assertNotNull(j, "sharedByNodes: false on PostgreSQL: the file journal commits");
            assertEquals(dir.resolve("j1").toAbsolutePath().normalize(), j.options().dir().toAbsolutePath().normalize());
            assertTrue(gw.store().exclusive(), "the node took the tables for itself");
            TestPos pos = pos(gw);
            first = pos.sale(PAN_NOPIN, 100);
            IsoMessage r = pos.send(first);
            assertEquals("00", r.getString(39));
            firstRrn = r.getString(37);
            rrns.add(firstRrn);
            for (int i = 1; i < 40; i++) {
                r = pos.send(pos.sale(PAN_NOPIN, 100 + i));
                assertEquals("00", r.getString(39));
                rrns.add(r.getString(37));
                assertEquals(100 + i, gw.store().findByRrn(r.getString(37)).orElseThrow().amount(), "read-your-writes");
            }
            IsoMessage refund = pos.send(pos.refund(PAN_NOPIN, 30, firstRrn));
            assertEquals("00", refund.getString(39));
            assertTrue(j.durableSequence() >= 41, "every sale and the refund is a journal record: " + j.durableSequence());
            assertTrue(j.awaitCaughtUp(Duration.ofSeconds(10)));
            balance = gw.embeddedCardBalance(PAN_NOPIN);
        }
        try (Gateway gw = Gateway.start(config("j1", true), Clock.systemUTC())) {
            assertEquals(0, gw.fileJournal().lag());
            for (String rrn : rrns) assertTrue(gw.store().findByRrn(rrn).isPresent(), rrn);
            TxnRecord sale = gw.store().findByRrn(firstRrn).orElseThrow();
            assertEquals(30, sale.refundedAmount());
            assertEquals(balance, gw.embeddedCardBalance(PAN_NOPIN));
            IsoMessage again = pos(gw).send(first);
            assertEquals("00", again.getString(39));
            assertEquals(firstRrn, again.getString(37), "a retransmission gets its first answer after the restart");
        }
        // Stopped cleanly, the tables hold every record: nodes may share them from now on.
        try (Gateway gw = Gateway.start(config(null, null), Clock.systemUTC())) {
            assertNull(gw.fileJournal(), "left unsaid, a PostgreSQL store is the journal");
            assertEquals("00", pos(gw).send(pos(gw).sale(PAN_NOPIN, 5)).getString(39));
        }
    }

    /**
     * A black-box audit: an H2 node moved to a new PostgreSQL schema in shared mode, its journal.dir kept, started on
     * empty tables (its sales' retransmissions approved again, their RRNs handed out again). Now refused, naming the
     * directory; the same directory after a node alone on PostgreSQL stopped cleanly (every record in the tables) is
     * no reason to refuse.
     */
    @Test
    void sharedNodesRefuseAJournalDirWithRecordsTheirTablesLack() throws Exception {
        GatewayConfig pg = config("j1", null);
        GatewayConfig h2 = EngineFixture.config("jdbc:h2:file:" + dir.resolve("h2/gw").toAbsolutePath());
        h2 = new GatewayConfig(h2.node(), h2.listeners(), h2.admin(), h2.store(), h2.security(), h2.merchants(),
                h2.terminals(), h2.routes(), h2.hosts(), h2.authorizer(), h2.logging(), pg.journal());
        try (Gateway gw = Gateway.start(h2, Clock.systemUTC())) {
            assertNotNull(gw.fileJournal());
            assertEquals("00", pos(gw).send(pos(gw).sale(PAN_NOPIN, 10)).getString(39));
        }
        StoreException refused = assertThrows(StoreException.class, () -> Gateway.start(pg, Clock.systemUTC()));
        assertTrue(refused.getMessage().contains("journal.dir " + dir.resolve("j1").toAbsolutePath().normalize()), refused.getMessage());
        assertTrue(refused.getMessage().contains("lack"), refused.getMessage());

        try (Gateway gw = Gateway.start(config("j2", true), Clock.systemUTC())) {
            assertEquals("00", pos(gw).send(pos(gw).sale(PAN_NOPIN, 10)).getString(39));
        }
        try (Gateway gw = Gateway.start(config("j2", null), Clock.systemUTC())) {
            assertNull(gw.fileJournal());
            assertEquals("00", pos(gw).send(pos(gw).sale(PAN_NOPIN, 5)).getString(39));
        }
    }

    @Test
    void whileANodeAloneRunsNeitherAnotherNodeAloneNorASharingNodeMayStart() throws Exception {
        try (Gateway gw = Gateway.start(config("j1", true), Clock.systemUTC())) {
            assertEquals("00", pos(gw).send(pos(gw).sale(PAN_NOPIN, 10)).getString(39));
            StoreException alone = assertThrows(StoreException.class, () -> Gateway.start(config("j2", true), Clock.systemUTC()));
            assertTrue(alone.getMessage().contains("is in use by another gateway node"), alone.getMessage());
            StoreException shared = assertThrows(StoreException.class, () -> Gateway.start(config(null, null), Clock.systemUTC()));
            assertTrue(shared.getMessage().contains("commits to its own file journal"), shared.getMessage());
            assertEquals("00", pos(gw).send(pos(gw).sale(PAN_NOPIN, 10)).getString(39), "the node alone goes on");
        }
    }

    @Test
    void whileSharingNodesRunANodeAloneMayNotStart() throws Exception {
        try (Gateway shared = Gateway.start(config(null, null), Clock.systemUTC())) {
            assertNull(shared.fileJournal());
            StoreException e = assertThrows(StoreException.class, () -> Gateway.start(config("j1", true), Clock.systemUTC()));
            assertTrue(e.getMessage().contains("is in use by another gateway node"), e.getMessage());
        }
    }
}
