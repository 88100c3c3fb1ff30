package io.switchgate.server.host;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.PinFormat;
import io.switchgate.txn.Gateway;

import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** A gateway routing BIN 62 sales and balance inquiries to host "acqA", and a test terminal for it. */
final class HostFixture {
    static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    static final String TPK = "EC3D756DD35498A8DC2FCDA875D358FD";
    static final String ZPK = "7C8A2F3B1D4E5F60A1B2C3D4E5F60718";
    static final String ZAK = "1A2B3C4D5E6F70819293A4B5C6D7E8F9";
    static final String ACQ = "12345678901";
    static final String PAN = "6212345678901232";
    static final String TERMINAL = "TERM0001";
    static final String MERCHANT = "MERCHANT0000001";
    static final Dialect D = Dialect.named("iso87binary");
    private static final AtomicInteger STAN = new AtomicInteger(100);

    static final HostClient.Options CLIENT = new HostClient.Options(3, 300, 0, 50, 200, 1000, 8192);
    static final SafSender.Options SAF = new SafSender.Options(100, 50, 5000, 200, 1000);

    private HostFixture() {
    }

    static GatewayConfig.Host host(String name, List<String> endpoints, int timeoutMillis) {
        return new GatewayConfig.Host(name, endpoints, "nac2", "iso87binary", timeoutMillis, ACQ, Map.of("zpk", ZPK, "zak", ZAK));
    }

    static GatewayConfig config(String nodeId, String storeUrl, String user, String password, List<GatewayConfig.Host> hosts) {
        return config(nodeId, storeUrl, user, password, hosts, "iso87binary");
    }

    /** The same with the terminals' listener speaking {@code listenerDialect}. */
    static GatewayConfig config(String nodeId, String storeUrl, String user, String password, List<GatewayConfig.Host> hosts,
                                String listenerDialect) {
        var limits = new GatewayConfig.RefundLimits(180, 500000, 2000000);
        return new GatewayConfig(
                new GatewayConfig.Node(nodeId),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", listenerDialect, 8192, 300)),
                new GatewayConfig.Admin("127.0.0.1", 0, null),
                new GatewayConfig.Store(storeUrl, user, password, 4),
                new GatewayConfig.Security(MASTER),
                List.of(new GatewayConfig.Merchant(MERCHANT, "active", limits)),
                List.of(new GatewayConfig.Terminal(TERMINAL, MERCHANT, "active", false, Map.of("tpk", TPK))),
                // sales and balance inquiries with BIN 62 go to acqA; refunds match no route (they follow their sale)
                List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62"), List.of("00", "31"), null, null),
                        hosts.get(0).name())),
                hosts,
                new GatewayConfig.Authorizer(List.of()),
                new GatewayConfig.Logging("text"));
    }

    static Gateway start(GatewayConfig cfg, HostAuthorizerFactory f) {
        return Gateway.start(cfg, Clock.systemUTC(), f);
    }

    /** Starts a gateway on {@code cfg} and waits until its host {@code acqA} is connected. */
    static Gateway startConnected(GatewayConfig cfg) {
        Gateway gw = start(cfg, factory());
        waitFor("connected", 5000, () -> host(gw, "acqA").state() == HostClient.State.UP);
        return gw;
    }

    /** Closes the gateway (if any) and the host, then checks that the host saw nothing it must not. */
    static void closeAndCheck(Gateway gw, HostSimulator sim) {
        if (gw != null) gw.close();
        if (sim == null) return;
        sim.close();
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), sim.violations, "what the host saw");
    }

    static HostAuthorizerFactory factory() {
        return new HostAuthorizerFactory(CLIENT, SAF, Clock.systemUTC());
    }

    static HostAuthorizer host(Gateway gw, String name) {
        return gw.hostAuthorizers().stream().filter(a -> a.name().equals(name)).map(a -> (HostAuthorizer) a).findFirst().orElseThrow();
    }

    static String nextStan() {
        return String.format("%06d", STAN.incrementAndGet() % 1_000_000);
    }

    static IsoMessage financial(String proc, long amount) {
        IsoMessage m = new IsoMessage("0200");
        m.set(2, PAN);
        m.set(3, proc);
        m.set(4, String.format("%012d", amount));
        m.set(7, "1125120000");
        m.set(11, nextStan());
        m.set(12, "120000");
        m.set(13, "1125");
        m.set(14, "2812");
        m.set(22, "051");
        m.set(25, "00");
        m.set(41, TERMINAL);
        m.set(42, MERCHANT);
        m.set(49, "156");
        return m;
    }

    /**
     * The same sale as {@link #financial} with a fixed STAN, as a jPOS message: what the tests that drive a whole
     * gateway over TCP with a jPOS {@code NACChannel} send. jPOS packs it, so the gateway is checked against a real client.
     */
    static org.jpos.iso.ISOMsg jposSale(long amount, String stan) throws org.jpos.iso.ISOException {
        org.jpos.iso.ISOMsg m = new org.jpos.iso.ISOMsg("0200");
        IsoMessage ours = financial("000000", amount);
        for (int f : new int[] {2, 3, 4, 7, 14, 22, 25, 41, 42, 49}) m.set(f, ours.getString(f));
        m.set(11, stan);
        return m;
    }

    static IsoMessage withPin(Gateway gw, IsoMessage m, String pin) {
        KeyHandle tpk = gw.security().importClear(KeyType.TPK, HexFormat.of().parseHex(TPK));
        m.set(52, gw.security().encryptPinBlock(tpk, PinFormat.ISO0, pin, m.getString(2)));
        return m;
    }

    static IsoMessage send(Gateway gw, IsoMessage m) {
        try {
            byte[] resp = gw.handle(D.pack(m), "pos").get(20, TimeUnit.SECONDS);
            return D.unpack(resp);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void waitFor(String what, long millis, BooleanSupplier cond) {
        long deadline = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for: " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Waits until the simulator has no connection left (after the test closed or killed every gateway talking to
     * it). The simulator handles a connection's messages in order on that connection's session thread, which ends
     * only after the last one: from then on, everything a gateway ever sent it has been received and acted on, so
     * an "exactly once" check cannot miss a late repeat.
     */
    static void awaitAllHandled(HostSimulator sim) {
        waitFor("the host saw every connection close", 10_000, () -> sim.connections() == 0);
    }

    static void quietLogs() {
        org.slf4j.Logger l = org.slf4j.LoggerFactory.getLogger("com.zaxxer.hikari");
        if (l instanceof ch.qos.logback.classic.Logger lb) lb.setLevel(ch.qos.logback.classic.Level.WARN);
    }
}
