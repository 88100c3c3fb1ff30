package io.switchgate.server.admin;

import io.switchgate.config.GatewayConfig;
import io.switchgate.server.config.DataDirectory;
import io.switchgate.server.metrics.GatewayMetrics;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.EngineListener;
import io.switchgate.txn.Gateway;

import java.time.Clock;
import java.time.ZoneId;

/**
 * Everything an operator sees of a running gateway, wired in one call: the metrics registry (also the
 * transaction log line, as the engine's listener) and the admin HTTP API.
 *
 * <pre>{@code
 * Gateway gw = Gateway.start(cfg);
 * TerminalServer server = new TerminalServer(cfg.listeners(), gw.engine()).start();
 * Operations ops = Operations.start(gw, cfg, server);
 * ...
 * ops.close(); server.shutdown(...); gw.close();
 * }</pre>
 */
public final class Operations implements AutoCloseable {
    private final Gateway gateway;
    private final GatewayMetrics metrics;
    private final AdminServer admin;

    private Operations(Gateway gateway, GatewayMetrics metrics, AdminServer admin) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.admin = admin;
    }

    /**
     * @param server the terminal listeners (their connections are metrics, their state is part of {@code /health});
     *               may be null for an embedded gateway without listeners
     * @throws io.switchgate.server.config.ConfigException when no token is configured and the admin API is not on a
     *               loopback address; {@link IllegalStateException} when its port cannot be bound or, with no token
     *               configured, {@code <data directory>/admin.token} can be neither read nor created
     */
    public static Operations start(Gateway gw, GatewayConfig cfg, TerminalServer server) {
        return start(gw, cfg, server, Clock.systemUTC());
    }

    public static Operations start(Gateway gw, GatewayConfig cfg, TerminalServer server, Clock clock) {
        GatewayConfig.Admin adminCfg = withToken(cfg.admin() == null ? new GatewayConfig.Admin("127.0.0.1", 8584, null) : cfg.admin(),
                DataDirectory.of(cfg));
        GatewayMetrics metrics = new GatewayMetrics().bindEngine(gw.engine()).bindJournal(gw.journal()).bindFileJournal(gw.fileJournal());
        if (server != null) metrics.bindListeners(server);
        // host link state and store-and-forward depth/age (issue 7; no-op without hosts)
        // the store's own queue, for what it holds for hosts no longer configured (all of it with no host at all)
        io.switchgate.saf.SafQueue storeSaf = io.switchgate.saf.JdbcSafQueue.forStore(gw.store());
        io.switchgate.server.host.HostMetrics.register(metrics, gw.hostAuthorizers(), clock, storeSaf);
        AdminServer admin = null;
        try {
            admin = new AdminServer(adminCfg, (reads, writes) -> new AdminApi(gw.store(), gw.engine(), metrics::scrape,
                    () -> server == null ? null : server.isDraining() ? "LISTENERS_STOPPED" : null,
                    reads, writes, clock, ZoneId.systemDefault())
                    .withJournal(gw.fileJournal())
                    .withHoldsProblem(() -> io.switchgate.server.host.HostMetrics.holdsProblem(gw.hostAuthorizers()))
                    // /api/hosts and /api/saf (issue 7)
                    .withHosts(() -> io.switchgate.server.host.HostMetrics.hosts(gw.hostAuthorizers()),
                            () -> io.switchgate.server.host.HostMetrics.safSummary(gw.hostAuthorizers(), clock, 100, storeSaf)));
            admin.start();
        } catch (RuntimeException e) {
            if (admin != null) admin.close();
            metrics.close();
            throw e;
        }
        gw.engine().setListener(metrics);
        return new Operations(gw, metrics, admin);
    }

    /**
     * The admin settings with a token: the configured one, else the one kept in {@code <data directory>/admin.token}
     * (generated on first start), whatever the address: the contract's "the API never runs without a token" holds
     * with the generated one too (256 random bits in a file only its owner reads). Beyond loopback a WARN says so.
     */
    /** Below this many characters a configured admin token draws a WARN at start. */
    static final int MIN_TOKEN_CHARS = 16;

    static GatewayConfig.Admin withToken(GatewayConfig.Admin admin, java.nio.file.Path dataDir) {
        if (admin.token() != null && !admin.token().isBlank()) {
            if (admin.token().strip().length() < MIN_TOKEN_CHARS) {
                // taken (the operator chose it), but said: the token is all that guards status changes and key resets
                org.slf4j.LoggerFactory.getLogger(Operations.class).warn("admin.token is only {} characters: a token that "
                        + "short can be guessed; use at least {} random characters (the generated one has 64 hex)",
                        admin.token().strip().length(), MIN_TOKEN_CHARS);
            }
            return admin;
        }
        String token = AdminTokenFile.readOrCreate(dataDir);
        if (!AdminServer.isLoopback(admin.host())) {
            org.slf4j.LoggerFactory.getLogger(Operations.class).warn("admin API on {} (beyond this machine) with the "
                    + "generated token of {}: set admin.token to manage it yourself", admin.host(),
                    dataDir.resolve(AdminTokenFile.FILE_NAME));
        }
        return new GatewayConfig.Admin(admin.host(), admin.port(), token);
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The API behind the admin server (tests). */
    AdminApi adminApiForTests() {
        return admin.api();
    }

    public int adminPort() {
        return admin.port();
    }

    @Override
    public void close() {
        gateway.engine().setListener(EngineListener.NONE);
        admin.close();
        metrics.close();
    }
}
