package io.switchgate.server;

import io.switchgate.server.cli.DecodeCommand;
import io.switchgate.server.cli.EncodeCommand;
import io.switchgate.server.cli.DemoCommand;
import io.switchgate.server.cli.ServeCommand;
import io.switchgate.server.cli.TerminalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Command-line entry point: {@code serve} (the default), {@code demo}, {@code terminal}, {@code decode}, {@code encode}. */
@Command(name = "gateway", mixinStandardHelpOptions = true, versionProvider = io.switchgate.server.GatewayVersion.class,
        description = "ISO 8583 transaction gateway",
        subcommands = {
                ServeCommand.class,
                DemoCommand.class,
                TerminalCommand.class,
                DecodeCommand.class,
                EncodeCommand.class,
        })
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 success, 2 bad arguments or configuration, 1 other failure. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("error: " + ex.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            System.err.println("error: " + ex.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    /** No subcommand: {@code serve} with config/gateway.yaml. */
    @Override
    public Integer call() {
        return new ServeCommand().call();
    }
}
