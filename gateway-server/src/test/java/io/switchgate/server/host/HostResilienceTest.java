package io.switchgate.server.host;

import io.switchgate.iso.IsoMessage;
import io.switchgate.txn.Gateway;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostAuthorizerTest.mti;
import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** Timeouts across a restart, a host down at start, failover, the circuit breaker, a dropped connection. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostResilienceTest {
    final List<AutoCloseable> open = new ArrayList<>();
    final List<HostSimulator> sims = new ArrayList<>();

    @BeforeEach
    void quiet() {
        quietLogs();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        for (HostSimulator s : sims) assertEquals(List.of(), s.violations, "what host " + s.port + " saw");
    }

    HostSimulator sim(int port) {
        HostSimulator s = new HostSimulator(port, ZPK, ZAK, ACQ, "1234");
        sims.add(s);
        open.add(s);
        return s;
    }

    Gateway gateway(String store, List<String> endpoints) {
        Gateway gw = start(config("01", store, "sa", "", List.of(host("acqA", endpoints, 400))), factory());
        open.add(gw);
        return gw;
    }

    @Test
    void timeoutThenRestartThenExactlyOneApprovedReversal(@TempDir Path dir) throws Exception {
        HostSimulator sim = sim(HostSimulator.freePort());
        sim.behaviour = m -> HostSimulator.Reply.silent();
        String url = "jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath();
        Gateway gw1 = gateway(url, List.of("127.0.0.1:" + sim.port));
        waitFor("connected", 5000, () -> host(gw1, "acqA").state() == HostClient.State.UP);
        IsoMessage resp = send(gw1, financial("000000", 9100));
        assertEquals("91", resp.getString(39));
        assertEquals("HOST_TIMEOUT", resp.getString(44));
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        waitFor("the first 0420 (unanswered)", 5000, () -> sim.count("0420") >= 1);
        gw1.close();
        open.remove(gw1);

        sim.behaviour = m -> HostSimulator.Reply.approve();
        Gateway gw2 = gateway(url, List.of("127.0.0.1:" + sim.port));
        // it survived the restart: the host, silent until now, acts on it below (a depth read here raced the new
        // sender's first poll on a busy machine)
        waitFor("reversal delivered after restart", 10_000, () -> host(gw2, "acqA").safDepth() == 0);
        gw2.close(); // nothing more can be sent; then everything sent is handled
        open.remove(gw2);
        awaitAllHandled(sim);
        assertEquals(1, sim.reversalsApplied.get(hostStan).get(), "exactly one reversal the host acted on");
        List<String> mtis = sim.received.stream().filter(m -> mti(m).startsWith("042")).map(HostAuthorizerTest::mti).toList();
        assertEquals("0420", mtis.get(0));
        assertEquals("0421", mtis.get(mtis.size() - 1), "repeats are 0421: " + mtis);
        assertFalse(sim.approvedSales.containsKey(hostStan));
    }

    @Test
    void hostDownAtStartThenUp() {
        int port = HostSimulator.freePort();
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(HostClient.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        Gateway gw;
        try {
            gw = gateway("memory:", List.of("127.0.0.1:" + port));
            // why it is DOWN is said once, at WARN (an audit saw nothing in the log for an unreachable host)
            waitFor("a WARN naming the endpoint", 5000, () -> lines.list.stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                    && e.getFormattedMessage().startsWith("host=acqA cannot connect to 127.0.0.1:" + port)));
            sleepMillis(600); // several backoffs (200 ms first)
            assertEquals(1, lines.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                    && e.getFormattedMessage().contains("cannot connect")).count(), "once, not at every try");
        } finally {
            logger.detachAppender(lines);
        }
        assertEquals(HostClient.State.DOWN, host(gw, "acqA").state());
        IsoMessage resp = send(gw, financial("000000", 100));
        assertEquals("91", resp.getString(39));
        // answered at once, not after waiting for a timeout: a timeout says HOST_TIMEOUT and stores a reversal
        assertEquals("HOST_UNAVAILABLE", resp.getString(44));
        assertEquals(0, host(gw, "acqA").safDepth(), "nothing was sent: nothing to reverse");
        HostSimulator sim = sim(port);
        waitFor("reconnected", 5000, () -> host(gw, "acqA").state() == HostClient.State.UP);
        assertEquals("00", send(gw, financial("000000", 100)).getString(39));
        assertEquals(1, sim.count("0200"));
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void failoverToTheSecondEndpoint() {
        int dead = HostSimulator.freePort();
        HostSimulator second = sim(HostSimulator.freePort());
        Gateway gw = gateway("memory:", List.of("127.0.0.1:" + dead, "127.0.0.1:" + second.port));
        waitFor("second endpoint connected", 5000, () -> host(gw, "acqA").state() == HostClient.State.UP);
        assertEquals("00", send(gw, financial("000000", 200)).getString(39));
        assertEquals(1, second.count("0200"));
    }

    @Test
    void primaryLostTrafficMovesToTheSecondAndBack() {
        HostSimulator first = sim(HostSimulator.freePort());
        HostSimulator second = sim(HostSimulator.freePort());
        Gateway gw = gateway("memory:", List.of("127.0.0.1:" + first.port, "127.0.0.1:" + second.port));
        HostClient c = host(gw, "acqA").client();
        // The simulator counts a connection once it accepts it; the client names its active endpoint a moment later.
        waitFor("both connected, the primary active", 5000, () -> first.connections() == 1 && second.connections() == 1
                && ("127.0.0.1:" + first.port).equals(c.activeEndpoint()));
        assertEquals("127.0.0.1:" + first.port, c.activeEndpoint());
        assertEquals("00", send(gw, financial("000000", 300)).getString(39));
        assertEquals(1, first.count("0200"));
        first.close();
        waitFor("failed over", 5000, () -> ("127.0.0.1:" + second.port).equals(c.activeEndpoint()));
        assertEquals("00", send(gw, financial("000000", 301)).getString(39));
        assertEquals(1, second.count("0200"));
        HostSimulator again = sim(first.port);
        waitFor("primary back", 5000, () -> ("127.0.0.1:" + first.port).equals(c.activeEndpoint()));
        assertEquals("00", send(gw, financial("000000", 302)).getString(39));
        assertEquals(1, again.count("0200"), "traffic returns to the primary");
    }

    /**
     * Sales from STAN {@code firstStan} on, one at a time, until one is approved (the second endpoint took over), for at
     * most 20 s; returns the next STAN.
     */
    private static int salesUntilApproved(Gateway gw, int firstStan) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int stan = firstStan;
        String last = null;
        while (System.nanoTime() < deadline) {
            last = send(gw, financial("000000", stan++)).getString(39);
            if ("00".equals(last)) break;
            Thread.sleep(50);
        }
        assertEquals("00", last, "the second endpoint answers once the first is set aside");
        return stan;
    }

    /**
     * A primary that accepts connections and answers nothing, not even an echo: once its echo goes unanswered it is set
     * aside and the healthy second endpoint takes the traffic, until the primary answers an echo again. A black-box
     * audit: reconnected, the primary was preferred again at once, and 40 sales over 48 s were all answered 91.
     */
    @Test
    // its own waits add up to 55 s (connect 5, sales until the circuit opens 20, the primary's return 30): the class's
    // 30 s cut a clean-clone CI run under a whole suite on two cores short in the last wait
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aPrimaryThatAnswersNothingIsSetAsideAndTheSecondTakesTheTraffic() throws Exception {
        java.net.ServerSocket blackHole = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        open.add(blackHole);
        Thread swallow = new Thread(() -> {
            List<java.net.Socket> held = new ArrayList<>();
            try {
                while (!blackHole.isClosed()) {
                    java.net.Socket s = blackHole.accept(); // read nothing, answer nothing: bytes pile up unread
                    held.add(s);
                }
            } catch (java.io.IOException closed) {
                for (java.net.Socket s : held) {
                    try {
                        s.close();
                    } catch (java.io.IOException ignored) {
                        // going anyway
                    }
                }
            }
        });
        swallow.setDaemon(true);
        swallow.start();
        HostSimulator second = sim(HostSimulator.freePort());
        Gateway gw = gateway("memory:", List.of("127.0.0.1:" + blackHole.getLocalPort(), "127.0.0.1:" + second.port));
        HostClient c = host(gw, "acqA").client();
        waitFor("both connected, the black hole preferred", 5000, () -> second.connections() == 1
                && ("127.0.0.1:" + blackHole.getLocalPort()).equals(c.activeEndpoint()));
        // requests time out on the primary until the circuit opens; its probe, an echo, goes unanswered: set aside
        int stan = salesUntilApproved(gw, 600);
        assertEquals("127.0.0.1:" + second.port, c.activeEndpoint());
        assertEquals(List.of("127.0.0.1:" + blackHole.getLocalPort()), HostMetrics.hosts(gw.hostAuthorizers()).get(0).get("setAside"),
                "the admin API says which endpoint is set aside");
        assertEquals("00", send(gw, financial("000000", stan++)).getString(39), "and keeps the traffic");
        // the primary mended: it answers the echo that checks it, and takes the traffic again
        int port = blackHole.getLocalPort();
        blackHole.close();
        HostSimulator mended = sim(port);
        // 30 s: its check echoes come a probe period apart, and under a whole suite on two cores one CI run missed 15 s
        waitFor("the primary back", 30_000, () -> ("127.0.0.1:" + port).equals(c.activeEndpoint()));
        assertEquals("00", send(gw, financial("000000", stan)).getString(39));
        assertEquals(1, mended.count("0200"), "traffic returns to the primary");
    }

    /**
     * A primary that answers its echoes but no request: once the circuit opens on it, it is set aside for a while
     * whatever its echoes say, and the second endpoint takes the traffic. A re-audit: the answered probe gave the traffic
     * back to the primary every time, 41 sales in 60 s all 91, none sent to the healthy second endpoint.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS) // its waits add up to 45 s, more than the class's 30
    void aPrimaryThatAnswersEchoesButNoRequestIsSetAsideOnceTheCircuitOpens() throws Exception {
        HostSimulator first = sim(HostSimulator.freePort());
        first.behaviour = m -> mti(m).startsWith("08") ? HostSimulator.Reply.approve() : HostSimulator.Reply.silent();
        HostSimulator second = sim(HostSimulator.freePort());
        Gateway gw = gateway("memory:", List.of("127.0.0.1:" + first.port, "127.0.0.1:" + second.port));
        HostClient c = host(gw, "acqA").client();
        waitFor("both connected, the first preferred", 5000, () -> second.connections() == 1
                && ("127.0.0.1:" + first.port).equals(c.activeEndpoint()));
        int stan = salesUntilApproved(gw, 700);
        assertEquals("127.0.0.1:" + second.port, c.activeEndpoint());
        for (int i = 0; i < 3; i++) assertEquals("00", send(gw, financial("000000", stan++)).getString(39), "and keeps it");
        // the stored reversals of the first one's timeouts reach the host through the second (the same acquirer)
        first.behaviour = m -> HostSimulator.Reply.approve();
        waitFor("the stored reversals delivered", 20_000, () -> host(gw, "acqA").safDepth() == 0);
    }

    /**
     * An outage already said (the circuit open) is not said again at every probe: an audit counted ~950 WARN lines an
     * hour, an unanswered probe echo and the connection it closed, with both endpoints black holes.
     */
    @Test
    void probesOfAnOutageAlreadySaidAreNotWarnings() throws Exception {
        java.net.ServerSocket blackHole = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        open.add(blackHole);
        List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread swallow = new Thread(() -> {
            try {
                while (!blackHole.isClosed()) held.add(blackHole.accept());
            } catch (java.io.IOException closed) {
                // the test is over
            }
        });
        swallow.setDaemon(true);
        swallow.start();
        open.add(() -> {
            for (java.net.Socket s : held) s.close();
        });
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(HostClient.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        open.add(() -> logger.detachAppender(lines));
        Gateway gw = gateway("memory:", List.of("127.0.0.1:" + blackHole.getLocalPort()));
        HostAuthorizer h = host(gw, "acqA");
        waitFor("connected", 5000, () -> h.state() == HostClient.State.UP);
        for (int i = 0; i < 3 && h.state() != HostClient.State.OPEN; i++) send(gw, financial("000000", 800 + i));
        assertEquals(HostClient.State.OPEN, h.state());
        long probes = h.client().echoes.get();
        waitFor("three probes more", 10_000, () -> h.client().echoes.get() >= probes + 3);
        Thread.sleep(600); // the last probe's timeout
        long warnings = lines.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                && (e.getFormattedMessage().contains("echo on") || e.getFormattedMessage().contains("lost; reconnecting"))).count();
        assertTrue(warnings <= 1, "probe failures logged at WARN: " + warnings);
    }

    @Test
    void circuitBreakerOpensAnswers91AtOnceAndClosesAfterAProbe() {
        HostSimulator sim = sim(HostSimulator.freePort());
        sim.behaviour = m -> HostSimulator.Reply.silent();
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(HostClient.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        open.add(() -> logger.detachAppender(lines));
        Gateway gw = gateway("memory:", List.of("127.0.0.1:" + sim.port));
        HostAuthorizer h = host(gw, "acqA");
        waitFor("connected", 5000, () -> h.state() == HostClient.State.UP);
        // 3 consecutive failures open it (the stored reversal of the first timeout, unanswered too, counts as one)
        int timeouts = 0;
        while (h.state() != HostClient.State.OPEN && timeouts < 3) {
            IsoMessage r = send(gw, financial("000000", 400 + timeouts));
            assertEquals("91", r.getString(39));
            if ("HOST_UNAVAILABLE".equals(r.getString(44))) break; // opened meanwhile by the unanswered 0420
            assertEquals("HOST_TIMEOUT", r.getString(44));
            timeouts++;
        }
        assertEquals(HostClient.State.OPEN, h.state(), "consecutive timeouts open the circuit");
        // at least once: on a slow run the half-open probe (an echo, which the silent host still answers) may close it
        // and the stored reversals, unanswered, open it again before this line (a CI run saw 2)
        assertTrue(h.client().circuitOpenings() >= 1, "openings " + h.client().circuitOpenings());
        // said when it opens, and why (an audit found only "half-open" and "closed" in the log)
        assertTrue(lines.list.stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                && e.getFormattedMessage().startsWith("host=acqA circuit open after ")), () -> "logged: " + lines.list);
        int sent = sim.count("0200");
        long stored = h.safDepth();
        IsoMessage r = send(gw, financial("000000", 499));
        // refused at once while open: not a timeout (HOST_TIMEOUT, and a stored reversal), nothing sent
        assertEquals("91", r.getString(39));
        assertEquals("HOST_UNAVAILABLE", r.getString(44));
        assertEquals(sent, sim.count("0200"), "nothing sent while open");
        assertEquals(stored, h.safDepth(), "nothing to reverse for a request never sent");

        sim.behaviour = m -> HostSimulator.Reply.approve();
        waitFor("probe closes the circuit", 5000, () -> h.state() == HostClient.State.UP);
        assertTrue(sim.echoes.get() >= 1, "half-open probe is an echo");
        assertEquals("00", send(gw, financial("000000", 500)).getString(39));
        waitFor("the stored reversals delivered", 10_000, () -> h.safDepth() == 0);
        gw.close();
        open.remove(gw);
        awaitAllHandled(sim);
        assertEquals(timeouts, sim.reversalsApplied.size());
        sim.reversalsApplied.values().forEach(n -> assertEquals(1, n.get()));
    }

    @Test
    void idleConnectionEchoesAndAnUnansweredEchoReconnects() {
        HostSimulator sim = sim(HostSimulator.freePort());
        HostClient.Options echoing = new HostClient.Options(3, 300, 150, 50, 200, 1000, 8192);
        Gateway gw = start(config("01", "memory:", "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 300))),
                new HostAuthorizerFactory(echoing, SAF, java.time.Clock.systemUTC()));
        open.add(gw);
        HostClient c = host(gw, "acqA").client();
        waitFor("echoes while idle", 5000, () -> sim.echoes.get() >= 2);
        assertEquals(1, c.connects.get());
        sim.behaviour = m -> "0800".equals(mti(m)) ? HostSimulator.Reply.silent() : HostSimulator.Reply.approve();
        waitFor("unanswered echo closes and reconnects", 5000, () -> c.connects.get() >= 2);
        sim.behaviour = m -> HostSimulator.Reply.approve();
        waitFor("up again", 5000, () -> c.state() == HostClient.State.UP);
        assertEquals("00", send(gw, financial("000000", 700)).getString(39));
        assertEquals(0, sim.count("0420"), "an echo is never reversed");
    }

    @Test
    void connectionDroppedWithARequestOnItIsReversed() {
        HostSimulator sim = sim(HostSimulator.freePort());
        sim.behaviour = m -> "0200".equals(mti(m)) && sim.count("0200") == 1 ? HostSimulator.Reply.hangUp() : HostSimulator.Reply.approve();
        Gateway gw = gateway("memory:", List.of("127.0.0.1:" + sim.port));
        HostAuthorizer h = host(gw, "acqA");
        waitFor("connected", 5000, () -> h.state() == HostClient.State.UP);
        IsoMessage r = send(gw, financial("000000", 600));
        assertEquals("91", r.getString(39));
        assertEquals("HOST_LINK_LOST", r.getString(44));
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        waitFor("reconnected and reversal delivered", 5000, () -> h.safDepth() == 0 && sim.reversalsApplied.containsKey(hostStan));
        assertEquals("00", send(gw, financial("000000", 601)).getString(39));
        gw.close();
        open.remove(gw);
        awaitAllHandled(sim);
        assertEquals(1, sim.reversalsApplied.get(hostStan).get());
    }
}
