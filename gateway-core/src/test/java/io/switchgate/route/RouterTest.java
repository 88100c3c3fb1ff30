package io.switchgate.route;

import io.switchgate.config.GatewayConfig.Route;
import io.switchgate.config.GatewayConfig.RouteMatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RouterTest {
    static final String M1 = "MERCHANT0000001", M2 = "MERCHANT0000002";
    static final String T1 = "TERM0001", T2 = "TERM0002";

    private static Route pan(String host, String... prefixes) {
        return new Route(new RouteMatch(List.of(prefixes), null, null, null), host);
    }

    private static Route route(String host, List<String> pan, List<String> pc, List<String> merchant, List<String> terminal) {
        return new Route(new RouteMatch(pan, pc, merchant, terminal), host);
    }

    @Test
    void noRoutesMeansEmbedded() {
        assertEquals("embedded", new Router(null).route("4111111111111111", "000000", M1, T1));
        assertEquals("embedded", new Router(List.of()).route("4111111111111111", "000000", M1, T1));
        assertEquals(EmbeddedAuthorizer.NAME, new Router(List.of()).route(null, null, null, null));
    }

    /** Ordered table: first match wins; no match falls through to the embedded authorizer. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "6212345678901232, hostA",      // both 62 and 6 match: the first listed wins
            "6011111111111117, hostB",
            "4111111111111111, hostC",
            "4012888888881881, hostC",
            "5555555555554444, embedded",
            "3530111333300000, embedded",
    })
    void firstMatchWins(String pan, String host) {
        Router r = new Router(List.of(pan("hostA", "62"), pan("hostB", "6"), pan("hostC", "4", "62"), pan("hostD", "62")));
        assertEquals(host, r.route(pan, "000000", M1, T1));
    }

    @Test
    void orderMattersNotSpecificity() {
        Router broadFirst = new Router(List.of(pan("broad", "6"), pan("narrow", "6212")));
        assertEquals("broad", broadFirst.route("6212345678901232", "000000", M1, T1));
        Router narrowFirst = new Router(List.of(pan("narrow", "6212"), pan("broad", "6")));
        assertEquals("narrow", narrowFirst.route("6212345678901232", "000000", M1, T1));
        assertEquals("broad", narrowFirst.route("6299999999999999", "000000", M1, T1));
    }

    @ParameterizedTest(name = "pan {0} -> {1}")
    @CsvSource({
            "6212345678901232, acq", "4111111111111111, acq", "5555555555554444, embedded", "2621000000000000, embedded",
    })
    void prefixListMatchesAnyOfItsPrefixes(String pan, String host) {
        assertEquals(host, new Router(List.of(pan("acq", "62", "4"))).route(pan, "000000", M1, T1));
    }

    @ParameterizedTest(name = "processing code {0} -> {1}")
    @CsvSource({"310000, balanceHost", "313000, balanceHost", "000000, saleHost", "200000, saleHost", "020000, embedded"})
    void processingCodePrefix(String pc, String host) {
        Router r = new Router(List.of(
                route("balanceHost", null, List.of("31"), null, null),
                route("saleHost", null, List.of("00", "20"), null, null)));
        assertEquals(host, r.route("6212345678901232", pc, M1, T1));
    }

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource({
            "MERCHANT0000001, TERM0001, both",
            "MERCHANT0000001, TERM0002, merchantOnly",
            "MERCHANT0000002, TERM0001, terminalOnly",
            "MERCHANT0000002, TERM0002, embedded",
    })
    void merchantAndTerminalAreExactAndAllConditionsMustHold(String merchant, String terminal, String host) {
        Router r = new Router(List.of(
                route("both", null, null, List.of(M1), List.of(T1)),
                route("merchantOnly", null, null, List.of(M1), null),
                route("terminalOnly", null, null, null, List.of(T1))));
        assertEquals(host, r.route("6212345678901232", "000000", merchant, terminal));
    }

    @Test
    void merchantIsNotAPrefixMatch() {
        Router r = new Router(List.of(route("h", null, null, List.of("MERCHANT"), null)));
        assertEquals("embedded", r.route("6212345678901232", "000000", M1, T1));
    }

    @Test
    void everyConditionTogether() {
        Router r = new Router(List.of(route("h", List.of("62"), List.of("00"), List.of(M1), List.of(T1))));
        assertEquals("h", r.route("6212345678901232", "000000", M1, T1));
        assertEquals("embedded", r.route("4111111111111111", "000000", M1, T1));
        assertEquals("embedded", r.route("6212345678901232", "310000", M1, T1));
        assertEquals("embedded", r.route("6212345678901232", "000000", M2, T1));
        assertEquals("embedded", r.route("6212345678901232", "000000", M1, T2));
    }

    @Test
    void routeWithoutMatchOrWithEmptyMatchCatchesEverything() {
        assertEquals("all", new Router(List.of(new Route(null, "all"))).route(null, null, null, null));
        assertEquals("all", new Router(List.of(route("all", null, null, null, null))).route(null, null, null, null));
        assertEquals("all", new Router(List.of(route("all", List.of(), List.of(), List.of(), List.of())))
                .route("5555555555554444", "000000", M2, T2));
        // and being a catch-all it shadows everything after it
        assertEquals("all", new Router(List.of(new Route(null, "all"), pan("never", "5"))).route("5555555555554444", "000000", M1, T1));
    }

    @Test
    void missingValueNeverMatchesAConditionOnIt() {
        assertEquals("embedded", new Router(List.of(pan("h", "62"))).route(null, "000000", M1, T1));
        assertEquals("embedded", new Router(List.of(route("h", null, List.of("00"), null, null))).route("62", null, M1, T1));
        assertEquals("embedded", new Router(List.of(route("h", null, null, List.of(M1), null))).route("62", "000000", null, T1));
        assertEquals("embedded", new Router(List.of(route("h", null, null, null, List.of(T1)))).route("62", "000000", M1, null));
    }

    @Test
    void routesAreCopiedAtConstruction() {
        List<Route> routes = new ArrayList<>(List.of(pan("h", "62")));
        Router r = new Router(routes);
        routes.add(0, pan("later", "6"));
        assertEquals("h", r.route("6212345678901232", "000000", M1, T1));
    }
}
