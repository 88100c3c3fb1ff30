package io.switchgate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchgate.security.KeyType;
import io.switchgate.server.net.Framing;
import io.switchgate.server.terminal.Card;
import io.switchgate.server.terminal.RequestBuilder;
import io.switchgate.server.terminal.TerminalClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code POST /api/terminals/{id}/keys/reset}: the terminal keeps its TMK and loses TPK and TAK (in the store, so
 * on the in-memory and the JDBC store), the change is in its history, and its next sign-on over the wire needs no
 * MAC and issues new working keys.
 */
class KeyResetTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest
    @ValueSource(strings = {"memory:", "h2"})
    void resetKeepsTheTmkDropsTpkAndTakAndTheNextSignOnNeedsNoMac(String store) throws Exception {
        String url = store.equals("h2") ? "jdbc:h2:mem:keyreset" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1" : store;
        try (OpsFixture f = new OpsFixture(url, TOKEN)) {
            JsonNode before = f.get("/api/terminals/TERM0001").json().path("keys");
            assertFalse(before.path("tpk").isNull(), before.toString());
            assertFalse(before.path("tak").isNull(), before.toString());

            OpsFixture.Answer anonymous = f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/terminals/TERM0001/keys/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()), null);
            assertEquals(401, anonymous.status(), "an operator action needs the token");
            assertFalse(f.get("/api/terminals/TERM0001").json().path("keys").path("tak").isNull(), "unchanged by the refused call");

            OpsFixture.Answer reset = f.post("/api/terminals/TERM0001/keys/reset", "{\"reason\":\"terminal lost its keys\"}");
            assertEquals(200, reset.status(), reset.body());
            JsonNode after = f.get("/api/terminals/TERM0001").json(); // read back from the store
            assertEquals(before.path("tmk").asText(), after.path("keys").path("tmk").asText(), "the TMK stays");
            assertTrue(after.path("keys").path("tpk").isNull(), after.toString());
            assertTrue(after.path("keys").path("tak").isNull(), after.toString());
            assertEquals("active", after.path("status").asText());
            JsonNode event = after.path("history").get(after.path("history").size() - 1);
            assertEquals("active", event.path("from").asText());
            assertEquals("active", event.path("to").asText());
            assertEquals("KEYS_RESET: terminal lost its keys", event.path("reason").asText());

            // the terminal knows only its TMK now: its sign-on carries no MAC and is issued new keys
            RequestBuilder pos = new RequestBuilder(D, f.gw.security(), "TERM0001", MERCHANT)
                    .keys(f.gw.security().importClear(KeyType.TMK, HexFormat.of().parseHex(TMK)), null, null);
            try (TerminalClient c = TerminalClient.connect("127.0.0.1", f.server.port("pos"), Framing.NAC2, D)) {
                TerminalClient.Response signOn = c.exchange(pos, pos.signOn(pos.nextStan()), WAIT);
                assertEquals("00", signOn.code(), () -> "DE 44 " + signOn.message().getString(44));
                assertEquals(76, signOn.message().getString(48).length(), "DE 48 carries the new TPK and TAK");
                assertTrue(pos.acceptSignOnKeys(signOn.message()));
                TerminalClient.Response sale = c.exchange(pos, pos.sale(pos.nextStan(), new Card(PAN_NOPIN, "2812", null), 500), WAIT);
                assertEquals("00", sale.code(), () -> "DE 44 " + sale.message().getString(44));
                assertEquals(Boolean.TRUE, pos.verifyResponseMac(sale.raw(), sale.message()), "answered under the new TAK");
            }
            JsonNode reissued = f.get("/api/terminals/TERM0001").json().path("keys");
            assertFalse(reissued.path("tpk").isNull(), reissued.toString());
            assertFalse(reissued.path("tak").isNull(), reissued.toString());
            assertNotEquals(before.path("tak").asText(), reissued.path("tak").asText(), "a new TAK was issued");
        }
    }

    @Test
    void aResetHoldsAcrossARestartThoughTheConfigurationStillNamesTpkAndTak(@TempDir Path tmp) throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("gateway").toString().replace('\\', '/');
        String tmkKcv;
        try (OpsFixture f = new OpsFixture(url, TOKEN)) {
            tmkKcv = f.get("/api/terminals/TERM0001").json().path("keys").path("tmk").asText();
            assertEquals(200, f.post("/api/terminals/TERM0001/keys/reset", "").status());
        }
        try (OpsFixture f = new OpsFixture(url, TOKEN)) { // same configuration: TERM0001 still lists tpk and tak
            JsonNode keys = f.get("/api/terminals/TERM0001").json().path("keys");
            assertEquals(tmkKcv, keys.path("tmk").asText());
            assertTrue(keys.path("tpk").isNull(), "the configured TPK does not come back: " + keys);
            assertTrue(keys.path("tak").isNull(), "the configured TAK does not come back: " + keys);
            RequestBuilder pos = new RequestBuilder(D, f.gw.security(), "TERM0001", MERCHANT)
                    .keys(f.gw.security().importClear(KeyType.TMK, HexFormat.of().parseHex(TMK)), null, null);
            try (TerminalClient c = TerminalClient.connect("127.0.0.1", f.server.port("pos"), Framing.NAC2, D)) {
                TerminalClient.Response signOn = c.exchange(pos, pos.signOn(pos.nextStan()), WAIT);
                assertEquals("00", signOn.code(), () -> "DE 44 " + signOn.message().getString(44));
                assertEquals(76, signOn.message().getString(48).length());
            }
        }
        try (OpsFixture f = new OpsFixture(url, TOKEN)) { // keys issued after the reset are kept like any sign-on keys
            JsonNode keys = f.get("/api/terminals/TERM0001").json().path("keys");
            assertFalse(keys.path("tpk").isNull(), keys.toString());
            assertFalse(keys.path("tak").isNull(), keys.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory:"})
    void unknownTerminalIs404AndOtherMethodsAre405(String url) {
        try (OpsFixture f = new OpsFixture(url, TOKEN)) {
            OpsFixture.Answer unknown = f.post("/api/terminals/NOSUCH01/keys/reset", "");
            assertEquals(404, unknown.status(), unknown.body());
            assertEquals("UNKNOWN_TERMINAL", unknown.json().path("error").asText());
            assertEquals(405, f.get("/api/terminals/TERM0001/keys/reset").status());
            assertEquals(400, f.post("/api/terminals/TERM0001/keys/reset", "not json").status());
            assertFalse(f.get("/api/terminals/TERM0001").json().path("keys").path("tak").isNull(), "nothing reset by refused calls");
        }
    }
}
