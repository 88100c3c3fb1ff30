package io.switchgate.route;

import io.switchgate.config.GatewayConfig;

import java.util.List;

/** Ordered routes, first match wins; no match means the embedded authorizer. */
public final class Router {
    private final List<GatewayConfig.Route> routes;

    public Router(List<GatewayConfig.Route> routes) {
        this.routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /** The target name ("embedded" or a host) for a request. */
    public String route(String pan, String processingCode, String merchantId, String terminalId) {
        for (GatewayConfig.Route r : routes) {
            var m = r.match();
            if (m == null) return r.host();
            if (matchesPrefix(m.panPrefix(), pan) && matchesPrefix(m.processingCode(), processingCode)
                    && matchesExact(m.merchant(), merchantId) && matchesExact(m.terminal(), terminalId)) {
                return r.host();
            }
        }
        return EmbeddedAuthorizer.NAME;
    }

    private static boolean matchesPrefix(List<String> prefixes, String value) {
        if (prefixes == null || prefixes.isEmpty()) return true;
        if (value == null) return false;
        for (String p : prefixes) if (value.startsWith(p)) return true;
        return false;
    }

    private static boolean matchesExact(List<String> values, String value) {
        if (values == null || values.isEmpty()) return true;
        return value != null && values.contains(value);
    }
}
