package io.switchgate.server.cli;

import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.server.admin.Operations;
import io.switchgate.server.config.ConfigException;
import io.switchgate.server.config.ConfigLoader;
import io.switchgate.server.metrics.LoggingSetup;
import io.switchgate.server.net.ServerStartException;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code serve [--config FILE]}: loads the configuration, starts the gateway and its terminal listeners, and runs
 * until SIGTERM or SIGINT; then stops accepting, answers what is in flight (bounded by {@code --drain-seconds}),
 * closes and exits 0. Exit 2 on a configuration error, 1 when something else prevents start-up.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = io.switchgate.server.GatewayVersion.class,
        description = "Run the gateway until SIGTERM/SIGINT, then drain in-flight requests and exit 0.")
public final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default: config/gateway.yaml, or the shipped one built into the jar when that is absent)")
    Path config; // null: config/gateway.yaml, or the shipped copy in the jar when that is absent

    @Option(names = "--drain-seconds", paramLabel = "N", defaultValue = "10",
            description = "at shutdown, how long to wait for in-flight responses (default: ${DEFAULT-VALUE})")
    int drainSeconds = 10;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile Running running;

    /** What a started gateway is made of; {@link #stop} drains and closes it. */
    public record Running(GatewayConfig config, Gateway gateway, TerminalServer server, Operations operations) {

        /** Stops accepting, answers what is in flight (bounded), then closes listeners, admin API and gateway. */
        public boolean stop(Duration drain) {
            // New requests on open connections are answered 91 GATEWAY_STOPPING at once (MACed), those taken before
            // are decided as usual; no new connection is accepted.
            gateway.engine().stopAccepting();
            server.stopAcceptingConnections();
            boolean drained = server.awaitInFlight(drain);
            if (!drained) {
                log.warn("{} responses still in flight after {} s; closing anyway", server.inFlight(), drain.toSeconds());
            }
            server.close();
            try {
                operations.close();
            } catch (RuntimeException e) {
                log.warn("closing the admin API: {}", e.toString());
            }
            try {
                // drained: nothing to wait for; not drained: the terminals are gone, so nothing more is committed for
                // them (a host approval that comes now gets its stored reversal, not a commit nobody hears)
                gateway.close(drained ? Duration.ofSeconds(10) : Duration.ZERO);
            } catch (RuntimeException e) {
                log.warn("closing the gateway: {}", e.toString());
            }
            return drained;
        }
    }

    @Override
    public Integer call() {
        if (drainSeconds < 0 || drainSeconds > 3_600) {
            System.err.println("error: --drain-seconds must be 0..3600 (got " + drainSeconds + ")");
            return 2;
        }
        // From here a SIGTERM (or Ctrl-C) is ours: during the start it is kept until the start is over, then the
        // gateway stops as it does once running, exit 0. Left to the JVM, it exited 143 saying nothing, and its shutdown
        // closed the H2 file under the start's seeding, which once left an index no later start got past (an audit).
        installSignalHandlers();
        ConfigLoader loader = new ConfigLoader();
        GatewayConfig cfg;
        try {
            cfg = loader.loadOrShipped(config);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        try {
            LoggingSetup.apply(cfg.logging());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage()); // a logging.format or logback.configurationFile we cannot use
            return 2;
        }
        leakDetectionOffUnlessAsked();
        // The loader's warnings (an unset admin token, the demo master key) are said once the configuration has held
        // through the start: an error is then the one line on standard error (contract section 1).
        try {
            checkAddresses(cfg);
            running = start(cfg);
        } catch (InvalidConfigException | ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (ServerStartException e) {
            // the error alone: the warnings were about a gateway that now does not run (and, logged asynchronously,
            // they came after it, one naming an admin token file no start had made: an audit)
            System.err.println("error: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("error: cannot start the gateway: " + oneLine(e));
            return 1;
        }
        loader.warnings().forEach(w -> log.warn("{}", w));
        started = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.countDown();
            shutdown();
        }, "gateway-shutdown"));
        if (stopRequested.getCount() == 0) {
            log.info("gateway node {} started, and a stop was asked for during its start: stopping", cfg.node().id());
            shutdown();
            return 0;
        }
        log.info("gateway node {} ready ({} listener(s), admin API on {}:{}); SIGTERM or Ctrl-C to stop", cfg.node().id(),
                cfg.listeners().size(), cfg.admin().host(), running.operations().adminPort());
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown();
        return 0;
    }

    /** Every listener's and the admin API's host, checked before anything is opened ({@link BindFailure#checkAddress}). */
    static void checkAddresses(GatewayConfig cfg) {
        for (int i = 0; i < cfg.listeners().size(); i++) {
            GatewayConfig.Listener l = cfg.listeners().get(i);
            io.switchgate.server.config.BindFailure.checkAddress("listeners[" + i + "]", l.host(), l.port());
        }
        if (cfg.admin() != null) io.switchgate.server.config.BindFailure.checkAddress("admin", cfg.admin().host(), cfg.admin().port());
    }

    /**
     * Netty's buffer leak detector samples one buffer in 128 and records where it went with a {@code Throwable}: at
     * 10 x 8 that was ~1,100 stack traces a second, about 1 % of the server's CPU (docs/benchmarks.md, twenty-eighth
     * session). A running gateway does without it unless {@code -Dio.netty.leakDetection.level} asks for it; tests and
     * embedding programs, which do not come through here, keep Netty's default.
     */
    static void leakDetectionOffUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    /**
     * Starts the gateway, binds its listeners, then the admin API and metrics; closes what was started if
     * anything fails.
     */
    public static Running start(GatewayConfig cfg) {
        // upstream acquirer hosts (hosts[] in the config): Netty host clients, stored reversals (issue 7)
        Gateway gateway = Gateway.start(cfg, java.time.Clock.systemUTC(), new io.switchgate.server.host.HostAuthorizerFactory());
        TerminalServer server = new TerminalServer(cfg.listeners(), gateway.engine()); // no hand-off: the listener only writes the bytes
        try {
            server.start();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        Operations ops;
        try {
            ops = Operations.start(gateway, cfg, server);
        } catch (RuntimeException e) {
            server.close();
            gateway.close();
            throw e;
        }
        return new Running(cfg, gateway, server, ops);
    }

    private void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        try {
            Running r = running;
            if (r != null) {
                log.info("stopping: no new connections; answering {} request(s) in flight (up to {} s)",
                        r.server().inFlight(), drainSeconds);
                boolean drained = r.stop(Duration.ofSeconds(drainSeconds));
                log.info("stopped{}", drained ? "" : " (some responses were not written)");
            }
        } finally {
            stopped.countDown();
        }
    }

    private void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM/SIGINT wake the main thread, which drains and returns 0 (a plain shutdown hook would make the JVM
     * exit 143). A shutdown hook still drains when the JVM is stopped any other way.
     */
    /** Whether the start is over (the gateway runs): a signal before it is kept for then. */
    private volatile boolean started;

    /**
     * SIGTERM and SIGINT ask for the stop. During the start the first is kept (said in the log) and the start goes
     * on, so nothing is closed under it; a second one during the start stops the process at once (exit 143: nothing
     * was answered yet, and the journal and tables recover what a start left, as after a kill).
     */
    private void installSignalHandlers() {
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (!started && stopRequested.getCount() == 0) {
                        log.warn("SIG{} received again during the start: exiting now", name);
                        Runtime.getRuntime().halt(143);
                    }
                    log.info(started ? "SIG{} received" : "SIG{} received during the start: the gateway stops once it has started"
                            + " (send it again to exit now)", name);
                    stopRequested.countDown();
                });
            } catch (Throwable e) {
                log.debug("cannot handle SIG{}: {}", name, e.toString());
            }
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ').replace('\r', ' ');
    }
}
