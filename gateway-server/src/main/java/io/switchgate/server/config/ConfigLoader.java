package io.switchgate.server.config;

import io.switchgate.config.ConfigCheck;
import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.iso.Dialect;
import io.switchgate.server.host.HostDialects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code config/gateway.yaml} into a {@link GatewayConfig}, strictly: an unknown key or a bad value
 * is a {@link ConfigException} whose one-line message names the key's full path
 * (e.g. {@code listeners[0].framng: unknown key}). Values written {@code env:NAME} come from the
 * environment. See docs/configuration.md for every key and its default.
 */
public final class ConfigLoader {

    /** The environment variable the shipped configuration reads the master key from. */
    public static final String MASTER_KEY_ENV = "GATEWAY_MASTER_KEY";
    /** The environment variable the shipped configuration reads the admin token from. */
    public static final String ADMIN_TOKEN_ENV = "GATEWAY_ADMIN_TOKEN";
    /**
     * The public DEMO master key used when {@code security.masterKey} is {@code env:GATEWAY_MASTER_KEY} (or
     * absent) and that variable is unset, so the shipped configuration runs with no setup. It is published
     * here and in docs/configuration.md: anything kept under it is not protected. Never use it in production.
     */
    public static final String DEMO_MASTER_KEY = "0123456789ABCDEFFEDCBA9876543210";

    public static final Set<String> FRAMINGS = Set.of("nac2", "ascii4", "nac2-tpdu");
    public static final Set<String> DIALECTS = Set.of("iso87binary", "iso87ascii", "iso93binary");
    public static final String EMBEDDED = "embedded";

    private static final String[] FRAMING_VALUES = {"nac2", "ascii4", "nac2-tpdu"};
    private static final String[] TOP = {"node", "listeners", "admin", "store", "security", "merchants",
            "terminals", "routes", "hosts", "authorizer", "logging", "journal"};

    private final Function<String, String> env;
    private Path baseDir;
    private boolean demoMasterKey;
    private final List<String> warnings = new ArrayList<>();

    public ConfigLoader() {
        this(System::getenv);
    }

    /** @param env looks up environment variables (tests pass a map's {@code get}) */
    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** Warnings of the last load (demo master key, admin API without token), for the caller to log. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Whether the last load fell back to the {@link #DEMO_MASTER_KEY}. */
    public boolean usedDemoMasterKey() {
        return demoMasterKey;
    }

    /** Loads and checks a YAML file; relative dialect XML paths are also looked up beside it. */
    public GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "configuration file " + file + " not found");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read configuration file " + file + ": " + e.getMessage());
        }
        Path parent = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), parent);
    }

    /** Where the commands look when no {@code --config} is given. */
    public static final Path DEFAULT_FILE = Path.of("config/gateway.yaml");
    private static final String SHIPPED_RESOURCE = "/io/switchgate/server/gateway.yaml";

    /**
     * {@code file} if given; otherwise {@code config/gateway.yaml} in the working directory, or, when that is
     * absent, the copy of the shipped configuration inside the jar (with a warning saying so).
     */
    public GatewayConfig loadOrShipped(Path file) {
        if (file != null || Files.exists(DEFAULT_FILE)) return load(file != null ? file : DEFAULT_FILE);
        try (var in = ConfigLoader.class.getResourceAsStream(SHIPPED_RESOURCE)) {
            if (in == null) throw new ConfigException("", "configuration file " + DEFAULT_FILE + " not found");
            GatewayConfig cfg = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "shipped gateway.yaml",
                    Path.of("").toAbsolutePath());
            warnings.add(DEFAULT_FILE + " not found here: using the shipped configuration built into the jar");
            return cfg;
        } catch (IOException e) {
            throw new ConfigException("", "cannot read the shipped configuration: " + e.getMessage());
        }
    }

    /** Parses YAML text; {@code source} names it in syntax errors. */
    public GatewayConfig parse(String yaml, String source, Path baseDir) {
        this.baseDir = baseDir;
        Object root;
        try {
            LoaderOptions opts = new LoaderOptions();
            opts.setAllowDuplicateKeys(false);
            opts.setAllowRecursiveKeys(false);
            opts.setMaxAliasesForCollections(50);
            org.yaml.snakeyaml.DumperOptions dump = new org.yaml.snakeyaml.DumperOptions();
            root = new Yaml(new SafeConstructor(opts), new org.yaml.snakeyaml.representer.Representer(dump), dump, opts,
                    new DecimalResolver()).load(yaml);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = m == null ? "" : " at line " + (m.getLine() + 1) + " column " + (m.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : String.valueOf(e.getContext());
            throw new ConfigException("", source + ": YAML syntax error" + where + ": " + oneLine(problem));
        } catch (YAMLException e) {
            throw new ConfigException("", source + ": YAML error: " + oneLine(e.getMessage()));
        }
        if (root == null) {
            throw new ConfigException("", source + " is empty");
        }
        return build(YamlNode.of("", root, env, TOP));
    }

    /** Checks an already-parsed YAML tree (maps, lists, scalars). */
    public GatewayConfig fromMap(Map<String, Object> tree) {
        return build(YamlNode.of("", tree, env, TOP));
    }

    private GatewayConfig build(YamlNode root) {
        demoMasterKey = false;
        warnings.clear();
        GatewayConfig.Node node = node(root);
        BindAddresses binds = new BindAddresses();
        List<GatewayConfig.Listener> listeners = listeners(root, binds);
        GatewayConfig.Admin admin = admin(root, binds);
        GatewayConfig.Store store = store(root);
        GatewayConfig.Security security = security(root);
        List<GatewayConfig.Merchant> merchants = merchants(root);
        List<GatewayConfig.Terminal> terminals = terminals(root);
        List<GatewayConfig.Host> hosts = hosts(root);
        List<GatewayConfig.Route> routes = routes(root);
        GatewayConfig.Authorizer authorizer = authorizer(root);
        GatewayConfig.Logging logging = logging(root);
        boolean postgresJournal = store.url().startsWith("jdbc:postgresql:") && !store.thisNodeAlone();
        GatewayConfig.Journal journal = journal(root, !postgresJournal);
        if (root.has("journal") && postgresJournal) {
            warnings.add("journal: not used: several nodes share the PostgreSQL store (store.sharedByNodes), which is "
                    + "their journal; the file journal is for one node (sharedByNodes: false)");
        }
        GatewayConfig config = new GatewayConfig(node, listeners, admin, store, security, merchants, terminals, routes,
                hosts, authorizer, logging, journal);
        try {
            // uniqueness and what refers to what: the same checks a program that builds the records meets at start
            ConfigCheck.check(config);
            Set<String> hostNames = new HashSet<>();
            for (GatewayConfig.Host h : hosts) hostNames.add(h.name());
            ConfigCheck.routes(config, hostNames);
        } catch (InvalidConfigException e) {
            throw new ConfigException(e.key(), e.getMessage().substring(e.key().length() + 2));
        }
        return config;
    }

    private GatewayConfig.Node node(YamlNode root) {
        if (!root.has("node")) {
            throw new ConfigException("node.id", "missing (required: two characters, part of every RRN)");
        }
        YamlNode n = root.node("node", "id");
        String id = n.reqStr("id");
        if (id.length() != 2 || !isAlnum(id)) {
            throw new ConfigException(n.path("id"), "'" + id + "' must be exactly 2 letters or digits (quote it, e.g. \"01\")");
        }
        return new GatewayConfig.Node(id);
    }

    private List<GatewayConfig.Listener> listeners(YamlNode root, BindAddresses binds) {
        List<YamlNode> nodes = root.nodes("listeners", "name", "host", "port", "framing", "dialect", "maxFrameBytes",
                "idleTimeoutSeconds", "maxConnections", "maxInFlight");
        if (nodes.isEmpty()) {
            throw new ConfigException("listeners", "at least one listener is required");
        }
        List<GatewayConfig.Listener> out = new ArrayList<>();
        for (YamlNode l : nodes) {
            String name = l.reqStr("name");
            if (name.isBlank() || !isName(name)) {
                throw new ConfigException(l.path("name"), "'" + name + "' must be letters, digits, '-' or '_'");
            }
            String host = hostValue(l, "host", "0.0.0.0");
            int port = l.integer("port", null, 0, 65535);
            String framing = l.oneOf("framing", "nac2", FRAMING_VALUES);
            String dialect = dialect(l, "dialect");
            int maxLimit = framing.equals("ascii4") ? 9999 : 65535;
            int maxFrame = l.integer("maxFrameBytes", Math.min(8192, maxLimit), 16, maxLimit);
            int idle = l.integer("idleTimeoutSeconds", 300, 0, 86400);
            int maxConnections = l.integer("maxConnections", GatewayConfig.Listener.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
            int maxInFlight = l.integer("maxInFlight", GatewayConfig.Listener.DEFAULT_MAX_IN_FLIGHT, 1, 65_536);
            binds.claim(l.path("port"), "listener '" + name + "'", host, port);
            out.add(new GatewayConfig.Listener(name, host, port, framing, dialect, maxFrame, idle, maxConnections, maxInFlight));
        }
        return List.copyOf(out);
    }

    private GatewayConfig.Admin admin(YamlNode root, BindAddresses binds) {
        YamlNode a = root.node("admin", "host", "port", "token");
        String host = hostValue(a, "host", "127.0.0.1");
        int port = a.integer("port", 8584, 0, 65535);
        binds.claim(a.path("port"), "the admin API", host, port);
        String literal = a.literal("token");
        String token;
        if (literal != null && literal.startsWith("env:") && !literal.substring(4).isBlank()) {
            // env:NAME unset or empty means "not configured": a token is generated (see below), never no token
            token = env.apply(literal.substring(4).trim());
        } else {
            token = literal == null ? null : a.str("token", null);
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (token == null) {
            String why = literal == null ? "no admin.token in the config"
                    : literal.startsWith("env:") ? literal.substring(4).trim() + " is unset or empty" : "admin.token is empty";
            warnings.add("admin.token is not set (" + why + "): the admin API uses the token generated in "
                    + "<data directory>/" + io.switchgate.server.admin.AdminTokenFile.FILE_NAME + " (its path is logged at start)");
        }
        return new GatewayConfig.Admin(host, port, token);
    }

    private GatewayConfig.Store store(YamlNode root) {
        YamlNode s = root.node("store", "url", "user", "password", "poolSize", "sharedByNodes");
        String url = s.str("url", "jdbc:h2:file:./data/gateway");
        if (!url.startsWith("jdbc:") && !url.startsWith("memory:")) {
            throw new ConfigException(s.path("url"), "'" + url + "' is not a JDBC URL (jdbc:h2:... or jdbc:postgresql://...) nor memory:");
        }
        h2FileDirectory(s.path("url"), url);
        String user = s.str("user", "sa");
        String password = s.str("password", "");
        int pool = s.integer("poolSize", 4, 1, 256);
        boolean shared = s.bool("sharedByNodes", false);
        if (shared && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException(s.path("sharedByNodes"), "only a PostgreSQL store can be shared by several gateway nodes");
        }
        // Said in so many words: on PostgreSQL, "false" takes the store for this node alone (file journal, the tables
        // its projection); left out, a PostgreSQL store stays shared, the safe reading when nobody said.
        boolean alone = s.has("sharedByNodes") && !shared;
        return new GatewayConfig.Store(url, user, password, pool, shared, alone);
    }

    private GatewayConfig.Security security(YamlNode root) {
        YamlNode s = root.node("security", "masterKey");
        String literal = s.literal("masterKey");
        String key;
        if (literal == null || (literal.equals("env:" + MASTER_KEY_ENV) && env.apply(MASTER_KEY_ENV) == null)) {
            warnings.add("*** " + MASTER_KEY_ENV + " is not set: using the public DEMO master key. Keys at rest are NOT "
                    + "protected. Never run like this in production. ***");
            demoMasterKey = true;
            key = DEMO_MASTER_KEY;
        } else {
            String v = s.reqStr("masterKey").trim();
            String prefix = "";
            if (v.regionMatches(true, 0, "aes:", 0, 4) || v.regionMatches(true, 0, "tdes:", 0, 5)) {
                prefix = v.substring(0, v.indexOf(':') + 1).toLowerCase();
                v = v.substring(prefix.length());
            }
            v = v.toUpperCase();
            boolean aes = prefix.equals("aes:");
            boolean okLength = aes ? (v.length() == 32 || v.length() == 48 || v.length() == 64)
                    : prefix.equals("tdes:") ? (v.length() == 32 || v.length() == 48)
                    : (v.length() == 32 || v.length() == 48 || v.length() == 64);
            if (!isHex(v) || !okLength) {
                throw new ConfigException(s.path("masterKey"), "must be 32 or 48 hex characters (TDES), 64 (AES-256), "
                        + "or aes:<32|48|64 hex>; found " + v.length() + " characters" + (isHex(v) ? "" : " with non-hex digits"));
            }
            key = prefix + v;
        }
        return new GatewayConfig.Security(key);
    }

    private List<GatewayConfig.Merchant> merchants(YamlNode root) {
        List<GatewayConfig.Merchant> out = new ArrayList<>();
        for (YamlNode m : root.nodes("merchants", "id", "status", "refund", "currencies")) {
            String id = m.reqStr("id");
            if (id.length() != 15) {
                throw new ConfigException(m.path("id"), "'" + id + "' must be exactly 15 characters (DE 42), found " + id.length());
            }
            requirePrintableAscii(m.path("id"), id, "DE 42");
            String status = m.oneOf("status", "active", "active", "frozen", "closed");
            YamlNode r = m.node("refund", "windowDays", "maxSingleAmount", "dailyAmountLimit");
            int window = r.integer("windowDays", 180, 0, 3650);
            // absent and 0 both mean "no limit" (stored and shown as 0)
            long single = r.lng("maxSingleAmount", 0L, 0, Long.MAX_VALUE);
            long daily = r.lng("dailyAmountLimit", 0L, 0, Long.MAX_VALUE);
            out.add(new GatewayConfig.Merchant(id, status, new GatewayConfig.RefundLimits(window, single, daily), currencies(m)));
        }
        return List.copyOf(out);
    }

    /**
     * A terminal or merchant ID goes in an ISO 8583 field of type ans: printable ASCII. One with another character (an
     * "é" is two bytes in UTF-8) could never match what a terminal sends.
     */
    private static void requirePrintableAscii(String path, String id, String field) {
        for (int k = 0; k < id.length(); k++) {
            char c = id.charAt(k);
            if (c < 0x20 || c > 0x7E) {
                throw new ConfigException(path, "'" + id + "' must be printable ASCII (" + field + "), found U+"
                        + String.format("%04X", (int) c) + " at position " + (k + 1));
            }
        }
    }

    /** {@code currencies}: a non-empty list of distinct 3-digit ISO 4217 numeric codes; absent = ["156"]. */
    private static List<String> currencies(YamlNode m) {
        if (m.raw("currencies") == null) return List.of("156");
        List<String> list = m.strings("currencies");
        if (list == null || list.isEmpty()) {
            throw new ConfigException(m.path("currencies"), "must list at least one currency (3 digits, e.g. \"156\")");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String c = list.get(i);
            if (c == null || c.length() != 3 || !c.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new ConfigException(m.path("currencies") + "[" + i + "]", "'" + c + "' is not a 3-digit ISO 4217 numeric code (quote it: \"840\")");
            }
            if (!seen.add(c)) throw new ConfigException(m.path("currencies") + "[" + i + "]", "duplicate currency '" + c + "'");
        }
        return List.copyOf(list);
    }

    private List<GatewayConfig.Terminal> terminals(YamlNode root) {
        List<GatewayConfig.Terminal> out = new ArrayList<>();
        for (YamlNode t : root.nodes("terminals", "id", "merchant", "status", "macRequired", "keys")) {
            String id = t.reqStr("id");
            if (id.length() != 8) {
                throw new ConfigException(t.path("id"), "'" + id + "' must be exactly 8 characters (DE 41), found " + id.length());
            }
            requirePrintableAscii(t.path("id"), id, "DE 41");
            String merchant = t.reqStr("merchant");
            String status = t.oneOf("status", "active", "registered", "active", "suspended", "returned");
            boolean mac = t.bool("macRequired", false);
            Map<String, String> keys = keys(t.node("keys", "tmk", "tpk", "tak", "bdk"), "tmk", "tpk", "tak", "bdk");
            out.add(new GatewayConfig.Terminal(id, merchant, status, mac, keys));
        }
        return List.copyOf(out);
    }

    private List<GatewayConfig.Host> hosts(YamlNode root) {
        List<GatewayConfig.Host> out = new ArrayList<>();
        for (YamlNode h : root.nodes("hosts", "name", "endpoints", "framing", "dialect", "timeoutMillis", "acquirerId", "keys")) {
            String name = h.reqStr("name");
            if (name.isBlank() || !isName(name)) {
                throw new ConfigException(h.path("name"), "'" + name + "' must be letters, digits, '-' or '_'");
            }
            if (name.equals(EMBEDDED)) {
                throw new ConfigException(h.path("name"), "'embedded' is reserved for the embedded authorizer");
            }
            List<String> endpoints = h.strings("endpoints");
            if (endpoints.isEmpty()) {
                throw new ConfigException(h.path("endpoints"), "at least one host:port is required");
            }
            for (int i = 0; i < endpoints.size(); i++) {
                checkEndpoint(h.path("endpoints") + "[" + i + "]", endpoints.get(i));
            }
            String framing = h.oneOf("framing", "nac2", FRAMING_VALUES);
            String dialect = dialect(h, "dialect");
            String unfit;
            try {
                unfit = HostDialects.whyUnfit(Dialect.named(dialect));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(h.path("dialect"), e.getMessage());
            }
            if (unfit != null) {
                throw new ConfigException(h.path("dialect"), "'" + h.str("dialect", "iso87binary") + "' " + unfit);
            }
            int timeout = h.integer("timeoutMillis", 5000, 1, 600_000);
            String acq = h.str("acquirerId", null);
            if (acq == null) throw new ConfigException(h.path("acquirerId"), "missing (required: 1 to 11 digits, sent in DE 32)");
            if (acq.isEmpty() || acq.length() > 11 || !isDigits(acq)) {
                throw new ConfigException(h.path("acquirerId"), "'" + acq + "' must be 1 to 11 digits (DE 32)");
            }
            Map<String, String> keys = keys(h.node("keys", "zpk", "zak"), "zpk", "zak");
            out.add(new GatewayConfig.Host(name, endpoints, framing, dialect, timeout, acq, keys));
        }
        return List.copyOf(out);
    }

    private List<GatewayConfig.Route> routes(YamlNode root) {
        List<GatewayConfig.Route> out = new ArrayList<>();
        for (YamlNode r : root.nodes("routes", "match", "host")) {
            YamlNode m = r.node("match", "panPrefix", "processingCode", "merchant", "terminal");
            List<String> pan = m.strings("panPrefix");
            for (int i = 0; i < pan.size(); i++) {
                String p = pan.get(i);
                if (p.isEmpty() || p.length() > 19 || !isDigits(p)) {
                    throw new ConfigException(m.path("panPrefix") + "[" + i + "]", "'" + p + "' must be 1 to 19 digits (quote it)");
                }
            }
            List<String> pc = m.strings("processingCode");
            for (int i = 0; i < pc.size(); i++) {
                String p = pc.get(i);
                if (p.isEmpty() || p.length() > 6 || !isDigits(p)) {
                    throw new ConfigException(m.path("processingCode") + "[" + i + "]", "'" + p + "' must be 1 to 6 digits (quote it)");
                }
            }
            List<String> merchant = m.strings("merchant");
            List<String> terminal = m.strings("terminal");
            String host = r.reqStr("host");
            out.add(new GatewayConfig.Route(new GatewayConfig.RouteMatch(pan, pc, merchant, terminal), host));
        }
        return List.copyOf(out);
    }

    private GatewayConfig.Authorizer authorizer(YamlNode root) {
        YamlNode a = root.node("authorizer", "cards");
        List<GatewayConfig.Card> cards = new ArrayList<>();
        for (YamlNode c : a.nodes("cards", "pan", "expiry", "pin", "balance")) {
            String pan = c.reqStr("pan");
            if (pan.length() < 12 || pan.length() > 19 || !isDigits(pan)) {
                throw new ConfigException(c.path("pan"), "must be 12 to 19 digits (found " + pan.length() + " characters)");
            }
            String expiry = c.reqStr("expiry");
            if (expiry.length() != 4 || !isDigits(expiry)) {
                throw new ConfigException(c.path("expiry"), "'" + expiry + "' must be YYMM (4 digits, quote it)");
            }
            int month = Integer.parseInt(expiry.substring(2));
            if (month < 1 || month > 12) {
                throw new ConfigException(c.path("expiry"), "'" + expiry + "' has month " + month + ", not 01..12");
            }
            String pin = c.str("pin", null);
            if (pin != null && (pin.length() < 4 || pin.length() > 12 || !isDigits(pin))) {
                throw new ConfigException(c.path("pin"), "must be 4 to 12 digits (quote it)");
            }
            long balance = c.lng("balance", 0L, 0, Long.MAX_VALUE);
            cards.add(new GatewayConfig.Card(pan, expiry, pin, balance));
        }
        return new GatewayConfig.Authorizer(List.copyOf(cards));
    }

    private GatewayConfig.Logging logging(YamlNode root) {
        YamlNode l = root.node("logging", "format");
        return new GatewayConfig.Logging(l.oneOf("format", "text", "text", "json"));
    }

    /** {@code journal: { dir, durability }}; without {@code dir}, the journal goes beside the H2 database file. */
    private GatewayConfig.Journal journal(YamlNode root, boolean used) {
        YamlNode j = root.node("journal", "dir", "durability");
        String dir = j.str("dir", null);
        if (dir != null) dir = dir.trim();
        if (dir != null && dir.isEmpty()) {
            throw new ConfigException(j.path("dir"), "must name a directory");
        }
        if (dir != null && used) usableDirectory(j.path("dir"), dir);
        String durability = j.oneOf("durability", GatewayConfig.Journal.DEFAULT.durability(), "fsync", "write");
        return new GatewayConfig.Journal(dir, durability);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A directory the gateway can use or make: it is one, or the nearest part of its path that exists is a directory
     * this process may write in (a black-box audit gave {@code /etc/passwd}: exit 1 at open, the key unnamed). Nothing
     * is created here; what the file system still refuses later (a read-only mount, say) is exit 1.
     */
    private static void usableDirectory(String key, String dir) {
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(dir).toAbsolutePath();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(key, "'" + dir + "' is not a path: " + e.getReason());
        }
        if (java.nio.file.Files.exists(p)) {
            if (!java.nio.file.Files.isDirectory(p)) throw new ConfigException(key, "'" + dir + "' is not a directory");
            // was exit 1 at open with only the lock file's path to say why (a black-box audit)
            if (!java.nio.file.Files.isWritable(p)) throw new ConfigException(key, "'" + dir + "' is not writable");
            return;
        }
        java.nio.file.Path existing = p.getParent();
        while (existing != null && !java.nio.file.Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return;
        if (!java.nio.file.Files.isDirectory(existing)) {
            throw new ConfigException(key, "'" + dir + "' cannot be made: " + existing + " is not a directory");
        }
        if (!java.nio.file.Files.isWritable(existing)) {
            throw new ConfigException(key, "'" + dir + "' cannot be made: " + existing + " is not writable");
        }
    }

    /**
     * An H2 file's directory, as {@link #usableDirectory}: a read-only one, or a path through a regular file, was exit 1
     * at open naming an exception class and "the journal log" (H2's file beside the store), never {@code store.url} (an
     * audit). A path from H2's home ({@code ~}) is left to H2.
     */
    private static void h2FileDirectory(String key, String url) {
        String prefix = "jdbc:h2:";
        if (!url.startsWith(prefix)) return;
        int semicolon = url.indexOf(';');
        String file = url.substring(prefix.length(), semicolon < 0 ? url.length() : semicolon);
        // H2's file systems name a file after their prefix (jdbc:h2:./data/gateway has none: a file too, a re-audit)
        for (String fs : new String[] {"file:", "nio:", "async:", "nioMapped:", "split:"}) {
            if (file.startsWith(fs)) file = file.substring(fs.length());
        }
        boolean otherScheme = file.matches("^[a-zA-Z]+:.*") && !file.matches("^[a-zA-Z]:[\\\\/].*"); // not C:\ or C:/
        if (file.isEmpty() || file.startsWith("~") || otherScheme) {
            return; // H2's home, or mem:, tcp:, ssl:, zip: and file systems this check does not know
        }
        java.nio.file.Path parent;
        try {
            parent = java.nio.file.Path.of(file).toAbsolutePath().getParent();
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(key, "'" + file + "' is not a path: " + e.getReason());
        }
        if (parent != null) usableDirectory(key, parent.toString());
    }

    private Map<String, String> keys(YamlNode k, String... roles) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String role : roles) {
            String v = k.str(role, null);
            if (v == null) {
                continue;
            }
            out.put(role, keyValue(k.path(role), v.trim()));
        }
        return Map.copyOf(out);
    }

    /** Clear hex (32 or 48) or {@code kcv:XXXXXX:<hex under the master key>}; the value is never echoed. */
    static String keyValue(String path, String v) {
        if (v.regionMatches(true, 0, "kcv:", 0, 4)) {
            String[] parts = v.split(":", -1);
            if (parts.length != 3 || parts[1].length() != 6 || !isHex(parts[1])) {
                throw new ConfigException(path, "must be kcv:XXXXXX:<hex> with a 6-hex-digit check value");
            }
            String hex = parts[2];
            if (!isHex(hex) || !(hex.length() == 32 || hex.length() == 48 || hex.length() == 64)) {
                throw new ConfigException(path, "encrypted key must be 32 or 48 hex characters, found " + hex.length()
                        + (isHex(hex) ? "" : " with non-hex digits"));
            }
            return "kcv:" + parts[1].toUpperCase() + ":" + hex.toUpperCase();
        }
        if (!isHex(v) || !(v.length() == 32 || v.length() == 48)) {
            throw new ConfigException(path, "must be 32 or 48 hex characters (double/triple-length TDES) or kcv:XXXXXX:<hex>, found "
                    + v.length() + " characters" + (isHex(v) ? "" : " with non-hex digits"));
        }
        return v.toUpperCase();
    }

    private String dialect(YamlNode n, String key) {
        String d = n.str(key, "iso87binary");
        if (DIALECTS.contains(d)) {
            return d;
        }
        if (!d.endsWith(".xml")) {
            throw new ConfigException(n.path(key), "'" + d + "' is not one of iso87binary | iso87ascii | iso93binary nor a GenericPackager .xml file");
        }
        Path p = Path.of(d);
        if (Files.isRegularFile(p)) {
            return d;
        }
        if (!p.isAbsolute() && baseDir != null && Files.isRegularFile(baseDir.resolve(p))) {
            return baseDir.resolve(p).toString();
        }
        throw new ConfigException(n.path(key), "dialect file '" + d + "' not found");
    }

    private static String hostValue(YamlNode n, String key, String def) {
        String h = n.str(key, def).trim();
        if (h.isEmpty() || h.contains(" ") || h.contains("/")) {
            throw new ConfigException(n.path(key), "'" + h + "' is not a host name or IP address");
        }
        return h;
    }

    private static void checkEndpoint(String path, String ep) {
        int c = ep.lastIndexOf(':');
        if (c <= 0 || c == ep.length() - 1) {
            throw new ConfigException(path, "'" + ep + "' must be host:port");
        }
        String port = ep.substring(c + 1);
        if (!isDigits(port) || port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new ConfigException(path, "'" + ep + "' has port " + port + ", not 1..65535");
        }
    }

    static boolean isHex(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static boolean isAlnum(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    private static boolean isName(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }
}
