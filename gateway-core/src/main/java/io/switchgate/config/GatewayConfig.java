package io.switchgate.config;

import java.util.List;
import java.util.Map;

/**
 * The whole configuration, as plain data. The server reads it from YAML ({@code config/gateway.yaml});
 * an embedding program may build it in code. Key values are clear hex (test configs) or the stored
 * form {@code kcv:XXXXXX:<hex under master key>}; the security module decides which.
 */
public record GatewayConfig(
        Node node,
        List<Listener> listeners,
        Admin admin,
        Store store,
        Security security,
        List<Merchant> merchants,
        List<Terminal> terminals,
        List<Route> routes,
        List<Host> hosts,
        Authorizer authorizer,
        Logging logging,
        Journal journal) {

    /** Without a {@code journal} section: the default journal settings. */
    public GatewayConfig(Node node, List<Listener> listeners, Admin admin, Store store, Security security,
                         List<Merchant> merchants, List<Terminal> terminals, List<Route> routes, List<Host> hosts,
                         Authorizer authorizer, Logging logging) {
        this(node, listeners, admin, store, security, merchants, terminals, routes, hosts, authorizer, logging, Journal.DEFAULT);
    }

    public record Node(String id) { }

    /**
     * @param idleTimeoutSeconds a connection with nothing in flight and no traffic for this long is closed, and a frame
     *                           once started must be complete within it (0: neither)
     * @param maxConnections     open connections on this listener; more are closed at accept
     * @param maxInFlight        requests in flight per connection; at the limit the connection is not read until
     *                           answers go out
     */
    public record Listener(String name, String host, int port, String framing, String dialect,
                           int maxFrameBytes, int idleTimeoutSeconds, int maxConnections, int maxInFlight) {
        public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
        public static final int DEFAULT_MAX_IN_FLIGHT = 64;

        /** With the default {@code maxConnections} and {@code maxInFlight}. */
        public Listener(String name, String host, int port, String framing, String dialect, int maxFrameBytes,
                        int idleTimeoutSeconds) {
            this(name, host, port, framing, dialect, maxFrameBytes, idleTimeoutSeconds, DEFAULT_MAX_CONNECTIONS,
                    DEFAULT_MAX_IN_FLIGHT);
        }
    }

    public record Admin(String host, int port, String token) {
        @Override
        public String toString() {
            return "Admin[host=" + host + ", port=" + port + ", token=" + Secrets.hidden(token) + "]";
        }
    }

    /**
     * @param sharedByNodes several gateway nodes use this (PostgreSQL) store: a duplicate this node has not seen is
     *                      also looked up in the store (a terminal may retransmit to another node after failover)
     * @param thisNodeAlone the operator said {@code sharedByNodes: false} in so many words: on PostgreSQL this node
     *                      takes the tables for itself (it refuses to start while another node uses them, and they
     *                      refuse it), commits to its file journal and keeps the tables as that journal's projection.
     *                      Without it a PostgreSQL store is taken as shared (the database is the journal), whatever
     *                      {@code sharedByNodes} says, since a second node could be pointed at it by mistake.
     */
    public record Store(String url, String user, String password, int poolSize, boolean sharedByNodes,
                        boolean thisNodeAlone) {
        public Store(String url, String user, String password, int poolSize) {
            this(url, user, password, poolSize, false, false);
        }

        public Store(String url, String user, String password, int poolSize, boolean sharedByNodes) {
            this(url, user, password, poolSize, sharedByNodes, false);
        }

        @Override
        public String toString() {
            return "Store[url=" + url + ", user=" + user + ", password=" + Secrets.hidden(password) + ", poolSize=" + poolSize
                    + ", sharedByNodes=" + sharedByNodes + ", thisNodeAlone=" + thisNodeAlone + "]";
        }

        /** True for a PostgreSQL store this node takes for itself ({@link #thisNodeAlone}): the file journal commits. */
        public boolean postgresProjection() {
            return thisNodeAlone && !sharedByNodes && url != null && url.startsWith("jdbc:postgresql:");
        }
    }

    public record Security(String masterKey) {
        @Override
        public String toString() {
            return "Security[masterKey=" + Secrets.hidden(masterKey) + "]";
        }
    }

    /** Amounts in minor units; 0 = no limit (the same as leaving the key out). */
    public record RefundLimits(int windowDays, long maxSingleAmount, long dailyAmountLimit) { }

    /** @param currencies the DE 49 codes (3 digits) the merchant accepts; null = the default {@code ["156"]} */
    public record Merchant(String id, String status, RefundLimits refund, List<String> currencies) {
        public Merchant(String id, String status, RefundLimits refund) {
            this(id, status, refund, null);
        }
    }

    /** Keys by role: tmk, tpk, tak, bdk (any may be absent). */
    public record Terminal(String id, String merchant, String status, boolean macRequired, Map<String, String> keys) {
        @Override
        public String toString() {
            return "Terminal[id=" + id + ", merchant=" + merchant + ", status=" + status + ", macRequired=" + macRequired
                    + ", keys=" + Secrets.roles(keys) + "]";
        }
    }

    /** Match criteria are ANDed; an empty list matches anything. */
    public record RouteMatch(List<String> panPrefix, List<String> processingCode, List<String> merchant, List<String> terminal) { }

    public record Route(RouteMatch match, String host) { }

    /** Keys by role: zpk, zak. */
    public record Host(String name, List<String> endpoints, String framing, String dialect, int timeoutMillis,
                       String acquirerId, Map<String, String> keys) {
        @Override
        public String toString() {
            return "Host[name=" + name + ", endpoints=" + endpoints + ", framing=" + framing + ", dialect=" + dialect
                    + ", timeoutMillis=" + timeoutMillis + ", acquirerId=" + acquirerId + ", keys=" + Secrets.roles(keys) + "]";
        }
    }

    /** @param expiry YYMM; pin may be null (no PIN check); balance in minor units */
    public record Card(String pan, String expiry, String pin, long balance) {
        @Override
        public String toString() {
            return "Card[pan=" + io.switchgate.iso.PanMask.mask(pan) + ", expiry=" + Secrets.hidden(expiry) + ", pin="
                    + Secrets.hidden(pin) + ", balance=" + balance + "]";
        }
    }

    /**
     * How the records print secrets (a configuration logged by an embedding program must not hand out its keys, PINs
     * and PANs: a black-box audit found {@code toString} printing them all): a value as {@code ****}, keys by role only.
     */
    private static final class Secrets {
        private Secrets() {
        }

        static String hidden(String v) {
            return v == null ? "null" : v.isEmpty() ? "" : "****";
        }

        static String roles(Map<String, String> keys) {
            return keys == null ? "null" : new java.util.TreeSet<>(keys.keySet()).toString();
        }
    }

    public record Authorizer(List<Card> cards) { }

    /** @param format "text" or "json" */
    public record Logging(String format) { }

    /**
     * The append-only journal's settings (CONTRACT.md section 2): the commit point of one node on an H2 file store (see
     * {@code JournalPlacement}); PostgreSQL and shared stores journal in the database and ignore them.
     *
     * @param dir        the journal's directory; null: {@code journal} beside the H2 database file
     * @param durability {@code fsync}: an answer leaves only after its record is on disk; {@code write}: once the
     *                   operating system has it
     */
    public record Journal(String dir, String durability) {
        public static final Journal DEFAULT = new Journal(null, "fsync");
    }
}
