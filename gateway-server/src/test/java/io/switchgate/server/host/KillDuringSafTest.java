package io.switchgate.server.host;

import io.switchgate.txn.Gateway;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.channel.NACChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The gateway process is killed (SIGKILL) while it is sending a stored reversal the host does not answer; a new
 * gateway on the same H2 file takes the reversal back and delivers it: the host acts on it exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KillDuringSafTest {

    @Test
    void reversalSurvivesKillMinus9AndIsAppliedOnce(@TempDir Path dir) throws Exception {
        quietLogs();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            sim.behaviour = m -> HostSimulator.Reply.silent();
            String url = "jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath();
            Path portFile = dir.resolve("port");
            Process child = io.switchgate.server.it.ChildJvm.start(dir.resolve("child.log"), HostChildGateway.class, url,
                    Integer.toString(sim.port), portFile.toString());
            String hostStan;
            try {
                waitFor("child listening", 30_000, () -> Files.exists(portFile) || !child.isAlive());
                assertTrue(child.isAlive(), "child gateway died at start");
                int port = Integer.parseInt(Files.readString(portFile).trim());
                NACChannel pos = new NACChannel("127.0.0.1", port, HostSimulator.PACKAGER, null);
                pos.setTimeout(10_000);
                pos.connect();
                ISOMsg m = HostFixture.jposSale(8_888, "000888");
                pos.send(m);
                ISOMsg r = pos.receive();
                pos.disconnect();
                assertEquals("91", r.getString(39));
                assertEquals("HOST_TIMEOUT", r.getString(44));
                hostStan = sim.ofMti("0200").get(0).getString(11);
                // the stored reversal is on its way (leased by the child), unanswered: kill the child now
                waitFor("first 0420 sent", 10_000, () -> sim.count("0420") >= 1);
            } finally {
                child.destroyForcibly();
                child.waitFor(20, TimeUnit.SECONDS);
            }
            assertEquals(0, sim.reversalsApplied.size());

            sim.behaviour = m -> HostSimulator.Reply.approve();
            try (Gateway gw = start(config("01", url, "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400))), factory())) {
                HostAuthorizer h = host(gw, "acqA");
                waitFor("reversal delivered after the restart", 15_000, () -> h.safDepth() == 0);
            }
            awaitAllHandled(sim); // the restarted gateway is closed: whatever it (or the killed child) sent is handled
            assertEquals(1, sim.reversalsApplied.get(hostStan).get(), "applied exactly once");
            assertFalse(sim.approvedSales.containsKey(hostStan));
            assertEquals(List.of(), sim.violations);
        }
    }
}
