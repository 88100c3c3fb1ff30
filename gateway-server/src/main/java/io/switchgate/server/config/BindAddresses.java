package io.switchgate.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses the gateway will bind (its listeners, then its admin API), checked against each other while the
 * configuration is read, so that two of them on one port stop start-up with exit 2 naming the key, rather than
 * with a bind failure (exit 1) once half the gateway is up. Two binds clash on the same port when their hosts are the
 * same or either one is a wildcard ({@code 0.0.0.0}, {@code ::}), which takes the port on every address. Port 0 (a
 * free port chosen at bind) clashes with nothing.
 */
final class BindAddresses {
    private record Bind(String what, String host, int port) {
    }

    private final List<Bind> taken = new ArrayList<>();

    /** Records {@code host:port} for {@code what} (said in the error), or throws if an earlier bind takes it. */
    void claim(String path, String what, String host, int port) {
        if (port == 0) return;
        for (Bind b : taken) {
            if (b.port == port && (b.host.equalsIgnoreCase(host) || isWildcard(b.host) || isWildcard(host))) {
                throw new ConfigException(path, host + ":" + port + " is already used by " + b.what
                        + " (" + b.host + ":" + b.port + ")");
            }
        }
        taken.add(new Bind(what, host, port));
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("*");
    }
}
