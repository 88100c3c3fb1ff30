package io.switchgate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** registered -> active (first sale) -> suspended <-> active -> returned, as terminals and the admin API see it. */
class TerminalLifecycleTest {
    OpsFixture f;

    @BeforeEach
    void start() {
        f = new OpsFixture("memory:", TOKEN);
    }

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    static JsonNode last(JsonNode history) {
        return history.get(history.size() - 1);
    }

    void assertCode(String code, String reason, IsoMessage r) {
        assertEquals(code, r.getString(39), () -> "DE 44 " + r.getString(44));
        if (reason != null) assertEquals(reason, r.getString(44));
    }

    @Test
    void firstApprovedSaleActivatesARegisteredTerminal() {
        JsonNode before = f.get("/api/terminals/TERM0002").json();
        assertEquals("registered", before.path("status").asText());
        assertTrue(before.path("activatedAt").isNull());

        f.send(f.sale("TERM0002", "6212345678901299", 100)); // declined (unknown card): no activation
        assertEquals("registered", f.get("/api/terminals/TERM0002").json().path("status").asText());

        IsoMessage r = f.send(f.sale("TERM0002", PAN_NOPIN, 2_000));
        assertCode("00", null, r);
        JsonNode after = f.get("/api/terminals/TERM0002").json();
        assertEquals("active", after.path("status").asText());
        assertTrue(after.hasNonNull("activatedAt"));
        JsonNode act = last(after.path("history"));
        assertEquals("registered", act.path("from").asText());
        assertEquals("active", act.path("to").asText());
        assertEquals("ACTIVATED_BY_FIRST_SALE", act.path("reason").asText());
        assertEquals(after.path("activatedAt").asText(), act.path("at").asText());
    }

    @Test
    void suspendedTerminalIsRefused58UntilReactivated() {
        IsoMessage sale = f.sale("TERM0003", PAN_NOPIN, 1_000);
        assertCode("00", null, f.send(sale));
        assertEquals(200, f.put("/api/terminals/TERM0003/status", "{\"status\":\"suspended\",\"reason\":\"suspicious\"}").status());
        assertCode("58", "TERMINAL_SUSPENDED", f.send(f.sale("TERM0003", PAN_NOPIN, 1_000)));
        assertCode("58", "TERMINAL_SUSPENDED", f.send(f.refund("TERM0003", PAN_NOPIN, 100, f.send(f.sale("TERM0001", PAN_NOPIN, 500)).getString(37))));
        assertCode("00", null, f.send(reversal(sale))); // undoing money is still allowed
        assertEquals(200, f.put("/api/terminals/TERM0003/status", "{\"status\":\"active\",\"reason\":\"cleared\"}").status());
        assertCode("00", null, f.send(f.sale("TERM0003", PAN_NOPIN, 1_000)));
    }

    @Test
    void returnedTerminalTransactsNoMoreButSettlesItsOpenBatch() {
        assertCode("00", null, f.send(f.sale("TERM0003", PAN_NOPIN, 3_000)));
        assertCode("00", null, f.send(f.sale("TERM0003", PAN_NOPIN, 4_000)));

        JsonNode ret = f.put("/api/terminals/TERM0003/status", "{\"status\":\"returned\",\"reason\":\"device returned\"}").json();
        assertEquals("returned", ret.path("status").asText());
        assertEquals("device returned", last(ret.path("history")).path("reason").asText());
        JsonNode open = ret.path("openBatch");
        assertTrue(open.path("unsettled").asBoolean(), "API shows the unsettled batch");
        assertEquals(2, open.path("saleCount").asInt());
        assertEquals(7_000, open.path("saleAmount").asLong());
        long batchNo = open.path("batchNo").asLong();
        JsonNode listed = f.get("/api/terminals?status=returned").json().path("terminals");
        assertEquals(1, listed.size());
        assertTrue(listed.get(0).path("openBatch").path("unsettled").asBoolean());

        assertCode("58", "TERMINAL_RETURNED", f.send(f.sale("TERM0003", PAN_NOPIN, 1_000)));
        IsoMessage wrong = f.send(settlement("TERM0003", 2, 6_999, 0, 0));
        assertCode("95", null, wrong);
        assertCode("00", null, f.send(settlement("TERM0003", 2, 7_000, 0, 0)));

        JsonNode after = f.get("/api/terminals/TERM0003").json();
        assertEquals("returned", after.path("status").asText());
        assertFalse(after.path("openBatch").path("unsettled").asBoolean());
        assertEquals(batchNo + 1, after.path("batchNo").asLong());
        assertCode("58", "TERMINAL_RETURNED", f.send(f.sale("TERM0003", PAN_NOPIN, 1_000)));
        assertEquals(400, f.put("/api/terminals/TERM0003/status", "{\"status\":\"active\"}").status());
    }

    /**
     * Another node changed the terminal between this node's read of it and its commit (several nodes on one store; here
     * the row is changed behind the engine's back, in the store it journals to): the change is decided again on what
     * the store holds then. Before, the operator got {@code 503 STORE_UNAVAILABLE} for a store that was up.
     */
    @Test
    void aStatusChangeThatLosesARaceWithAnotherNodeIsDecidedAgain() throws Exception {
        f.close();
        String url = "jdbc:h2:mem:lifecycle-race-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        f = new OpsFixture(url, TOKEN);
        assertEquals(200, f.put("/api/terminals/TERM0003/status", "{\"status\":\"suspended\"}").status());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.Statement st = c.createStatement()) {
            // what another node's operator did a moment ago: this node's engine still holds "suspended"
            assertEquals(1, st.executeUpdate("UPDATE terminals SET status = 'ACTIVE', version = version + 1 WHERE id = 'TERM0003'"));
        }
        var answer = f.put("/api/terminals/TERM0003/status", "{\"status\":\"returned\",\"reason\":\"device lost\"}");
        assertEquals(200, answer.status(), answer::body);
        assertEquals("returned", f.get("/api/terminals/TERM0003").json().path("status").asText());
        assertCode("58", null, f.send(f.sale("TERM0003", PAN_NOPIN, 100)));
    }
}
