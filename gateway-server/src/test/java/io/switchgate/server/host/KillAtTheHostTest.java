package io.switchgate.server.host;

import io.switchgate.iso.IsoMessage;
import io.switchgate.txn.Gateway;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.channel.NACChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The gateway process is killed (SIGKILL) while a sale is at the host: the host charged the card, its answer never
 * reached the gateway, the terminal never heard. The reversal stored (held) before the sale left is released by the
 * next start and delivered: the host undoes the sale, once. A sale whose approval the gateway recorded before the
 * kill is left alone.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KillAtTheHostTest {

    private static Process startChild(Path dir, String url, int hostPort, Path portFile, String... more) throws Exception {
        // The host's time is 10 s: the kill lands while the sale waits at the host, not after its timeout.
        List<String> args = new java.util.ArrayList<>(List.of(url, Integer.toString(hostPort), portFile.toString(), "10000"));
        args.addAll(List.of(more));
        Process child = io.switchgate.server.it.ChildJvm.start(dir.resolve(portFile.getFileName() + ".log"),
                HostChildGateway.class, args.toArray(String[]::new));
        try {
            waitFor("child listening", 30_000, () -> Files.exists(portFile) || !child.isAlive());
        } catch (AssertionError slow) {
            child.destroyForcibly(); // a child left running outlived its test (two, found by a later benchmark)
            throw slow;
        }
        assertTrue(child.isAlive(), "child gateway died at start: " + Files.readString(dir.resolve(portFile.getFileName() + ".log")));
        return child;
    }

    private static NACChannel pos(Path portFile) throws Exception {
        NACChannel pos = new NACChannel("127.0.0.1", Integer.parseInt(Files.readString(portFile).trim()), HostSimulator.PACKAGER, null);
        pos.setTimeout(15_000);
        pos.connect();
        return pos;
    }

    /** The child's store, and the restarted gateway's. */
    private static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath();
    }

    /** A sale the host approves, answered: its RRN. */
    private static String approvedSale(NACChannel pos, long amount, String stan) throws Exception {
        pos.send(HostFixture.jposSale(amount, stan));
        ISOMsg r = pos.receive();
        assertEquals("00", r.getString(39));
        return r.getString(37);
    }

    private static void kill(Process child) throws InterruptedException {
        child.destroyForcibly();
        child.waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void aSaleAtTheHostWhenTheGatewayIsKilledIsReversedOnceAfterTheRestart(@TempDir Path dir) throws Exception {
        quietLogs();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            Set<String> charged = ConcurrentHashMap.newKeySet();
            // The host charges the card and its answer is lost: the gateway is gone before it could come.
            sim.behaviour = m -> {
                if (m.getString(0) != null && m.getString(0).equals("0200")) {
                    charged.add(m.getString(11));
                    return HostSimulator.Reply.silent();
                }
                return HostSimulator.Reply.approve();
            };
            String url = url(dir);
            Path portFile = dir.resolve("port");
            Process child = startChild(dir, url, sim.port, portFile);
            String hostStan;
            try {
                NACChannel pos = pos(portFile);
                pos.send(HostFixture.jposSale(5_555, "000555"));
                waitFor("the sale at the host", 10_000, () -> sim.count("0200") >= 1);
                hostStan = sim.ofMti("0200").get(0).getString(11);
            } finally {
                kill(child);
            }
            assertEquals(Set.of(hostStan), charged);
            assertEquals(0, sim.count("0420"), "no reversal before the restart: the sale was still at the host");

            try (Gateway gw = start(config("01", url, "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400))), factory())) {
                HostAuthorizer h = host(gw, "acqA");
                waitFor("the held reversal released and delivered after the restart", 15_000,
                        () -> sim.reversalsApplied.containsKey(hostStan) && h.safDepth() == 0);
                // The terminal heard nothing and sends the sale again (same DE 11 and DE 7): it hears that the host's
                // answer was lost, under the RRN the host saw, and the host is not asked a second time (a crash audit:
                // it went to the host as a new request and was approved again).
                IsoMessage again = send(gw, financial("000000", 5_555).set(11, "000555"));
                assertEquals("91", again.getString(39));
                assertEquals("HOST_ANSWER_LOST", again.getString(44));
                String hostRrn = sim.ofMti("0200").get(0).getString(37);
                assertEquals(hostRrn, again.getString(37), "the RRN the host saw");
                assertEquals(io.switchgate.model.TxnStatus.DECLINED, gw.store().findByRrn(hostRrn).orElseThrow().status(),
                        "the RRN the host saw is the gateway's to show");
                assertEquals(1, sim.count("0200"), "the host was asked once");
            }
            awaitAllHandled(sim);
            assertEquals(1, sim.reversalsApplied.get(hostStan).get(), "the host undid the sale once");
            assertEquals(List.of(), sim.violations);
        }
    }

    /**
     * The same on a node of several sharing PostgreSQL, whose holds are queue rows: the row keeps the terminal's request
     * beside the reversal, and the start journals it as {@code 91 HOST_ANSWER_LOST}. Before, it kept none: the
     * retransmission went to the host as a new authorization and was approved again.
     */
    @Test
    void aSaleAtTheHostWhenASharedPostgresNodeIsKilledIsReversedOnceAndItsRetransmissionHearsTheLostAnswer(@TempDir Path dir) throws Exception {
        quietLogs();
        String schema = HostPostgres.createSchema();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            String hostStan = saleAtTheHostWhenKilled(dir, sim, HostPostgres.url(schema), "000557", 5_557);
            try (Gateway gw = start(TwoNodeSafTest.shared(config("01", HostPostgres.url(schema), HostPostgres.USER, HostPostgres.PASSWORD,
                    List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400)))), factory())) {
                HostAuthorizer h = host(gw, "acqA");
                assertInstanceOf(QueueHolds.class, h.holds(), "several nodes: the holds are queue rows");
                waitFor("the held reversal released and delivered after the restart", 15_000,
                        () -> sim.reversalsApplied.containsKey(hostStan) && h.safDepth() == 0);
                IsoMessage again = send(gw, financial("000000", 5_557).set(11, "000557"));
                assertEquals("91", again.getString(39));
                assertEquals("HOST_ANSWER_LOST", again.getString(44));
                assertEquals(sim.ofMti("0200").get(0).getString(37), again.getString(37), "the RRN the host saw");
                assertEquals(1, sim.count("0200"), "the host was asked once");
            }
            awaitAllHandled(sim);
            assertEquals(1, sim.reversalsApplied.get(hostStan).get(), "the host undid the sale once");
            assertEquals(List.of(), sim.violations);
        } finally {
            HostPostgres.dropSchema(schema);
        }
    }

    /**
     * Several nodes: while the killed node is down, the terminal's retransmission reaches another node, which asks the
     * host (it cannot know) and is approved. That answer stands: the killed node's start releases its held reversal
     * (the first approval undone at the host) and journals nothing more, so every retransmission hears the one answer.
     */
    @Test
    void aRetransmissionAnsweredByAnotherNodeWhileTheKilledOneWasDownStands(@TempDir Path dir) throws Exception {
        quietLogs();
        String schema = HostPostgres.createSchema();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            String url = HostPostgres.url(schema);
            String hostStan = saleAtTheHostWhenKilled(dir, sim, url, "000558", 5_558);
            sim.behaviour = m -> HostSimulator.Reply.approve();
            String answered;
            try (Gateway other = start(TwoNodeSafTest.shared(config("02", url, HostPostgres.USER, HostPostgres.PASSWORD,
                    List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400)))), factory())) {
                IsoMessage r = send(other, financial("000000", 5_558).set(11, "000558"));
                assertEquals("00", r.getString(39), "the other node asks the host, which approves");
                answered = r.getString(37);
            }
            try (Gateway gw = start(TwoNodeSafTest.shared(config("01", url, HostPostgres.USER, HostPostgres.PASSWORD,
                    List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400)))), factory())) {
                HostAuthorizer h = host(gw, "acqA");
                waitFor("the held reversal released and delivered after the restart", 15_000,
                        () -> sim.reversalsApplied.containsKey(hostStan) && h.safDepth() == 0);
                IsoMessage again = send(gw, financial("000000", 5_558).set(11, "000558"));
                assertEquals("00", again.getString(39), "the other node's answer stands");
                assertEquals(answered, again.getString(37));
                assertEquals(2, sim.count("0200"));
                String hostRrn = sim.ofMti("0200").get(0).getString(37);
                assertEquals("HOST_ANSWER_LOST", gw.store().findByRrn(hostRrn).orElseThrow().reason(),
                        "the RRN the host saw first is the admin API's to show");
            }
            awaitAllHandled(sim);
            assertEquals(1, sim.reversalsApplied.get(hostStan).get(), "the first approval undone once");
            assertEquals(List.of(), sim.violations);
        } finally {
            HostPostgres.dropSchema(schema);
        }
    }

    /** A node of several on {@code url} is killed while its sale ({@code stan}, {@code amount}) is at the host: its STAN there. */
    private static String saleAtTheHostWhenKilled(Path dir, HostSimulator sim, String url, String stan, long amount) throws Exception {
        sim.behaviour = m -> "0200".equals(m.getString(0)) ? HostSimulator.Reply.silent() : HostSimulator.Reply.approve();
        Path portFile = dir.resolve("port");
        Process child = startChild(dir, url, sim.port, portFile, "shared");
        try {
            NACChannel pos = pos(portFile);
            pos.send(HostFixture.jposSale(amount, stan));
            waitFor("the sale at the host", 10_000, () -> sim.count("0200") >= 1);
            return sim.ofMti("0200").get(0).getString(11);
        } finally {
            kill(child);
        }
    }

    @Test
    void aSaleApprovedAndRecordedBeforeTheKillIsNotReversed(@TempDir Path dir) throws Exception {
        quietLogs();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            sim.behaviour = m -> HostSimulator.Reply.approve();
            String url = url(dir);
            Path portFile = dir.resolve("port");
            Process child = startChild(dir, url, sim.port, portFile);
            String hostStan;
            String rrn;
            try {
                rrn = approvedSale(pos(portFile), 6_666, "000666");
                hostStan = sim.ofMti("0200").get(0).getString(11);
            } finally {
                kill(child);
            }
            try (Gateway gw = start(config("01", url, "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400))), factory())) {
                HostAuthorizer h = host(gw, "acqA");
                assertEquals(0, h.safDepth(), "nothing to send: the approval is recorded");
                assertInstanceOf(JournalHolds.class, h.holds(), "an H2 file: the node's own journal of held reversals");
                assertEquals(List.of(), h.holds().held(), "its held reversal dropped at the start, if the kill left it");
                assertTrue(h.safQueue().find(io.switchgate.saf.SafMessage.heldId(rrn)).isEmpty(), "never a queued reversal");
                Thread.sleep(2_500); // two turns of the SAF sender
                assertEquals(0, h.safDepth());
            }
            awaitAllHandled(sim);
            assertEquals(0, sim.count("0420"), "no reversal of a recorded approval");
            assertTrue(sim.approvedSales.containsKey(hostStan));
            assertEquals(List.of(), sim.violations);
        }
    }

    /**
     * The gateway is killed while a void's 0400 is at the host: the host has undone the sale, its answer never came.
     * The undo's 0420 was held before the 0400 left: the restart releases it (the host undoes the sale for certain)
     * and undoes the sale here too, before serving, so a later refund of it is refused. Before, nothing was held: the
     * sale came back approved here while reversed at the host, and a refund of it was approved (an outside audit).
     */
    @Test
    void aVoidAtTheHostWhenTheGatewayIsKilledUndoesTheSaleHereAndThereAfterTheRestart(@TempDir Path dir) throws Exception {
        quietLogs();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            // the host takes the void's 0400 and its answer is lost: the gateway is gone before it could come
            sim.behaviour = m -> "0400".equals(m.getString(0)) ? HostSimulator.Reply.silent() : HostSimulator.Reply.approve();
            Process child = startChild(dir, url(dir), sim.port, dir.resolve("port"));
            String rrn;
            String saleHostStan;
            try {
                NACChannel pos = pos(dir.resolve("port"));
                rrn = approvedSale(pos, 7_777, "000777");
                saleHostStan = sim.ofMti("0200").get(0).getString(11);
                ISOMsg voidOf = HostFixture.jposSale(7_777, "000778");
                voidOf.set(3, "020000");
                voidOf.set(37, rrn);
                pos.send(voidOf);
                waitFor("the void's 0400 at the host", 10_000, () -> sim.count("0400") >= 1);
            } finally {
                kill(child);
            }
            assertEquals(0, sim.count("0420"), "nothing stored before the restart: the void was at the host");

            try (Gateway gw = start(config("01", url(dir), "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400))), factory())) {
                assertEquals(io.switchgate.model.TxnStatus.REVERSED, gw.store().findByRrn(rrn).orElseThrow().status(),
                        "undone here before the gateway serves");
                assertTrue(gw.store().findByOriginalRrn(rrn).stream().anyMatch(t -> "UNDONE_AT_HOST_ON_RESTART".equals(t.reason())),
                        "the undo journaled with its reason");
                HostAuthorizer h = host(gw, "acqA");
                waitFor("the held 0420 released and delivered after the restart", 15_000,
                        () -> sim.reversalsApplied.containsKey(saleHostStan) && h.safDepth() == 0);
                io.switchgate.iso.IsoMessage refund = HostFixture.send(gw, HostFixture.financial("200000", 7_777).set(37, rrn));
                assertEquals("12", refund.getString(39), () -> "a refund of the undone sale: " + refund.getString(44));
            }
            awaitAllHandled(sim);
            assertEquals(0, sim.count("0200") - 1 - sim.ofMti("0200").stream().filter(m -> "020000".equals(m.getString(3))).count(),
                    "no refund reached the host");
            assertEquals(List.of(), sim.violations);
        }
    }
}
