package io.switchgate.bench.server;

import io.switchgate.config.GatewayConfig;
import io.switchgate.server.config.ConfigLoader;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.store.GroupCommitStats;
import io.switchgate.txn.Gateway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for {@code gateway-server.jar serve} while that command is not there yet: the same pieces
 * (ConfigLoader, Gateway, TerminalServer), without the admin API. run-e2e.sh uses the real {@code serve} when the
 * gateway jar has it. On SIGTERM it drains, prints the journal's group-commit figures on stderr and exits.
 */
@Command(name = "gateway-serve", mixinStandardHelpOptions = true, description = "run the gateway's terminal listeners (no admin API)")
public final class GatewayServe implements Callable<Integer> {
    @Option(names = "--config", required = true) Path config;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg = new ConfigLoader().load(config);
        Gateway gw = Gateway.start(cfg);
        TerminalServer server = new TerminalServer(cfg.listeners(), gw).start();
        System.err.println("gateway-serve: listening " + cfg.listeners() + (server.isEpoll() ? " (epoll)" : " (nio)"));
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(Duration.ofSeconds(5));
            GroupCommitStats s = gw.journal().stats();
            System.err.printf("journal: groups %d entries %d avgGroup %.2f avgCommitMicros %.1f maxGroup %d%n",
                    s.groupsCommitted(), s.setsInGroups(), s.avgGroupSize(), s.avgCommitNanos() / 1000, s.maxGroupSize());
            gw.close();
            done.countDown();
        }));
        done.await();
        return 0;
    }
}
