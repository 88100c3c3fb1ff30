package io.switchgate.server.config;

import java.nio.channels.UnresolvedAddressException;

/**
 * Why a listener or the admin API could not bind, as the command reports it. An address this machine does not have, or
 * a host name that does not resolve, is the configuration's to mend: a {@link ConfigException} naming the key's
 * {@code host} (exit 2, contract section 1). A port another process holds, or a privileged one, is the machine's
 * state, not the file's: a start-up failure naming the listener and host:port (exit 1), as before.
 */
public final class BindFailure {
    private BindFailure() {
    }

    /**
     * Before anything is opened: a host this machine cannot listen on (a name that does not resolve, an address no
     * interface has) is a configuration error now, not after the store and the journal were opened and {@code ./data}
     * made (a black-box audit: exit 2 all the same, four log lines and a data directory first).
     *
     * @throws ConfigException naming {@code path + ".host"}
     */
    public static void checkAddress(String path, String host, int port) {
        if (host == null || host.isBlank()) return; // every address: left to the bind
        java.net.InetAddress a;
        try {
            a = java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException(path + ".host", "cannot listen on " + host + ":" + port + ": the host name does not resolve");
        }
        if (a.isAnyLocalAddress() || a.isLoopbackAddress()) return;
        try {
            if (java.net.NetworkInterface.getByInetAddress(a) != null) return;
        } catch (java.net.SocketException e) {
            return; // cannot tell: the bind will
        }
        throw new ConfigException(path + ".host", "cannot listen on " + host + ":" + port + ": not an address of this machine");
    }

    /**
     * @param path  the bind's key without its last part, e.g. {@code listeners[0]} or {@code admin}
     * @param what  what failed to bind, said in a start-up failure ({@code listener pos}, {@code admin})
     * @param where {@code host:port}
     * @return the exception to throw
     */
    public static RuntimeException of(String path, String what, String where, Throwable cause) {
        String why = cause == null ? "unknown error" : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return new ConfigException(path + ".host", "cannot listen on " + where + ": the host name does not resolve");
            }
            String m = t.getMessage();
            if (m != null && m.contains("Cannot assign requested address")) {
                return new ConfigException(path + ".host", "cannot listen on " + where + ": not an address of this machine");
            }
        }
        return new io.switchgate.server.net.ServerStartException(what + ": cannot listen on " + where + ": " + why, cause);
    }
}
