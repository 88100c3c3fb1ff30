package io.switchgate.server.host;

import io.switchgate.iso.IsoMessage;
import io.switchgate.txn.Gateway;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A host approval the gateway does not record must not stay at the host, and a 91 leaves only once its reversal is
 * stored. The store is made to fail from outside (a table of the H2 database renamed under the running gateway),
 * and a real (jPOS) host simulator says what it was sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UncommittedHostApprovalTest {
    HostSimulator sim;
    Gateway gw;
    String url;

    @BeforeEach
    void setUp() {
        quietLogs();
        sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234");
        url = "jdbc:h2:mem:uncommitted" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        gw = startConnected(config("01", url, "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400))));
    }

    @AfterEach
    void tearDown() {
        closeAndCheck(gw, sim);
    }

    void sql(String statement) {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (Exception e) {
            throw new AssertionError(statement, e);
        }
    }

    @Test
    void aHostApprovalWhoseCommitFailsIsAnswered96AndReversedAtTheHost() throws Exception {
        assertEquals("00", send(gw, financial("000000", 100)).getString(39)); // the engine has read what it needs
        sim.received.clear();
        IsoMessage resp = withTableAway("transactions", () -> send(gw, financial("000000", 4_321)));
        assertEquals("96", resp.getString(39), () -> "reason " + resp.getString(44));
        ISOMsg sale = sim.ofMti("0200").get(0);
        String hostStan = sale.getString(11);
        waitFor("the host's approval reversed", 10_000, () -> sim.reversalsApplied.containsKey(hostStan));
        ISOMsg rev = sim.ofMti("0420").get(0);
        assertEquals("000000004321", rev.getString(4));
        assertEquals(sale.getString(37), rev.getString(37));
        assertTrue(rev.getString(90).startsWith("0200" + hostStan + sale.getString(7)), rev.getString(90));
        // the journal holds no approval: nothing, or the 96 the terminal heard (journaled once the table was back)
        gw.store().findByRrn(sale.getString(37)).ifPresent(t -> {
            assertEquals("96", t.responseCode());
            assertEquals(io.switchgate.model.TxnStatus.DECLINED, t.status());
        });
        // and the gateway still works once the store is back
        assertEquals("00", send(gw, financial("000000", 100)).getString(39));
    }

    @Test
    void aRequestWhoseReversalCannotBeStoredBeforeItIsSentIsNotSent() throws Exception {
        // The reversal is stored, held, before a sale leaves for the host: without it a gateway that died while the
        // host decided could leave an approval at the host that nobody reverses. No queue, no request.
        IsoMessage resp = withTableAway("saf_messages", () -> send(gw, financial("000000", 777)));
        assertEquals("96", resp.getString(39));
        assertEquals("REVERSAL_NOT_STORED", resp.getString(44));
        assertEquals(0, sim.ofMti("0200").size(), "nothing was sent to the host");
        assertEquals("00", send(gw, financial("000000", 100)).getString(39), "and the next one goes once the queue is back");
    }

    @Test
    void aTimeoutWhoseReversalCannotBeStoredIs96AndTheGatewayKeepsTrying() throws Exception {
        sim.behaviour = m -> "0200".equals(mtiOf(m)) ? HostSimulator.Reply.silent()
                : HostSimulator.Reply.approve();
        // The held reversal is stored and the request sent; then the queue goes away before the host's time is up:
        // the held one cannot be released, nor a new one stored.
        java.util.concurrent.CompletableFuture<byte[]> answer = gw.handle(D.pack(financial("000000", 777)), "pos");
        waitFor("the sale at the host", 5_000, () -> sim.ofMti("0200").size() == 1);
        IsoMessage resp = withTableAway("saf_messages", () -> D.unpack(answer.get(20, java.util.concurrent.TimeUnit.SECONDS)));
        assertEquals("96", resp.getString(39));
        assertEquals("REVERSAL_NOT_STORED", resp.getString(44));
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        waitFor("the reversal stored on a later try and delivered", 15_000,
                () -> sim.reversalsApplied.containsKey(hostStan));
        assertEquals(1, sim.reversalsApplied.get(hostStan).get());
    }

    /** What {@code during} gives while {@code table} is renamed away under the running gateway (its store fails). */
    private <T> T withTableAway(String table, java.util.concurrent.Callable<T> during) throws Exception {
        sql("ALTER TABLE " + table + " RENAME TO " + table + "_away");
        try {
            return during.call();
        } finally {
            sql("ALTER TABLE " + table + "_away RENAME TO " + table);
        }
    }

    private static String mtiOf(ISOMsg m) {
        try {
            return m.getMTI();
        } catch (Exception e) {
            return "";
        }
    }
}
