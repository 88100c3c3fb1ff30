package io.switchgate.server.admin;

import io.switchgate.config.GatewayConfig;
import io.switchgate.server.config.ConfigException;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** No token: allowed on loopback only; a non-loopback admin address without a token refuses to start. */
class AdminTokenTest {

    @Test
    void noTokenOnLoopbackAcceptsRequests() {
        try (OpsFixture f = new OpsFixture("memory:", null)) {
            OpsFixture.Answer a = f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/terminals")).GET(), null);
            assertEquals(200, a.status(), a.body());
            assertEquals(4, a.json().path("count").asInt());
        }
    }

    @Test
    void blankTokenCountsAsNone() {
        try (OpsFixture f = new OpsFixture("memory:", "  ")) {
            assertEquals(200, f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/merchants")).GET(), null).status());
        }
    }

    @Test
    void nonLoopbackWithoutTokenRefusesToStart() {
        for (String host : new String[]{"0.0.0.0", "::", "192.168.1.10", "admin.example.com"}) {
            GatewayConfig cfg = OpsFixture.config("memory:", host, null);
            try (Gateway gw = Gateway.start(cfg)) {
                ConfigException e = assertThrows(ConfigException.class, () -> Operations.start(gw, cfg, null));
                assertEquals("admin.token", e.key());
                assertTrue(e.getMessage().contains("loopback"), e.getMessage());
            }
        }
    }

    @Test
    void nonLoopbackWithTokenStarts() {
        GatewayConfig cfg = OpsFixture.config("memory:", "0.0.0.0", TOKEN);
        try (Gateway gw = Gateway.start(cfg); Operations ops = Operations.start(gw, cfg, null)) {
            assertTrue(ops.adminPort() > 0);
        }
    }

    @Test
    void loopbackNames() {
        assertTrue(AdminServer.isLoopback("127.0.0.1"));
        assertTrue(AdminServer.isLoopback("127.1.2.3"));
        assertTrue(AdminServer.isLoopback("::1"));
        assertTrue(AdminServer.isLoopback("[::1]"));
        assertTrue(AdminServer.isLoopback("localhost"));
        assertFalse(AdminServer.isLoopback("0.0.0.0"));
        assertFalse(AdminServer.isLoopback("::"));
        assertFalse(AdminServer.isLoopback("10.0.0.1"));
        assertFalse(AdminServer.isLoopback("localhost.evil.example"));
        assertFalse(AdminServer.isLoopback(null));
    }

    @Test
    void portInUseIsAClearError() {
        try (OpsFixture f = new OpsFixture("memory:", TOKEN)) {
            GatewayConfig.Admin taken = new GatewayConfig.Admin("127.0.0.1", f.ops.adminPort(), TOKEN);
            AdminServer s = new AdminServer(taken, (r, w) -> f.ops.adminApiForTests());
            IllegalStateException e = assertThrows(IllegalStateException.class, s::start);
            assertTrue(e.getMessage().contains("127.0.0.1:" + f.ops.adminPort()), e.getMessage());
        }
    }

    @Test
    void bearerTokenRules() {
        BearerToken t = new BearerToken("abc");
        assertTrue(t.accepts("Bearer abc"));
        assertTrue(t.accepts("bearer abc"));
        assertFalse(t.accepts("Bearer abcd"));
        assertFalse(t.accepts("Bearer "));
        assertFalse(t.accepts("abc"));
        assertFalse(t.accepts(null));
        assertTrue(new BearerToken(null).accepts(null));
    }
}
