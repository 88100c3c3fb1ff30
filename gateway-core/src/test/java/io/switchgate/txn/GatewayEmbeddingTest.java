package io.switchgate.txn;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;

import static io.switchgate.txn.EngineFixture.MERCHANT;
import static io.switchgate.txn.EngineFixture.PAN_NOPIN;
import static io.switchgate.txn.EngineFixture.TPK1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a program that embeds the gateway meets: the mistakes of its own code get clear answers, not guesses. */
class GatewayEmbeddingTest {

    @TempDir
    Path dir;

    private GatewayConfig fileJournalConfig() {
        GatewayConfig c = EngineFixture.config("jdbc:h2:file:" + dir.resolve("db").resolve("gateway").toAbsolutePath());
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(), c.terminals(),
                c.routes(), c.hosts(), c.authorizer(), c.logging(), new GatewayConfig.Journal(null, "write"));
    }

    /**
     * try-with-resources after an explicit close used to close the journal twice, and the second time it warned that
     * the tables lacked records "11..10" until the next start: an empty range, and untrue.
     */
    @Test
    void closingTwiceIsTheFirstCloseOnly() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> heard = new ListAppender<>();
        heard.start();
        root.addAppender(heard);
        try {
            Gateway gw = Gateway.start(fileJournalConfig(), Clock.systemUTC());
            TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 1_000)).getString(39));
            gw.close();
            int afterFirst = warnings(heard);
            gw.close();
            assertEquals(afterFirst, warnings(heard), "the second close said something: " + heard.list);
        } finally {
            root.detachAppender(heard);
        }
        try (Gateway again = Gateway.start(fileJournalConfig(), Clock.systemUTC())) {
            TestPos pos = new TestPos(again, "TERM0003", MERCHANT, null, TPK1);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 1_000)).getString(39), "the journal and tables start again");
        }
    }

    private static int warnings(ListAppender<ILoggingEvent> heard) {
        int n = 0;
        for (ILoggingEvent e : heard.list) if (e.getLevel().isGreaterOrEqual(Level.WARN)) n++;
        return n;
    }

    /**
     * close(null) threw after the gateway counted itself closed, leaving the engine, journal and store running and the
     * directory locked until the JVM ended; drain(null) threw after it had stopped taking requests, for good (an
     * embedding audit). Now close(null) is the default close, and drain(null) and handle(null) are refused first.
     */
    @Test
    void nullArgumentsAreRefusedBeforeAnythingChangesAndCloseNullIsAClose() {
        Gateway gw = Gateway.start(fileJournalConfig(), Clock.systemUTC());
        TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        NullPointerException e = assertThrows(NullPointerException.class, () -> gw.drain(null));
        assertTrue(e.getMessage().contains("drain timeout"), e.getMessage());
        assertThrows(NullPointerException.class, () -> gw.handle(null, "pos"));
        assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 1_000)).getString(39), "still taking requests");
        gw.close(null);
        try (Gateway again = Gateway.start(fileJournalConfig(), Clock.systemUTC())) {
            TestPos p2 = new TestPos(again, "TERM0003", MERCHANT, null, TPK1);
            assertEquals("00", p2.send(p2.sale(PAN_NOPIN, 1_000)).getString(39), "closed whole: the directory opens again");
        }
    }

    /**
     * A second gateway in this JVM on the same H2 file, told the store is shared by nodes, started and decided beside
     * the first, whose projection then wrote its card rows over the second's debits (an embedding audit). Refused now.
     */
    @Test
    void aSharedStartOnTheTablesOfARunningFileJournalNodeIsRefused() {
        try (Gateway first = Gateway.start(fileJournalConfig(), Clock.systemUTC())) {
            TestPos pos = new TestPos(first, "TERM0003", MERCHANT, null, TPK1);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 1_000)).getString(39));
            GatewayConfig c = fileJournalConfig();
            GatewayConfig shared = new GatewayConfig(new GatewayConfig.Node("02"), c.listeners(), c.admin(),
                    new GatewayConfig.Store(c.store().url(), c.store().user(), c.store().password(), 2, true, false),
                    c.security(), c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging(), null);
            RuntimeException e = assertThrows(RuntimeException.class, () -> Gateway.start(shared, Clock.systemUTC()).close());
            assertTrue(String.valueOf(e.getMessage()).contains("holds the projection of gateway node"), String.valueOf(e.getMessage()));
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 1_000)).getString(39), "the first goes on");
        }
    }

    /**
     * A second gateway in this JVM on the same H2 file with a journal of its own (another journal.dir) started whenever
     * the tables held no projected record yet, and the two decided on one set of tables (a re-audit): refused now.
     */
    @Test
    void aSecondFileJournalNodeOnTheTablesOfARunningOneIsRefused() {
        try (Gateway first = Gateway.start(fileJournalConfig(), Clock.systemUTC())) {
            GatewayConfig c = fileJournalConfig();
            GatewayConfig second = new GatewayConfig(new GatewayConfig.Node("02"), c.listeners(), c.admin(), c.store(),
                    c.security(), c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging(),
                    new GatewayConfig.Journal(dir.resolve("other-journal").toString(), "write"));
            RuntimeException e = assertThrows(RuntimeException.class, () -> Gateway.start(second, Clock.systemUTC()).close());
            assertTrue(String.valueOf(e.getMessage()).contains("holds the projection of gateway node 01"), String.valueOf(e.getMessage()));
            TestPos pos = new TestPos(first, "TERM0003", MERCHANT, null, TPK1);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 1_000)).getString(39), "the first goes on");
        }
    }

    /**
     * After close nothing in the data directory stays open: the last catch-up of the projection, after the tailer was
     * closed, kept a reader on the journal's segment, one descriptor more per start and close with traffic (an
     * embedding audit). Linux only (it counts /proc/self/fd).
     */
    @Test
    void nothingInTheDataDirectoryStaysOpenAfterClose() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(fds), "no /proc/self/fd here");
        for (int i = 0; i < 3; i++) {
            try (Gateway gw = Gateway.start(fileJournalConfig(), Clock.systemUTC())) {
                TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
                assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 100)).getString(39));
            }
            java.util.List<String> open = new java.util.ArrayList<>();
            try (java.nio.file.DirectoryStream<Path> all = java.nio.file.Files.newDirectoryStream(fds)) {
                for (Path fd : all) {
                    try {
                        String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                        if (target.startsWith(dir.toString())) open.add(target);
                    } catch (java.io.IOException gone) {
                        // closed while listed
                    }
                }
            }
            assertEquals(java.util.List.of(), open, "open after close, cycle " + i);
        }
    }

    /** A listener name the configuration does not have was answered in the first listener's dialect, silently. */
    @Test
    void aListenerNameTheConfigurationLacksIsTheCallersMistake() {
        try (Gateway gw = Gateway.start(EngineFixture.config("memory:"), Clock.systemUTC())) {
            TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
            byte[] sale = pos.pack(pos.sale(PAN_NOPIN, 1_000));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gw.handle(sale, "nope"));
            assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("pos"), e.getMessage());
            IsoMessage byName = TestPos.D.unpack(gw.handle(sale, "pos").join());
            assertEquals("00", byName.getString(39));
            IsoMessage byDefault = TestPos.D.unpack(gw.handle(sale, null).join());
            assertEquals(byName.getString(37), byDefault.getString(37), "null is the first listener's: the same request again");
        }
    }
}
