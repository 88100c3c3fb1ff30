package io.switchgate.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configuration built in code (an embedding program) meets the checks the YAML loader's users meet: each fault named
 * by its key, before the store is opened; and printing one hands out no key, PIN or PAN (a black-box audit).
 */
class ConfigCheckTest {
    private static final String M1 = "MERCHANT0000001";
    private static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    private static final String PAN = "6212345678901232";

    private static GatewayConfig good() {
        return new GatewayConfig(new GatewayConfig.Node("01"),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300)),
                new GatewayConfig.Admin("127.0.0.1", 0, "s3cret-token"),
                new GatewayConfig.Store("memory:", "sa", "pw", 2),
                new GatewayConfig.Security(MASTER),
                List.of(new GatewayConfig.Merchant(M1, "active", new GatewayConfig.RefundLimits(180, 0, 0))),
                List.of(new GatewayConfig.Terminal("TERM0001", M1, "active", true, Map.of("tak", "11111111111111111111111111111111"))),
                List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62"), null, null, null), "embedded")),
                List.of(new GatewayConfig.Host("acqA", List.of("127.0.0.1:1"), "nac2", "iso87binary", 5000, "1",
                        Map.of("zpk", "22222222222222222222222222222222"))),
                new GatewayConfig.Authorizer(List.of(new GatewayConfig.Card(PAN, "2812", "9753", 100))),
                new GatewayConfig.Logging("text"));
    }

    private static GatewayConfig with(UnaryOperator<List<Object>> change) {
        GatewayConfig g = good();
        List<Object> parts = new ArrayList<>(List.of(g.node(), g.listeners(), g.admin(), g.store(), g.security(),
                g.merchants(), g.terminals(), g.routes(), g.hosts(), g.authorizer(), g.logging(), g.journal()));
        parts = change.apply(parts);
        return new GatewayConfig((GatewayConfig.Node) parts.get(0), cast(parts.get(1)), (GatewayConfig.Admin) parts.get(2),
                (GatewayConfig.Store) parts.get(3), (GatewayConfig.Security) parts.get(4), cast(parts.get(5)),
                cast(parts.get(6)), cast(parts.get(7)), cast(parts.get(8)), (GatewayConfig.Authorizer) parts.get(9),
                (GatewayConfig.Logging) parts.get(10), (GatewayConfig.Journal) parts.get(11));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> cast(Object o) {
        return (List<T>) o;
    }

    private static List<Object> set(List<Object> parts, int i, Object v) {
        parts.set(i, v);
        return parts;
    }

    private static void fails(GatewayConfig c, String message) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCheck.check(c));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aWholeConfigurationPasses() {
        assertDoesNotThrow(() -> ConfigCheck.check(good()));
    }

    @Test
    void eachFaultIsNamedByItsKey() {
        fails(null, "(configuration): is null");
        fails(with(p -> set(p, 0, null)), "node.id: missing (required: two characters, part of every RRN)");
        fails(with(p -> set(p, 0, new GatewayConfig.Node("001"))), "node.id: '001' must be exactly 2 letters or digits");
        fails(with(p -> set(p, 4, null)), "security.masterKey: is required");
        GatewayConfig.Listener pos = good().listeners().get(0);
        fails(with(p -> set(p, 1, List.of(pos, pos))), "listeners[1].name: duplicate listener name 'pos'");
        fails(with(p -> set(p, 1, List.of(new GatewayConfig.Listener(null, "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300)))),
                "listeners[0].name: missing");
        GatewayConfig.Merchant m = good().merchants().get(0);
        fails(with(p -> set(p, 5, List.of(m, m))), "merchants[1].id: duplicate merchant id 'MERCHANT0000001'");
        GatewayConfig.Terminal t = good().terminals().get(0);
        fails(with(p -> set(p, 6, List.of(t, t))), "terminals[1].id: duplicate terminal id 'TERM0001'");
        fails(with(p -> set(p, 6, List.of(new GatewayConfig.Terminal("TERM0001", "MERCHANT0000009", "active", false, Map.of())))),
                "terminals[0].merchant: unknown merchant 'MERCHANT0000009' (not in merchants)");
        fails(with(p -> set(p, 6, List.of(new GatewayConfig.Terminal("TERM0001", M1, "active", true, Map.of("tpk", "33"))))),
                "terminals[0].macRequired: true, but the terminal has no tak (nor a tmk to issue one at sign-on, nor a bdk)");
        GatewayConfig.Host h = good().hosts().get(0);
        fails(with(p -> set(p, 8, List.of(h, h))), "hosts[1].name: duplicate host name 'acqA'");
        GatewayConfig.Card card = good().authorizer().cards().get(0);
        fails(with(p -> set(p, 9, new GatewayConfig.Authorizer(List.of(card, card)))),
                "authorizer.cards[1].pan: duplicate card 621234******1232");
        fails(with(p -> set(p, 9, new GatewayConfig.Authorizer(List.of(new GatewayConfig.Card(null, "2812", null, 1))))),
                "authorizer.cards[0].pan: missing");
    }

    @Test
    void aRouteNamesTheEmbeddedAuthorizerOrAHostThatIsServed() {
        GatewayConfig c = with(p -> set(p, 7, List.of(
                new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("4"), null, null, null), "acqA"),
                new GatewayConfig.Route(new GatewayConfig.RouteMatch(null, null, null, null), "acqX"))));
        assertDoesNotThrow(() -> ConfigCheck.routes(c, java.util.Set.of("acqA", "acqX")));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigCheck.routes(c, java.util.Set.of("acqA")));
        assertEquals("routes[1].host: unknown host 'acqX' (use 'embedded' or a name from hosts)", e.getMessage());
    }

    /** The loader's value checks hold for a configuration built in code too (an embedding audit). */
    @Test
    void cardsAndRefundLimitsBuiltInCodeAreCheckedAsTheLoaderChecksThem() {
        GatewayConfig.Card card = good().authorizer().cards().get(0);
        fails(with(p -> set(p, 9, new GatewayConfig.Authorizer(List.of(new GatewayConfig.Card(card.pan(), "2813", null, 1))))),
                "authorizer.cards[0].expiry: '2813' must be YYMM with a month 01..12");
        fails(with(p -> set(p, 9, new GatewayConfig.Authorizer(List.of(new GatewayConfig.Card(card.pan(), null, null, 1))))),
                "authorizer.cards[0].expiry: missing");
        fails(with(p -> set(p, 9, new GatewayConfig.Authorizer(List.of(new GatewayConfig.Card(card.pan(), "2812", null, -5))))),
                "authorizer.cards[0].balance: -5 is below 0");
        GatewayConfig.Merchant m = good().merchants().get(0);
        fails(with(p -> set(p, 5, List.of(new GatewayConfig.Merchant(m.id(), m.status(), new GatewayConfig.RefundLimits(-1, 0, 0))))),
                "merchants[0].refund.windowDays: -1 is not 0..3650");
        fails(with(p -> set(p, 5, List.of(new GatewayConfig.Merchant(m.id(), m.status(), new GatewayConfig.RefundLimits(30, -5, 0))))),
                "merchants[0].refund.maxSingleAmount: -5 is below 0");
        fails(with(p -> set(p, 5, List.of(new GatewayConfig.Merchant(m.id(), m.status(), m.refund(), List.of("CNY"))))),
                "merchants[0].currencies: 'CNY' is not a 3-digit ISO 4217 code");
        fails(with(p -> set(p, 5, List.of(new GatewayConfig.Merchant(m.id(), "sleeping", m.refund())))),
                "merchants[0].status: 'sleeping' is not one of active | frozen | closed");
        GatewayConfig.Terminal t = good().terminals().get(0);
        fails(with(p -> set(p, 6, List.of(new GatewayConfig.Terminal(t.id(), t.merchant(), "lost", false, Map.of())))),
                "terminals[0].status: 'lost' is not one of registered | active | suspended | returned");
    }

    /** A journal durability other than fsync or write is refused before any store file exists (an embedding audit). */
    @Test
    void aJournalDurabilityOtherThanFsyncOrWriteIsRefusedBeforeTheStoreOpens() {
        fails(with(p -> set(p, 11, new GatewayConfig.Journal(null, "sync"))), "journal.durability: 'sync' is not one of fsync | write");
        assertDoesNotThrow(() -> ConfigCheck.check(with(p -> set(p, 11, new GatewayConfig.Journal(null, " write")))));
        assertDoesNotThrow(() -> ConfigCheck.check(with(p -> set(p, 11, new GatewayConfig.Journal(null, "FSYNC")))));
    }

    /** A route's merchant or terminal that is not configured never matches: its traffic went to a later route, silently. */
    @Test
    void aRouteMatchesOnlyConfiguredMerchantsAndTerminals() {
        fails(with(p -> set(p, 7, List.of(new GatewayConfig.Route(
                        new GatewayConfig.RouteMatch(null, null, List.of(M1, "NOPE"), null), "acqA")))),
                "routes[0].match.merchant: unknown merchant 'NOPE' (not in merchants)");
        fails(with(p -> set(p, 7, List.of(
                        new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("4"), null, null, null), "embedded"),
                        new GatewayConfig.Route(new GatewayConfig.RouteMatch(null, null, null, List.of("NOPE0001")), "acqA")))),
                "routes[1].match.terminal: unknown terminal 'NOPE0001' (not in terminals)");
        assertDoesNotThrow(() -> ConfigCheck.check(with(p -> set(p, 7, List.of(new GatewayConfig.Route(
                new GatewayConfig.RouteMatch(null, null, List.of(M1), List.of("TERM0001")), "acqA"))))));
    }

    @Test
    void printingAConfigurationHandsOutNoSecret() {
        String printed = good().toString();
        for (String secret : List.of(MASTER, "s3cret-token", "=pw", "11111111111111111111111111111111",
                "22222222222222222222222222222222", PAN, "9753", "2812")) {
            assertFalse(printed.contains(secret), secret + " in " + printed);
        }
        assertTrue(printed.contains("621234******1232"), printed);
        assertTrue(printed.contains("keys=[tak]") && printed.contains("keys=[zpk]"), "keys by role: " + printed);
        assertTrue(printed.contains("TERM0001") && printed.contains("memory:"), printed);
    }
}
