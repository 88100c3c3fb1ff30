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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostAuthorizerTest.mti;
import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two gateway nodes on one store draining one store-and-forward queue: with no failure injected, every stored
 * reversal reaches the host exactly once (the lease hands each to one node), and both nodes take part. On one
 * PostgreSQL schema (leases by {@code FOR UPDATE SKIP LOCKED}) and on one H2 in-memory database both nodes open
 * (leases by conditional claims under the process's lock of that database), so it runs without PostgreSQL too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwoNodeSafTest {
    String schema;
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        HostPostgres.dropSchema(schema);
        if (h2Url != null) {
            try (var c = java.sql.DriverManager.getConnection(h2Url, "sa", ""); var s = c.createStatement()) {
                s.execute("DROP ALL OBJECTS");
            }
        }
    }

    String h2Url;

    @Test
    void twoNodesOnPostgresSendEveryStoredReversalExactlyOnce() {
        schema = HostPostgres.createSchema();
        twoNodesSendEveryStoredReversalExactlyOnce(HostPostgres.url(schema), HostPostgres.USER, HostPostgres.PASSWORD);
    }

    @Test
    void twoNodesOnOneH2DatabaseSendEveryStoredReversalExactlyOnce() {
        h2Url = "jdbc:h2:mem:twonodesaf" + java.util.UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        twoNodesSendEveryStoredReversalExactlyOnce(h2Url, "sa", "");
    }

    /** The same configuration with {@code store.sharedByNodes: true}. */
    static io.switchgate.config.GatewayConfig shared(io.switchgate.config.GatewayConfig c) {
        var s = c.store();
        return new io.switchgate.config.GatewayConfig(c.node(), c.listeners(), c.admin(),
                new io.switchgate.config.GatewayConfig.Store(s.url(), s.user(), s.password(), s.poolSize(), true),
                c.security(), c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging());
    }

    private void twoNodesSendEveryStoredReversalExactlyOnce(String url, String user, String password) {
        quietLogs();
        HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234");
        open.add(sim);
        // financial requests time out (each node stores reversals); reversals are answered at once
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.silent() : HostSimulator.Reply.approve();
        List<String> endpoints = List.of("127.0.0.1:" + sim.port);
        SafSender.Options small = new SafSender.Options(50, 10, 5000, 200, 1000);
        HostAuthorizerFactory f1 = new HostAuthorizerFactory(CLIENT, small, Clock.systemUTC());
        HostAuthorizerFactory f2 = new HostAuthorizerFactory(CLIENT, small, Clock.systemUTC());
        Gateway n1 = start(shared(config("01", url, user, password, List.of(host("acqA", endpoints, 1500)))), f1);
        open.add(n1);
        Gateway n2 = start(shared(config("02", url, user, password, List.of(host("acqA", endpoints, 1500)))), f2);
        open.add(n2);
        waitFor("both nodes connected", 5000, () -> host(n1, "acqA").state() == HostClient.State.UP
                && host(n2, "acqA").state() == HostClient.State.UP);

        // a backlog, as after a host outage: 200 reversals stored at once
        SafQueue q = JdbcSafQueue.forStore(n1.store());
        Set<String> expected = new HashSet<>();
        Instant now = Instant.now();
        for (int i = 0; i < 200; i++) {
            String orig = HostMessages.pad(900_000 + i, 6);
            expected.add(orig);
            q.enqueue(SafMessage.reversal("acqA", HostMessages.pad(800_000 + i, 6), "01" + HostMessages.pad(i, 10), "1125040000",
                    "000000", 100 + i, "156", ACQ, TERMINAL, MERCHANT, HostMessages.originalData("0200", orig, "1125035959", ACQ),
                    "01" + HostMessages.pad(i, 10), "TEST_BACKLOG", now));
        }
        // and timeouts on both nodes while the backlog drains
        // (a generous host timeout: on a busy machine a slow answer would be a real failure and a legitimate 0421 repeat)
        List<java.util.concurrent.CompletableFuture<byte[]>> sales = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (Gateway gw : List.of(n1, n2)) sales.add(gw.handle(D.pack(financial("000000", 7000 + i)), "pos"));
        }
        for (var f : sales) assertEquals("91", D.unpack(f.join()).getString(39));
        for (var m : sim.ofMti("0200")) expected.add(m.getString(11));
        assertEquals(206, expected.size());
        waitFor("queue drained", 30_000, () -> q.depth() == 0);
        waitFor("all reversals answered", 5_000, () -> sim.reversalsApplied.size() == 206);
        long a = f1.safSender().transmissions();
        long b = f2.safSender().transmissions();
        n1.close();
        n2.close();
        open.remove(n2);
        open.remove(n1);
        awaitAllHandled(sim); // nothing either node sent can still arrive: "exactly once" below is final

        assertEquals(expected, sim.reversalsReceived.keySet());
        List<String> twice = sim.reversalsReceived.entrySet().stream().filter(e -> e.getValue().get() != 1).map(e -> e.getKey() + "x" + e.getValue() + sim.received.stream()
                .filter(m -> e.getKey().equals(HostSimulator.originalStan(m))).map(m -> mti(m) + "/" + m.getString(11)).toList()).toList();
        assertEquals(List.of(), twice, "reversals sent more than once");
        assertEquals(0, sim.count("0421"), "no repeats when nothing failed");
        assertEquals(206, a + b);
        assertTrue(a > 0 && b > 0, "both nodes drained the queue: " + a + " + " + b);
        assertEquals(List.of(), sim.violations);
    }
}
