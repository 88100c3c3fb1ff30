package io.switchgate.server.it;

import io.switchgate.config.GatewayConfig;

import java.util.List;
import java.util.Map;

/** A gateway configuration for server-level tests: three listeners (nac2, ascii4, nac2-tpdu) on free ports. */
public final class TestConfigs {
    public static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    public static final String TMK1 = "D56152AB7370ECD5ABDF2F4C8591A1FE";
    public static final String TPK1 = "EC3D756DD35498A8DC2FCDA875D358FD";
    public static final String TAK1 = "BAD09770CBA42FEFAB327F86C7F49883";
    public static final String PAN = "6212345678901232";
    public static final String PAN_EXPIRED = "6212345678901240";
    public static final String PAN_LOW = "6212345678901257";
    public static final String PAN_NOPIN = "6212345678901265";
    /** A second card without PIN, for tests that need a card touched once and then left alone. */
    public static final String PAN_NOPIN_2 = "6212345678901299";
    public static final String PAN_UNKNOWN = "6212345678901273";
    public static final String PAN_GHOST = "4111111111111111";
    public static final String MERCHANT = "MERCHANT0000001";
    public static final String MERCHANT_FROZEN = "MERCHANT0000002";

    private TestConfigs() {
    }

    /** As {@link #config(String)}, with the journal's durability ({@code fsync} or {@code write}) set. */
    public static GatewayConfig config(String storeUrl, String durability) {
        GatewayConfig c = config(storeUrl);
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(), c.terminals(),
                c.routes(), c.hosts(), c.authorizer(), c.logging(), new GatewayConfig.Journal(null, durability));
    }

    /**
     * On PostgreSQL, for this node alone ({@code sharedByNodes: false}): the file journal in {@code journalDir} commits
     * with {@code durability}, the tables are its projection.
     */
    public static GatewayConfig configAlone(String storeUrl, String durability, java.nio.file.Path journalDir) {
        GatewayConfig c = config(storeUrl);
        return new GatewayConfig(c.node(), c.listeners(), c.admin(),
                new GatewayConfig.Store(storeUrl, io.switchgate.server.host.HostPostgres.USER,
                        io.switchgate.server.host.HostPostgres.PASSWORD, 4, false, true),
                c.security(), c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging(),
                new GatewayConfig.Journal(journalDir.toString(), durability));
    }

    public static GatewayConfig config(String storeUrl) {
        var limits = new GatewayConfig.RefundLimits(180, 500000, 2000000);
        return new GatewayConfig(
                new GatewayConfig.Node("07"),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300),
                        new GatewayConfig.Listener("posa", "127.0.0.1", 0, "ascii4", "iso87ascii", 8192, 300),
                        new GatewayConfig.Listener("post", "127.0.0.1", 0, "nac2-tpdu", "iso87binary", 8192, 300)),
                new GatewayConfig.Admin("127.0.0.1", 0, null),
                new GatewayConfig.Store(storeUrl, "sa", "", 2),
                new GatewayConfig.Security(MASTER),
                List.of(new GatewayConfig.Merchant(MERCHANT, "active", limits),
                        new GatewayConfig.Merchant(MERCHANT_FROZEN, "frozen", limits)),
                List.of(new GatewayConfig.Terminal("TERM0001", MERCHANT, "active", true, Map.of("tmk", TMK1, "tpk", TPK1, "tak", TAK1)),
                        new GatewayConfig.Terminal("TERM0002", MERCHANT, "registered", false, Map.of("tpk", TPK1)),
                        new GatewayConfig.Terminal("TERM0003", MERCHANT, "active", false, Map.of("tpk", TPK1)),
                        new GatewayConfig.Terminal("TERM0004", MERCHANT, "suspended", false, Map.of("tpk", TPK1)),
                        new GatewayConfig.Terminal("TERM0005", MERCHANT_FROZEN, "active", false, Map.of("tpk", TPK1)),
                        new GatewayConfig.Terminal("TERM0006", MERCHANT, "active", false, Map.of("tpk", TPK1))),
                List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62"), null, null, null), "embedded"),
                        new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("4"), null, null, null), "ghost")),
                List.of(),
                new GatewayConfig.Authorizer(List.of(
                        new GatewayConfig.Card(PAN, "2812", "1234", 1_000_000),
                        new GatewayConfig.Card(PAN_EXPIRED, "2301", "1234", 1_000_000),
                        new GatewayConfig.Card(PAN_LOW, "2812", "1234", 500),
                        new GatewayConfig.Card(PAN_NOPIN, "2812", null, 100_000_000),
                        new GatewayConfig.Card(PAN_NOPIN_2, "2812", null, 100_000_000))),
                new GatewayConfig.Logging("text"));
    }
}
