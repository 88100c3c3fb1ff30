package io.switchgate.server.host;

import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A gateway routing to a host, in a child JVM, for the kill -9 test:
 * {@code HostChildGateway <store url> <host port> <port file> [host timeout ms, 400]}; writes its listener's port to the
 * file and runs until killed.
 */
public final class HostChildGateway {
    public static void main(String[] args) throws Exception {
        HostFixture.quietLogs();
        Gateway gw = HostFixture.start(HostFixture.config("01", args[0], "sa", "",
                List.of(HostFixture.host("acqA", List.of("127.0.0.1:" + args[1]), args.length > 3 ? Integer.parseInt(args[3]) : 400))),
                HostFixture.factory());
        TerminalServer server = new TerminalServer(gw.config().listeners(), gw).start();
        Path tmp = Path.of(args[2] + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port("pos")));
        Files.move(tmp, Path.of(args[2]));
        Thread.currentThread().join();
    }

    private HostChildGateway() {
    }
}
