package io.switchgate.server.host;

import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A gateway routing to a host, in a child JVM, for the kill -9 test:
 * {@code HostChildGateway <store url> <host port> <port file> [host timeout ms, 400] [shared]}
 * ({@code shared}: the store is a PostgreSQL shared by nodes); writes its listener's port to the
 * file and runs until killed.
 */
public final class HostChildGateway {
    public static void main(String[] args) throws Exception {
        HostFixture.quietLogs();
        boolean shared = args.length > 4 && "shared".equals(args[4]);
        var config = HostFixture.config("01", args[0], shared ? HostPostgres.USER : "sa", shared ? HostPostgres.PASSWORD : "",
                List.of(HostFixture.host("acqA", List.of("127.0.0.1:" + args[1]), args.length > 3 ? Integer.parseInt(args[3]) : 400)));
        Gateway gw = HostFixture.start(shared ? TwoNodeSafTest.shared(config) : config, HostFixture.factory());
        TerminalServer server = new TerminalServer(gw.config().listeners(), gw).start();
        Path tmp = Path.of(args[2] + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port("pos")));
        Files.move(tmp, Path.of(args[2]));
        Thread.currentThread().join();
    }

    private HostChildGateway() {
    }
}
