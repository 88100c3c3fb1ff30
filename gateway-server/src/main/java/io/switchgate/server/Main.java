package io.switchgate.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Command-line entry point: {@code serve} (the default), {@code demo}, {@code terminal}, {@code decode}, {@code encode}. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "ISO 8583 transaction gateway",
        subcommands = {io.switchgate.server.cli.DecodeCommand.class, io.switchgate.server.cli.EncodeCommand.class})
public final class Main implements Runnable {

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

    @Override
    public void run() {
        // No subcommand: serve with the shipped config (wired in by the gateway issue).
        new CommandLine(this).usage(System.out);
    }
}
