package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
}
