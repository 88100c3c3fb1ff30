package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** Builds a gateway on the in-memory (or a given) store with the demo merchant, terminals and cards, and a clock tests can move. */
final class EngineFixture {
    static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    static final String TAK1 = "BAD09770CBA42FEFAB327F86C7F49883";
    static final String TPK1 = "EC3D756DD35498A8DC2FCDA875D358FD";
    static final String TMK1 = "D56152AB7370ECD5ABDF2F4C8591A1FE";
    static final String BDK = "0123456789ABCDEFFEDCBA9876543210";
    static final String PAN = "6212345678901232";
    static final String PAN_EXPIRED = "6212345678901240";
    static final String PAN_LOW = "6212345678901257";
    static final String PAN_NOPIN = "6212345678901265";
    static final String PAN_UNKNOWN = "6212345678901273";
    static final String MERCHANT = "MERCHANT0000001";
    static final String MERCHANT2 = "MERCHANT0000002";

    /** A clock the test can move forward. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-25T04:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    static GatewayConfig config(String storeUrl) {
        return config(storeUrl, "01");
    }

    static GatewayConfig config(String storeUrl, String nodeId) {
        var limits = new GatewayConfig.RefundLimits(180, 500000, 2000000);
        return new GatewayConfig(
                new GatewayConfig.Node(nodeId),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300)),
                new GatewayConfig.Admin("127.0.0.1", 0, null),
                new GatewayConfig.Store(storeUrl, storeUrl.startsWith("jdbc:postgresql:") ? io.switchgate.store.PostgresSupport.USER : "sa",
                        storeUrl.startsWith("jdbc:postgresql:") ? io.switchgate.store.PostgresSupport.PASSWORD : "", 2),
                new GatewayConfig.Security(MASTER),
                List.of(new GatewayConfig.Merchant(MERCHANT, "active", limits),
                        new GatewayConfig.Merchant(MERCHANT2, "active", limits)),
                List.of(new GatewayConfig.Terminal("TERM0001", MERCHANT, "active", true, Map.of("tmk", TMK1, "tpk", TPK1, "tak", TAK1)),
                        new GatewayConfig.Terminal("TERM0002", MERCHANT, "registered", false, Map.of("tpk", TPK1)),
                        new GatewayConfig.Terminal("TERM0003", MERCHANT, "active", false, Map.of("tpk", TPK1)),
                        new GatewayConfig.Terminal("TERM0009", MERCHANT2, "active", false, Map.of("tpk", TPK1)),
                        new GatewayConfig.Terminal("TERM0007", MERCHANT, "active", true, Map.of("bdk", BDK))),
                List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62", "4"), null, null, null), "embedded")),
                List.of(),
                new GatewayConfig.Authorizer(List.of(
                        new GatewayConfig.Card(PAN, "2812", "1234", 1_000_000),
                        new GatewayConfig.Card(PAN_EXPIRED, "2301", "1234", 1_000_000),
                        new GatewayConfig.Card(PAN_LOW, "2812", "1234", 500),
                        new GatewayConfig.Card(PAN_NOPIN, "2812", null, 10_000_000))),
                new GatewayConfig.Logging("text"));
    }

    private EngineFixture() {
    }
}
