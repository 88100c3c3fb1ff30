package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** RRNs carry the node id and never repeat across restarts on the same store (blocks are reserved before use). */
class RrnAcrossRestartsTest {
    @TempDir
    Path dir;

    @Test
    void rrnsNeverRepeatAcrossRestarts() {
        String url = "jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath();
        Set<String> seen = new HashSet<>();
        for (int run = 0; run < 3; run++) {
            try (Gateway gw = Gateway.start(EngineFixture.config(url, "07"))) {
                TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
                for (int i = 0; i < 5; i++) {
                    IsoMessage r = pos.send(pos.sale(PAN_NOPIN, 10));
                    String rrn = r.getString(37);
                    assertEquals(12, rrn.length());
                    assertTrue(rrn.startsWith("07"), rrn);
                    assertTrue(seen.add(rrn), "RRN " + rrn + " given twice");
                }
            }
        }
        assertEquals(15, seen.size());
    }

    /**
     * A black-box audit: the store put back from a copy older than the journal beside it. The start brings the tables up
     * to the journal, but the copy's RRN sequence is behind the RRNs those records carry: a new sale was given an
     * answered sale's RRN, overwrote it, and the retransmission of that sale was approved again. The sequence now
     * starts past every RRN of the node the tables hold.
     */
    @Test
    void anOlderCopyOfTheStoreBesideANewerJournalHandsOutNoRrnTwice() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        String url = "jdbc:h2:file:" + data.resolve("gw").toAbsolutePath();
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        try (Gateway gw = Gateway.start(EngineFixture.config(url, "07"))) {
            assertEquals("00", sale(gw, 10).getString(39));
        }
        try (var files = Files.list(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        String answered;
        try (Gateway gw = Gateway.start(EngineFixture.config(url, "07"))) {
            IsoMessage r = sale(gw, 20);
            assertEquals("00", r.getString(39));
            answered = r.getString(37);
        }
        try (var files = Files.list(copy)) {
            for (Path f : files.toList()) Files.copy(f, data.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        try (Gateway gw = Gateway.start(EngineFixture.config(url, "07"))) {
            for (int i = 0; i < 3; i++) {
                IsoMessage r = sale(gw, 30);
                assertEquals("00", r.getString(39));
                assertNotEquals(answered, r.getString(37), "an answered sale's RRN given again");
            }
            gw.fileJournal().awaitCaughtUp(java.time.Duration.ofSeconds(10));
            assertEquals(20, gw.store().findByRrn(answered).orElseThrow().amount(), "the answered sale as it was");
        }
    }

    private static IsoMessage sale(Gateway gw, long amount) {
        TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        return pos.send(pos.sale(PAN_NOPIN, amount));
    }
}
