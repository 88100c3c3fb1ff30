package io.switchgate.server.net;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.cli.ServeCommand;
import io.switchgate.server.it.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.net.ListenerLimitsTest.nac2;
import static io.switchgate.server.net.ListenerLimitsTest.readFrame;
import static io.switchgate.server.net.ListenerLimitsTest.waitFor;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code maxConnections}: the gateway as {@code serve} starts it, a listener limited to 3 connections; the fourth is
 * closed at accept while the three keep working, {@code /health} still answers, and a slot freed is usable again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitTest {
    private static final Dialect D = Dialect.named("iso87binary");
    private static final String TOKEN = "limits-test-token";

    static GatewayConfig config(int maxConnections) {
        GatewayConfig b = TestConfigs.config("memory:");
        return new GatewayConfig(b.node(),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300, maxConnections, 64)),
                new GatewayConfig.Admin("127.0.0.1", 0, TOKEN), b.store(), b.security(), b.merchants(), b.terminals(),
                b.routes(), b.hosts(), b.authorizer(), b.logging());
    }

    private static int stan = 0;

    /** An echo (0800, DE 70 301) from TERM0003 answered 00 on this connection. */
    static void echoAnswered(Socket s) throws IOException {
        IsoMessage m = new IsoMessage("0800");
        m.set(7, "1125120000");
        m.set(11, String.format("%06d", ++stan));
        m.set(41, "TERM0003");
        m.set(70, "301");
        s.getOutputStream().write(nac2(D.pack(m)));
        s.getOutputStream().flush();
        IsoMessage r = D.unpack(readFrame(new DataInputStream(s.getInputStream())));
        assertEquals("0810", r.getMti());
        assertEquals("00", r.getString(39), () -> "DE 44 " + r.getString(44));
    }

    static Socket open(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        return s;
    }

    /** True when the gateway closed the connection (end of stream or reset); a read timeout fails the test. */
    static boolean closedByPeer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was neither closed nor answered within 20 s", e);
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void beyondMaxConnectionsANewConnectionIsClosedAndTheAdminPortStillAnswers() throws Exception {
        ServeCommand.Running running = ServeCommand.start(config(3));
        List<Socket> sockets = new ArrayList<>();
        try {
            int port = running.server().port("pos");
            for (int i = 0; i < 3; i++) sockets.add(open(port));
            waitFor(() -> running.server().stats("pos").openConnections() == 3);

            try (Socket fourth = open(port)) {
                assertTrue(closedByPeer(fourth), "the fourth connection is closed at accept");
            }
            assertEquals(1, running.server().stats("pos").refusedConnections());

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + running.operations().adminPort() + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + running.operations().adminPort() + "/metrics"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("gateway_listener_refused_total{listener=\"pos\"} 1.0"), metrics.body());

            for (Socket s : sockets) echoAnswered(s); // the admitted connections are served

            sockets.remove(0).close();
            waitFor(() -> running.server().stats("pos").openConnections() == 2);
            Socket again = open(port);
            sockets.add(again);
            echoAnswered(again); // a freed slot is usable
        } finally {
            for (Socket s : sockets) s.close();
            running.stop(Duration.ofSeconds(5));
        }
    }
}
