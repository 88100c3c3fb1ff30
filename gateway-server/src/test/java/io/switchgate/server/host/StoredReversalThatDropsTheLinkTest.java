package io.switchgate.server.host;

import io.switchgate.saf.JdbcSafQueue;
import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostAuthorizerTest.mti;
import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A host that closes its connection whenever one stored reversal reaches it (one it cannot parse, say) takes every
 * reversal in flight on that link with it. Sent together again, the same lease would fail together for ever behind
 * that one (a black-box host audit saw its batch held back); those that were on the lost link are sent one at a time,
 * so the others are delivered and only the culprit waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoredReversalThatDropsTheLinkTest {
    static final long POISON = 4100;
    HostSimulator sim;
    Gateway gw;
    String h2Url;

    @AfterEach
    void tearDown() throws Exception {
        closeAndCheck(gw, sim);
        try (var c = java.sql.DriverManager.getConnection(h2Url, "sa", ""); var s = c.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        }
    }

    @Test
    void theReversalsBesideOneTheHostHangsUpOnAreDelivered() {
        quietLogs();
        sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234");
        // the culprit's reversal closes the link at once; the others are answered a little later, so that on a shared
        // link the hang-up always comes first
        sim.behaviour = m -> !mti(m).startsWith("042") ? HostSimulator.Reply.approve()
                : Long.parseLong(m.getString(4)) == POISON ? HostSimulator.Reply.hangUp() : HostSimulator.Reply.late(100);
        h2Url = "jdbc:h2:mem:dropsthelink" + java.util.UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        gw = start(config("01", h2Url, "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 1500))),
                new HostAuthorizerFactory(CLIENT, new SafSender.Options(100, 50, 5000, 200, 400), Clock.systemUTC()));
        waitFor("connected", 5000, () -> host(gw, "acqA").state() == HostClient.State.UP);

        // four reversals due at the same instant, the culprit first: one lease takes them all
        SafQueue q = JdbcSafQueue.forStore(gw.store());
        Instant due = Instant.now().plusMillis(300);
        for (int i = 0; i < 4; i++) {
            String orig = HostMessages.pad(910_000 + i, 6);
            q.enqueue(SafMessage.reversal("acqA", HostMessages.pad(810_000 + i, 6), "01" + HostMessages.pad(500 + i, 10),
                    "1125040000", "000000", i == 0 ? POISON : 4200 + i, "156", ACQ, TERMINAL, MERCHANT,
                    HostMessages.originalData("0200", orig, "1125035959", ACQ), "01" + HostMessages.pad(500 + i, 10),
                    "TEST_DROPS_LINK", due.plusNanos(1000L * i)));
        }

        // the culprit is still stored, to be sent again
        waitFor("the three others delivered", 20_000, () -> List.of("910001", "910002", "910003").stream()
                .allMatch(sim.reversalsApplied::containsKey) && q.depth() == 1);
        assertTrue(sim.reversalsReceived.get("910000").get() >= 2, "the culprit was tried again");
        gw.close();
        gw = null;
        awaitAllHandled(sim);
        assertFalse(sim.reversalsApplied.containsKey("910000"));
    }
}
