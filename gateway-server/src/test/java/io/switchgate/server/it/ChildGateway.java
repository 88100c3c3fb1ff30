package io.switchgate.server.it;

import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A gateway in a child JVM for crash tests: {@code ChildGateway <store url> <port file> [fsync|write [journal dir]]}
 * starts the test configuration on that store (with that journal durability; with a journal directory, on PostgreSQL
 * for this node alone: {@link TestConfigs#configAlone}), writes the nac2 listener's port to the file, and runs until
 * killed.
 */
public final class ChildGateway {
    public static void main(String[] args) throws Exception {
        Gateway gw = Gateway.start(args.length > 3 ? TestConfigs.configAlone(args[0], args[2], Path.of(args[3]))
                : args.length > 2 ? TestConfigs.config(args[0], args[2]) : TestConfigs.config(args[0]));
        TerminalServer server = new TerminalServer(gw.config().listeners(), gw).start();
        Path tmp = Path.of(args[1] + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port("pos")));
        Files.move(tmp, Path.of(args[1]));
        Thread.currentThread().join();
    }

    private ChildGateway() {
    }
}
