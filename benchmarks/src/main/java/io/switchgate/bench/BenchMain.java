package io.switchgate.bench;

import io.switchgate.bench.load.BenchConfigCommand;
import io.switchgate.bench.load.LoadGen;
import io.switchgate.bench.server.CeilingServer;
import io.switchgate.bench.server.JposServer;
import picocli.CommandLine;

import java.util.Set;

/**
 * Entry point of {@code benchmarks/target/benchmarks.jar}: {@code loadgen}, {@code ceiling-server},
 * {@code jpos-server}, {@code bench-config}, {@code gateway-serve}, {@code store-apply}, {@code journal-fsync} and
 * {@code journal-load}, {@code history}, {@code restart-probe} and {@code journal-replay} are ours; anything else goes to JMH's own
 * {@link org.openjdk.jmh.Main} (so {@code java -jar benchmarks.jar Engine -prof gc} works as usual).
 */
public final class BenchMain {
    private static final Set<String> OURS = Set.of("loadgen", "ceiling-server", "jpos-server", "bench-config", "gateway-serve",
            "store-apply", "journal-fsync", "journal-load", "history", "restart-probe", "journal-replay");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && OURS.contains(args[0])) {
            String[] rest = new String[args.length - 1];
            System.arraycopy(args, 1, rest, 0, rest.length);
            Object cmd = switch (args[0]) {
                case "loadgen" -> new LoadGen();
                case "ceiling-server" -> new CeilingServer();
                case "jpos-server" -> new JposServer();
                case "gateway-serve" -> new io.switchgate.bench.server.GatewayServe();
                case "store-apply" -> new io.switchgate.bench.engine.StoreApplyCommand();
                case "journal-fsync" -> new io.switchgate.bench.journal.FsyncTimeCommand();
                case "journal-load" -> new io.switchgate.bench.journal.JournalLoadCommand();
                case "history" -> new io.switchgate.bench.restart.HistoryCommand();
                case "restart-probe" -> new io.switchgate.bench.restart.RestartProbeCommand();
                case "journal-replay" -> new io.switchgate.bench.restart.JournalReplayCommand();
                default -> new BenchConfigCommand();
            };
            CommandLine cl = new CommandLine(cmd);
            cl.setParameterExceptionHandler((ex, a) -> {
                System.err.println("error: " + ex.getMessage());
                return 2;
            });
            cl.setExecutionExceptionHandler((ex, c, parsed) -> {
                System.err.println("error: " + ex);
                return 1;
            });
            int rc = cl.execute(rest);
            System.exit(rc);
        }
        org.openjdk.jmh.Main.main(args);
    }
}
