package io.switchgate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** Requests refused before processing (unknown terminal, MAC) are in the transaction story the admin API shows. */
class JournaledDeclinesApiTest {
    OpsFixture f;

    @BeforeEach
    void start() {
        f = new OpsFixture("memory:", TOKEN);
    }

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void unknownTerminalIsListedUnderTheIdsItSent() {
        IsoMessage sale = financial("TERM9999", "MERCHANT0000077", "000000", PAN_NOPIN, 100);
        IsoMessage r = f.send(sale);
        assertEquals("58", r.getString(39));
        JsonNode list = f.get("/api/transactions?terminal=TERM9999&stan=" + sale.getString(11)).json().path("transactions");
        assertEquals(1, list.size(), list.toString());
        JsonNode t = list.get(0);
        assertEquals(r.getString(37), t.path("rrn").asText());
        assertEquals("58", t.path("responseCode").asText());
        assertEquals("UNKNOWN_TERMINAL", t.path("reason").asText());
        assertEquals("TERM9999", t.path("terminal").asText());
        assertEquals("MERCHANT0000077", t.path("merchant").asText());
        assertEquals("declined", t.path("status").asText());
        assertEquals(200, f.get("/api/transactions/" + r.getString(37)).status());
    }

    @Test
    void aMacFailureAndTheCorrectRequestAfterItAreBothListed() {
        IsoMessage sale = financial("TERM0001", MERCHANT, "000000", PAN_NOPIN, 100);
        sale.set(64, new byte[8]); // TERM0001 has a TAK: a MAC it carries is checked
        IsoMessage bad = f.send(sale.copy());
        assertEquals("63", bad.getString(39));
        sale.unset(64);
        IsoMessage good = f.sendMaced(sale.copy());
        assertEquals("00", good.getString(39), () -> good.getString(44));
        JsonNode list = f.get("/api/transactions?terminal=TERM0001&stan=" + sale.getString(11)).json().path("transactions");
        assertEquals(2, list.size(), list.toString());
        java.util.Set<String> codes = new java.util.HashSet<>();
        for (JsonNode t : list) codes.add(t.path("responseCode").asText() + " " + t.path("rrn").asText());
        assertEquals(java.util.Set.of("63 " + bad.getString(37), "00 " + good.getString(37)), codes);
    }
}
