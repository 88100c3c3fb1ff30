package io.switchgate.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses the gateway will bind (its listeners, then its admin API), checked against each other while the
 * configuration is read, so that two of them on one port stop start-up with exit 2 naming the key, rather than
 * with a bind failure (exit 1) once half the gateway is up. Two binds clash on the same port when their hosts are the
 * same address or either one is a wildcard ({@code 0.0.0.0}, {@code ::}), which takes the port on every address. IP
 * literals are compared as addresses ({@code ::1} and {@code [0:0:0:0:0:0:0:1]} are one), {@code localhost} as
 * 127.0.0.1, other names as written (no name is looked up here: a clash hidden behind two names of one address still
 * fails at bind, exit 2 naming the key: see {@code ServeCommand}). Port 0 (a free port chosen at
 * bind) clashes with nothing.
 */
final class BindAddresses {
    private record Bind(String what, String host, String address, int port) {
    }

    private final List<Bind> taken = new ArrayList<>();

    /** Records {@code host:port} for {@code what} (said in the error), or throws if an earlier bind takes it. */
    void claim(String path, String what, String host, int port) {
        if (port == 0) return;
        String address = canonical(host);
        for (Bind b : taken) {
            if (b.port == port && (b.address.equals(address) || b.address.equals(ANY) || address.equals(ANY))) {
                throw new ConfigException(path, endpoint(host, port) + " is already used by " + b.what
                        + " (" + endpoint(b.host, b.port) + ")");
            }
        }
        taken.add(new Bind(what, host, address, port));
    }

    private static final String ANY = "*";

    /** {@code host:port}, an IPv6 literal in brackets. */
    private static String endpoint(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** An IP literal as its address ({@link #ANY} for a wildcard), a name in lower case. */
    private static String canonical(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("*")) return ANY;
        // the one name every system resolves the same way, without a look-up (a black-box audit bound a listener on
        // localhost and the admin API on 127.0.0.1, one port: exit 1 at bind)
        if (h.equalsIgnoreCase("localhost")) return "127.0.0.1";
        if (!isIpLiteral(h)) return h.toLowerCase(java.util.Locale.ROOT);
        try {
            InetAddress a = InetAddress.getByName(h); // a literal: parsed, never looked up
            return a.isAnyLocalAddress() ? ANY : a.getHostAddress();
        } catch (UnknownHostException e) {
            return h.toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static boolean isIpLiteral(String h) {
        if (h.isEmpty()) return false;
        if (h.indexOf(':') >= 0) return h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        return h.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && h.chars().filter(c -> c == '.').count() == 3;
    }
}
