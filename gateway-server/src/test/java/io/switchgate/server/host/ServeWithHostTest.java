package io.switchgate.server.host;

import io.switchgate.config.GatewayConfig;
import io.switchgate.server.cli.ServeCommand;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.channel.NACChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** The whole server as {@code serve} starts it: a jPOS terminal -> gateway -> jPOS host, and the host gauges in /metrics. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServeWithHostTest {

    static String admin(ServeCommand.Running running, String path) throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + running.operations().adminPort() + path))
                .header("Authorization", "Bearer t0ken").GET().build();
        var resp = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, resp.statusCode(), resp.body());
        return resp.body();
    }

    @Test
    void terminalToGatewayToHostAndHostGaugesInMetrics() throws Exception {
        quietLogs();
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234")) {
            GatewayConfig base = config("01", "memory:", "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 500)));
            GatewayConfig cfg = new GatewayConfig(base.node(), base.listeners(), new GatewayConfig.Admin("127.0.0.1", 0, "t0ken"),
                    base.store(), base.security(), base.merchants(), base.terminals(), base.routes(), base.hosts(), base.authorizer(),
                    base.logging());
            ServeCommand.Running running = ServeCommand.start(cfg);
            try {
                HostAuthorizer h = host(running.gateway(), "acqA");
                waitFor("host connected", 5000, () -> h.state() == HostClient.State.UP);
                NACChannel pos = new NACChannel("127.0.0.1", running.server().port("pos"), HostSimulator.PACKAGER, null);
                pos.setTimeout(10_000);
                pos.connect();
                ISOMsg m = HostFixture.jposSale(4_321, "000777");
                pos.send(m);
                ISOMsg r = pos.receive();
                pos.disconnect();
                assertEquals("00", r.getString(39));
                assertEquals("000777", r.getString(11));
                assertEquals(1, sim.count("0200"));
                String text = running.operations().metrics().scrape();
                assertTrue(text.contains("gateway_host_up{host=\"acqA\"} 1.0"), text);
                assertTrue(text.contains("gateway_saf_depth{host=\"acqA\"} 0.0"), text);
                assertTrue(text.contains("gateway_hosts_configured 1.0"), text);
                assertTrue(text.contains("gateway_hosts_up 1.0"), text);
                assertTrue(text.contains("gateway_saf_oldest_age_seconds"), text);
                // admin API: the host's state, and a stored reversal waiting while the host does not answer
                String hosts = admin(running, "/api/hosts");
                assertTrue(hosts.contains("\"name\":\"acqA\"") && hosts.contains("\"state\":\"UP\""), hosts);
                sim.behaviour = x -> HostSimulator.Reply.silent();
                m.set(11, "000778");
                m.set(4, "000000001111");
                pos = new NACChannel("127.0.0.1", running.server().port("pos"), HostSimulator.PACKAGER, null);
                pos.setTimeout(10_000);
                pos.connect();
                pos.send(m);
                ISOMsg timedOut = pos.receive();
                pos.disconnect();
                assertEquals("91", timedOut.getString(39));
                String saf = admin(running, "/api/saf");
                assertTrue(saf.contains("\"depth\":1") && saf.contains("\"amount\":1111") && saf.contains("HOST_TIMEOUT"), saf);
                assertFalse(saf.contains(PAN) || saf.contains(PAN.substring(6)), "no card data: " + saf);
                assertTrue(running.operations().metrics().scrape().contains("gateway_saf_depth{host=\"acqA\"} 1.0"));
                sim.behaviour = x -> HostSimulator.Reply.approve();
                waitFor("delivered", 10_000, () -> h.safDepth() == 0);
                assertEquals(List.of(), sim.violations);
            } finally {
                running.stop(Duration.ofSeconds(5));
            }
        }
    }
}
