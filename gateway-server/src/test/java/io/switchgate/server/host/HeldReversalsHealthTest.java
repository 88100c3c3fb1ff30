package io.switchgate.server.host;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.journal.FaultyChannels;
import io.switchgate.server.admin.Operations;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A file-journal node whose held reversals' journal fails its force: a host sale is refused before it leaves (no
 * charge without a stored reversal), and the operator sees why through the admin API ({@code /health},
 * {@code /api/hosts}, {@code /metrics}) while the gateway stays up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldReversalsHealthTest {
    private static final String TOKEN = "t0ken";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aFailedHoldIsRefusedBeforeTheHostAndShownInHealthHostsAndMetrics(@TempDir Path dir) throws Exception {
        quietLogs();
        FaultyChannels disk = new FaultyChannels();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            GatewayConfig base = config("01", "jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath(), "sa", "",
                    List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 2_000)));
            GatewayConfig cfg = new GatewayConfig(base.node(), base.listeners(), new GatewayConfig.Admin("127.0.0.1", 0, TOKEN),
                    base.store(), base.security(), base.merchants(), base.terminals(), base.routes(), base.hosts(),
                    base.authorizer(), base.logging());
            try (Gateway gw = Gateway.start(cfg, Clock.systemUTC(), new HostAuthorizerFactory(CLIENT, SAF, Clock.systemUTC(), disk))) {
                TerminalServer terminals = new TerminalServer(cfg.listeners(), gw).start();
                Operations ops = Operations.start(gw, cfg, terminals);
                try {
                    waitFor("host connected", 5_000, () -> host(gw, "acqA").state() == HostClient.State.UP);
                    assertEquals("00", send(gw, financial("000000", 1_000)).getString(39));
                    String health = get(ops, "/health", 200);
                    assertFalse(health.contains("heldReversals"), health);
                    assertTrue(get(ops, "/metrics", 200).contains("gateway_held_reversals_stopped 0.0"));

                    disk.failForces = true;
                    IsoMessage refused = send(gw, financial("000000", 2_000));
                    assertEquals("96", refused.getString(39));
                    assertEquals("REVERSAL_NOT_STORED", refused.getString(44));
                    assertEquals(1, sim.count("0200"), "the refused sale never reached the host: nothing charged");

                    health = get(ops, "/health", 200);
                    assertTrue(health.contains("\"status\":\"UP\""), "embedded answers and balance inquiries go on: " + health);
                    assertTrue(health.contains("\"heldReversals\":{\"problem\":\"held reversals' journal stopped"), health);
                    assertTrue(health.contains("REVERSAL_NOT_STORED"), health);
                    String hosts = get(ops, "/api/hosts", 200);
                    assertTrue(hosts.contains("\"problem\":\"held reversals' journal stopped"), hosts);
                    assertTrue(get(ops, "/metrics", 200).contains("gateway_held_reversals_stopped 1.0"));

                    disk.failForces = false;
                    assertEquals("REVERSAL_NOT_STORED", send(gw, financial("000000", 3_000)).getString(44),
                            "stopped for good until a restart: no retry on a disk that failed once");
                    assertEquals(1, sim.count("0200"));
                    assertEquals(List.of(), sim.violations);
                } finally {
                    ops.close();
                    terminals.stopAccepting();
                }
            }
        }
    }

    private String get(Operations ops, String path, int status) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.adminPort() + path))
                .header("Authorization", "Bearer " + TOKEN).GET().build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(status, resp.statusCode(), path + ": " + resp.body());
        return resp.body();
    }
}
