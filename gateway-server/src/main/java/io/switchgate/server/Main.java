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
            System.err.println("error: " + parameterProblem(ex));
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            System.err.println("error: " + ex.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    /**
     * picocli's words for a word it did not expect ("Unmatched argument at index 0: 'bogus'") name neither what was
     * wrong nor what would have been right: in place of the command, say it is no command and list the commands.
     */
    static String parameterProblem(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            CommandLine where = u.getCommandLine();
            String word = u.getUnmatched().get(0);
            if (word.startsWith("-")) return ex.getMessage(); // "Unknown option: '--x'" says it already
            if (where.getParent() == null) {
                return "unknown command '" + word + "' (commands: " + String.join(", ", where.getSubcommands().keySet()) + ")";
            }
            var positionals = where.getCommandSpec().positionalParameters();
            String takes = positionals.isEmpty() ? "it takes options only" : "it takes "
                    + positionals.stream().map(p -> p.paramLabel()).collect(java.util.stream.Collectors.joining(" ")) + " and options";
            return "unexpected argument '" + word + "' for '" + where.getCommandName() + "' (" + takes + ")";
        }
        return ex.getMessage();
    }

    /** No subcommand: {@code serve} with config/gateway.yaml. */
    @Override
    public Integer call() {
        return new ServeCommand().call();
    }
}
