package io.switchgate.server.admin;

import io.switchgate.iso.IsoMessage;
import io.switchgate.journal.FaultyChannels;
import io.switchgate.route.AuthorizerFactory;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One node on an H2 file commits into the file journal: {@code /health} and {@code /metrics} say how far it is durable
 * and how far the tables the API reads follow it, and the API shows an answered sale at once (read-your-writes).
 */
class JournalHealthTest {
    @TempDir
    Path dir;
    OpsFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void healthAndMetricsReportTheJournalAndTheApiShowsWhatWasAnswered() {
        f = new OpsFixture("jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath(), TOKEN);
        assertTrue(Files.isDirectory(dir.resolve("journal")), "the journal beside the database file");
        IsoMessage r = f.send(f.sale("TERM0003", PAN_NOPIN, 1_234));
        assertEquals("00", r.getString(39), r.getString(44));
        // read-your-writes: the transaction is there the moment its answer is
        OpsFixture.Answer txn = f.get("/api/transactions/" + r.getString(37));
        assertEquals(200, txn.status(), txn.body());
        assertEquals(1_234, txn.json().path("amount").asLong(), txn.body());

        OpsFixture.Answer h = f.get("/health");
        assertEquals(200, h.status(), h.body());
        assertEquals("UP", h.json().path("status").asText());
        assertEquals("fsync", h.json().path("journal").path("durability").asText(), h.body());
        assertTrue(h.json().path("journal").path("durableSequence").asLong() >= 1, h.body());
        assertEquals(h.json().path("journal").path("durableSequence").asLong(),
                h.json().path("journal").path("projectedSequence").asLong() + h.json().path("journal").path("projectionLag").asLong(),
                h.body());
        assertTrue(h.json().path("journal").path("problem").isMissingNode(), h.body());

        OpsFixture.Answer m = f.get("/metrics");
        assertEquals(200, m.status());
        for (String name : new String[] {"gateway_journal_durable_sequence", "gateway_projection_sequence",
                "gateway_projection_lag_records", "gateway_journal_stopped 0.0"}) {
            assertTrue(m.body().contains(name), name + " in /metrics");
        }
    }

    @Test
    void aJournalWhoseDiskFailedAnswers96AndHealthSays503JournalStopped() {
        FaultyChannels disk = new FaultyChannels();
        f = new OpsFixture("jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath(), TOKEN,
                cfg -> Gateway.start(cfg, Clock.systemUTC(), AuthorizerFactory.NONE, disk));
        assertEquals("00", f.send(f.sale("TERM0003", PAN_NOPIN, 100)).getString(39));
        assertEquals(200, f.get("/health").status());

        disk.failForces = true; // fdatasync fails: the journal stops for good (no retry), as PostgreSQL does
        IsoMessage r = f.send(f.sale("TERM0003", PAN_NOPIN, 200));
        assertEquals("96", r.getString(39));
        assertEquals("JOURNAL_UNAVAILABLE", r.getString(44));

        OpsFixture.Answer h = f.get("/health");
        assertEquals(503, h.status(), h.body());
        assertEquals("JOURNAL_STOPPED", h.json().path("reason").asText(), h.body());
        assertTrue(h.json().path("journal").path("problem").asText().contains("journal stopped"), h.body());
        OpsFixture.Answer m = f.get("/metrics");
        assertTrue(m.body().contains("gateway_journal_stopped 1.0"), "gateway_journal_stopped 1 in /metrics");
        disk.failForces = false;
        assertEquals("96", f.send(f.sale("TERM0003", PAN_NOPIN, 300)).getString(39), "no retry once stopped");
        assertEquals(503, f.get("/health").status(), "stopped until a restart");
    }

    @Test
    void anInMemoryStoreHasNoJournalInHealth() {
        f = new OpsFixture("memory:", TOKEN);
        OpsFixture.Answer h = f.get("/health");
        assertEquals(200, h.status());
        assertTrue(h.json().path("journal").isMissingNode(), h.body());
    }
}
