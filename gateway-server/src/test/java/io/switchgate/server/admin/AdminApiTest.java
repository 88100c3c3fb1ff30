package io.switchgate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every admin endpoint over real HTTP, on an in-memory store, with a bearer token. */
class AdminApiTest {
    OpsFixture f;

    @BeforeEach
    void start() {
        f = new OpsFixture("memory:", TOKEN);
    }

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    static void assertError(int status, String code, OpsFixture.Answer a) {
        assertEquals(status, a.status(), a.body());
        assertEquals(code, a.json().path("error").asText(), a.body());
        assertFalse(a.body().contains("Exception") || a.body().contains("\tat "), "no stack trace: " + a.body());
        assertTrue(a.raw().headers().firstValue("content-type").orElse("").startsWith("application/json"));
    }

    IsoMessage approvedSale(String terminal, long amount) {
        IsoMessage r = f.send(f.sale(terminal, PAN_NOPIN, amount));
        assertEquals("00", r.getString(39), r.getString(44));
        return r;
    }

    // ------------------------------------------------------------------ health, metrics, auth

    @Test
    void healthIsUpWithoutToken() {
        OpsFixture.Answer a = f.call(HttpRequest.newBuilder(URI.create(f.base + "/health")).GET(), null);
        assertEquals(200, a.status());
        assertEquals("UP", a.json().path("status").asText());
    }

    @Test
    void hostsAndSafAnswer200WithoutConfiguredHosts() {
        // docs/admin-api.md used to say 404 here
        OpsFixture.Answer hosts = f.get("/api/hosts");
        assertEquals(200, hosts.status(), hosts.body());
        assertEquals(0, hosts.json().path("hosts").size());
        OpsFixture.Answer saf = f.get("/api/saf");
        assertEquals(200, saf.status(), saf.body());
        assertEquals(0, saf.json().path("depth").asInt());
        assertEquals(0, saf.json().path("messages").size());
    }

    @Test
    void healthIsDownWhenListenersStopped() {
        f.server.stopAccepting();
        OpsFixture.Answer a = f.get("/health");
        assertEquals(503, a.status());
        assertEquals("DOWN", a.json().path("status").asText());
        assertEquals("LISTENERS_STOPPED", a.json().path("reason").asText());
    }

    @Test
    void healthIsDownWhenStoreIsClosed() {
        f.gw.store().close();
        OpsFixture.Answer a = f.get("/health");
        assertEquals(503, a.status(), a.body());
        assertEquals("STORE_UNAVAILABLE", a.json().path("reason").asText());
    }

    @Test
    void everyOtherPathNeedsTheToken() {
        for (String p : new String[]{"/metrics", "/api/transactions/010000000001", "/api/terminals", "/api/terminals/TERM0001",
                "/api/merchants", "/api/refunds?merchant=" + MERCHANT, "/api/transactions?terminal=TERM0001&stan=1", "/nope"}) {
            OpsFixture.Answer none = f.call(HttpRequest.newBuilder(URI.create(f.base + p)).GET(), null);
            assertError(401, "UNAUTHORIZED", none);
            assertTrue(none.raw().headers().firstValue("www-authenticate").isPresent());
            assertError(401, "UNAUTHORIZED", f.call(HttpRequest.newBuilder(URI.create(f.base + p)).GET(), TOKEN + "x"));
            assertError(401, "UNAUTHORIZED", f.call(HttpRequest.newBuilder(URI.create(f.base + p)).GET(), "s3cret"));
            assertError(401, "UNAUTHORIZED", f.call(HttpRequest.newBuilder(URI.create(f.base + p))
                    .header("Authorization", "Basic " + TOKEN).GET(), null));
        }
        OpsFixture.Answer put = f.call(HttpRequest.newBuilder(URI.create(f.base + "/api/terminals/TERM0001/status"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"returned\"}")), null);
        assertError(401, "UNAUTHORIZED", put);
        assertEquals("active", f.get("/api/terminals/TERM0001").json().path("status").asText(), "unauthorized PUT changed nothing");
    }

    @Test
    void metricsArePrometheusText() {
        approvedSale("TERM0003", 1000);
        f.send(f.sale("TERM0003", "6212345678901299", 1000)); // unknown card: 14
        // a frame that does not parse is answered 30 and counted like any answer (an audit found it left out)
        byte[] whole = OpsFixture.D.pack(f.sale("TERM0003", PAN_NOPIN, 1000));
        byte[] cut = f.gw.handle(java.util.Arrays.copyOf(whole, whole.length - 3), "pos").join();
        assertEquals("30", OpsFixture.D.unpack(cut).getString(39));
        OpsFixture.Answer a = f.get("/metrics");
        assertEquals(200, a.status());
        assertTrue(a.raw().headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        String m = a.body();
        assertTrue(m.contains("gateway_requests_total{mti=\"0200\",type=\"SALE\"} 3.0"), m);
        assertTrue(m.contains("gateway_responses_total{code=\"00\",mti=\"0200\",type=\"SALE\"} 1.0"), m);
        assertTrue(m.contains("gateway_responses_total{code=\"14\",mti=\"0200\",type=\"SALE\"} 1.0"), m);
        assertTrue(m.contains("gateway_responses_total{code=\"30\",mti=\"0200\",type=\"SALE\"} 1.0"), m);
        assertTrue(m.contains("gateway_request_latency_seconds_bucket{type=\"SALE\",le="), m);
        assertTrue(m.contains("gateway_request_latency_seconds_count{type=\"SALE\"} 3"), m);
        assertTrue(m.contains("gateway_inflight "), m);
        assertTrue(m.contains("gateway_engine_commits_inflight "), m);
        assertTrue(m.contains("gateway_engine_working_set_rows "), m);
        assertTrue(m.contains("gateway_engine_lost_races_total "), m);
        assertTrue(m.contains("gateway_listener_connections{listener=\"pos\"} 0.0"), m);
        assertTrue(m.contains("gateway_journal_queue_depth "), m);
        assertTrue(m.contains("gateway_journal_group_size_avg "), m);
        assertTrue(m.contains("gateway_journal_commit_seconds_count "), m);
        assertTrue(m.contains("gateway_journal_sets_total{outcome=\"committed\"} "), m);
        // no host configured: the host and SAF families are there all the same, to alert on
        assertTrue(m.contains("gateway_hosts_configured 0.0"), m);
        assertTrue(m.contains("gateway_hosts_up 0.0"), m);
        assertTrue(m.contains("gateway_saf_depth 0.0"), m);
        assertFalse(m.contains(PAN_NOPIN));
    }

    @Test
    void unknownPathAndWrongMethod() {
        assertError(404, "NOT_FOUND", f.get("/api/nothing"));
        assertError(404, "NOT_FOUND", f.get("/"));
        assertError(405, "METHOD_NOT_ALLOWED", f.put("/api/transactions/010000000001", "{}"));
        assertError(405, "METHOD_NOT_ALLOWED", f.get("/api/terminals/TERM0001/status"));
    }

    // ------------------------------------------------------------------ transactions

    @Test
    void transactionShowsItsWholeStory() {
        IsoMessage sale = approvedSale("TERM0003", 10_000);
        String rrn = sale.getString(37);
        IsoMessage r1 = f.send(f.refund("TERM0003", PAN_NOPIN, 3_000, rrn));
        assertEquals("00", r1.getString(39), r1.getString(44));
        IsoMessage r2req = f.refund("TERM0001", PAN_NOPIN, 2_000, rrn);
        IsoMessage r2 = f.send(r2req);
        assertEquals("00", r2.getString(39), r2.getString(44));
        assertEquals("00", f.send(reversal(r2req)).getString(39)); // second refund reversed
        IsoMessage dup = f.send(f.refund("TERM0003", PAN_NOPIN, 3_000, rrn)); // suspected duplicate refund
        assertNotEquals("00", dup.getString(39));

        OpsFixture.Answer a = f.get("/api/transactions/" + rrn);
        assertEquals(200, a.status(), a.body());
        JsonNode t = a.json();
        assertEquals(rrn, t.path("rrn").asText());
        assertEquals("sale", t.path("type").asText());
        assertEquals("approved", t.path("status").asText());
        assertEquals(10_000, t.path("amount").asLong());
        assertEquals(3_000, t.path("refundedAmount").asLong());
        assertEquals("156", t.path("currency").asText());
        assertEquals("621234******1265", t.path("maskedPan").asText());
        assertEquals("TERM0003", t.path("terminal").asText());
        assertEquals(MERCHANT, t.path("merchant").asText());
        assertEquals(sale.getString(11), t.path("stan").asText());
        assertEquals("00", t.path("responseCode").asText());
        assertEquals(sale.getString(38), t.path("authCode").asText());
        assertTrue(t.hasNonNull("createdAt") && t.hasNonNull("updatedAt"));
        assertEquals("embedded", t.path("host").asText());
        assertEquals(3, t.path("refunds").size(), a.body());
        assertEquals("approved", t.path("refunds").get(0).path("status").asText());
        assertEquals(r1.getString(37), t.path("refunds").get(0).path("rrn").asText());
        assertEquals("reversed", t.path("refunds").get(1).path("status").asText());
        assertEquals("declined", t.path("refunds").get(2).path("status").asText());
        assertTrue(t.path("refunds").get(2).hasNonNull("reason"));
        assertEquals(0, t.path("reversals").size());
        assertEquals(0, t.path("voids").size());
        assertTrue(t.path("batch").path("open").asBoolean());
        assertFalse(a.body().contains(PAN_NOPIN));

        // the refund shows its original and its own reversal
        JsonNode refund2 = f.get("/api/transactions/" + r2.getString(37)).json();
        assertEquals("refund", refund2.path("type").asText());
        assertEquals(rrn, refund2.path("originalRrn").asText());
        assertEquals(rrn, refund2.path("original").path("rrn").asText());
        assertEquals(1, refund2.path("reversals").size());
        // every transaction shows the batch it belongs to: a reversed refund, its reversal, a declined refund too
        assertTrue(refund2.path("batch").path("open").asBoolean(), refund2.toString());
        String reversal = refund2.path("reversals").get(0).path("rrn").asText();
        assertTrue(f.get("/api/transactions/" + reversal).json().path("batch").path("open").asBoolean());
        String declined = t.path("refunds").get(2).path("rrn").asText();
        assertEquals(1, f.get("/api/transactions/" + declined).json().path("batch").path("batchNo").asLong());
    }

    @Test
    void voidedSaleShowsItsVoidAndSettledBatch() {
        IsoMessage sale = approvedSale("TERM0003", 5_000);
        IsoMessage keep = approvedSale("TERM0003", 7_000);
        assertEquals("00", f.send(f.voidOf("TERM0003", PAN_NOPIN, 5_000, sale.getString(37))).getString(39));
        assertEquals("00", f.send(settlement("TERM0003", 1, 7_000, 0, 0)).getString(39));
        JsonNode voided = f.get("/api/transactions/" + sale.getString(37)).json();
        assertEquals("voided", voided.path("status").asText());
        assertEquals(1, voided.path("voids").size());
        JsonNode kept = f.get("/api/transactions/" + keep.getString(37)).json();
        assertFalse(kept.path("batch").path("open").asBoolean());
        assertTrue(kept.path("batch").hasNonNull("closedAt"));
        // the batch the settlement opened, empty, opened when the settled one closed (it said openedAt: null)
        JsonNode open = f.get("/api/terminals/TERM0003").json().path("openBatch");
        assertEquals(kept.path("batch").path("closedAt").asText(), open.path("openedAt").asText(), open.toString());
        assertEquals(0, open.path("saleCount").asInt());
        assertFalse(open.path("unsettled").asBoolean());
    }

    @Test
    void unknownRrnIs404() {
        assertError(404, "UNKNOWN_RRN", f.get("/api/transactions/019999999999"));
    }

    @Test
    void transactionsByTerminalAndStan() {
        IsoMessage req = f.sale("TERM0003", PAN_NOPIN, 1_500);
        IsoMessage resp = f.send(req);
        assertEquals("00", resp.getString(39));
        f.send(reversal(req));
        OpsFixture.Answer a = f.get("/api/transactions?terminal=TERM0003&stan=" + req.getString(11));
        assertEquals(200, a.status());
        JsonNode list = a.json().path("transactions");
        assertEquals(2, list.size(), a.body());
        assertEquals(0, f.get("/api/transactions?terminal=TERM0003&stan=999999").json().path("transactions").size());
        assertError(400, "MISSING_PARAMETER", f.get("/api/transactions?terminal=TERM0003"));
        assertError(400, "MISSING_PARAMETER", f.get("/api/transactions?stan=000001"));
        assertError(400, "MISSING_PARAMETER", f.get("/api/transactions"));
    }

    // ------------------------------------------------------------------ refunds

    @Test
    void refundsByMerchantAndDates() {
        String rrn = approvedSale("TERM0003", 10_000).getString(37);
        assertEquals("00", f.send(f.refund("TERM0003", PAN_NOPIN, 1_000, rrn)).getString(39));
        assertEquals("00", f.send(f.refund("TERM0001", PAN_NOPIN, 2_500, rrn)).getString(39));
        f.send(f.refund("TERM0003", PAN_NOPIN, 1_000, rrn)); // suspected duplicate: declined, still listed

        JsonNode all = f.get("/api/refunds?merchant=" + MERCHANT).json();
        assertEquals(3, all.path("count").asInt(), all.toString());
        assertEquals(3_500, all.path("approvedAmount").asLong());
        assertEquals(2, all.path("approvedCount").asInt());
        JsonNode first = all.path("refunds").get(0);
        assertEquals(rrn, first.path("originalRrn").asText());
        assertEquals("approved", first.path("status").asText());
        assertEquals("TERM0003", first.path("terminal").asText());
        for (String k : new String[]{"rrn", "amount", "responseCode", "createdAt"}) assertTrue(first.has(k), k);
        assertFalse(all.path("truncated").asBoolean(), all.toString());
        // at most `limit` listed (default 1,000: one answer grew with the merchant's refunds until six at once ran the heap
        // out, an overload audit), the totals of all in the range
        JsonNode two = f.get("/api/refunds?merchant=" + MERCHANT + "&limit=2").json();
        assertEquals(2, two.path("refunds").size(), two.toString());
        assertEquals(3, two.path("count").asInt());
        assertEquals(3_500, two.path("approvedAmount").asLong());
        assertEquals(2, two.path("approvedCount").asInt());
        assertTrue(two.path("truncated").asBoolean());
        assertEquals(3_500, two.path("approvedAmountByCurrency").path("156").asLong(), two.toString());
        assertEquals(first.path("rrn").asText(), two.path("refunds").get(0).path("rrn").asText(), "oldest first");
        assertError(400, "BAD_PARAMETER", f.get("/api/refunds?merchant=" + MERCHANT + "&limit=0"));
        assertError(400, "BAD_PARAMETER", f.get("/api/refunds?merchant=" + MERCHANT + "&limit=10001"));
        assertError(400, "BAD_PARAMETER", f.get("/api/refunds?merchant=" + MERCHANT + "&limit=ten"));

        String today = LocalDate.now(ZoneId.systemDefault()).toString();
        assertEquals(3, f.get("/api/refunds?merchant=" + MERCHANT + "&from=" + today + "&to=" + today).json().path("count").asInt());
        String tomorrow = LocalDate.now(ZoneId.systemDefault()).plusDays(1).toString();
        assertEquals(0, f.get("/api/refunds?merchant=" + MERCHANT + "&from=" + tomorrow).json().path("count").asInt());
        assertEquals(0, f.get("/api/refunds?merchant=" + MERCHANT + "&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z")
                .json().path("count").asInt());
        assertEquals(0, f.get("/api/refunds?merchant=" + MERCHANT2).json().path("count").asInt());

        OpsFixture.Answer bad = f.get("/api/refunds?merchant=" + MERCHANT + "&from=yesterday");
        assertError(400, "BAD_PARAMETER", bad);
        assertTrue(bad.json().path("message").asText().contains("'from'"));
        OpsFixture.Answer badTo = f.get("/api/refunds?merchant=" + MERCHANT + "&to=2026-13-01");
        assertError(400, "BAD_PARAMETER", badTo);
        assertTrue(badTo.json().path("message").asText().contains("'to'"));
        assertError(400, "BAD_PARAMETER", f.get("/api/refunds?merchant=" + MERCHANT + "&from=2026-02-01&to=2026-01-01"));
        assertError(400, "MISSING_PARAMETER", f.get("/api/refunds"));
        assertError(404, "UNKNOWN_MERCHANT", f.get("/api/refunds?merchant=NOSUCHMERCHANT1"));
        // given empty, or twice: named, never a silent default or first-one-wins (a black-box audit)
        OpsFixture.Answer empty = f.get("/api/refunds?merchant=" + MERCHANT + "&from=");
        assertError(400, "BAD_PARAMETER", empty);
        assertTrue(empty.json().path("message").asText().contains("'from' is empty"), empty.json().toString());
        OpsFixture.Answer twice = f.get("/api/refunds?merchant=" + MERCHANT + "&merchant=" + MERCHANT2);
        assertError(400, "BAD_PARAMETER", twice);
        assertTrue(twice.json().path("message").asText().contains("'merchant' is given 2 times"), twice.json().toString());
    }

    @Test
    void badPercentEscapesAndDatesOutOfRangeAreTheCallersFourHundredsNeverAFailure() {
        // a path that does not decode is no route and not /health: 401 without the token, 400 with it (was: no answer)
        assertEquals(401, f.rawGet("/api/transactions/%zz", null).status());
        for (String path : List.of("/api/transactions/%zz", "/api/transactions/%", "/api/terminals/%E0%A4%A", "/api/terminals/TERM%E9/status")) {
            OpsFixture.Raw r = f.rawGet(path, f.token);
            assertEquals(400, r.status(), path + ": " + r.body());
            assertTrue(r.body().contains("BAD_REQUEST"), r.body());
        }
        // two Authorization headers, the good one first: which counts is not guessed (the first was taken)
        OpsFixture.Raw twoTokens = f.rawGet("/api/hosts", f.token + "\r\nAuthorization: Bearer x");
        assertEquals(400, twoTokens.status(), twoTokens.body());
        assertTrue(twoTokens.body().contains("more than one Authorization header"), twoTokens.body());
        // a query string that does not decode (was: 500)
        for (String target : List.of("/api/refunds?merchant=%zz", "/api/refunds?merchant=" + MERCHANT + "&from=%",
                "/api/transactions?terminal=TERM0003&stan=%")) {
            OpsFixture.Raw r = f.rawGet(target, f.token);
            assertEquals(400, r.status(), target + ": " + r.body());
            assertTrue(r.body().contains("BAD_PARAMETER"), r.body());
            assertFalse(r.body().contains("Exception"), r.body());
        }
        // instants a SQL timestamp cannot hold (was: 500 from the store's date arithmetic)
        assertError(400, "BAD_PARAMETER", f.get("/api/refunds?merchant=" + MERCHANT + "&from=-1000000000-01-01T00:00:00Z"));
        assertError(400, "BAD_PARAMETER", f.get("/api/refunds?merchant=" + MERCHANT + "&to=%2B10000-06-01T00:00:00Z"));
        assertEquals(200, f.get("/api/refunds?merchant=" + MERCHANT + "&from=0001-01-01&to=9999-12-31").status());
        assertEquals(200, f.get("/health").status());
    }

    // ------------------------------------------------------------------ terminals and merchants

    @Test
    void terminalShowsKeysOnlyAsKcvAndItsOpenBatch() {
        approvedSale("TERM0001", 4_000);
        OpsFixture.Answer a = f.get("/api/terminals/TERM0001");
        assertEquals(200, a.status());
        JsonNode t = a.json();
        assertEquals("TERM0001", t.path("id").asText());
        assertEquals(MERCHANT, t.path("merchant").asText());
        assertEquals("active", t.path("status").asText());
        assertFalse(t.path("macRequired").asBoolean());
        assertEquals(6, t.path("keys").path("tak").asText().length());
        assertEquals(6, t.path("keys").path("tpk").asText().length());
        assertTrue(t.path("keys").path("bdk").isNull());
        assertEquals(1, t.path("openBatch").path("saleCount").asInt());
        assertEquals(4_000, t.path("openBatch").path("saleAmount").asLong());
        assertTrue(t.path("openBatch").path("unsettled").asBoolean());
        assertTrue(t.path("history").isArray());
        for (String k : new String[]{TAK, TPK, TMK}) assertFalse(a.body().toUpperCase().contains(k), "key material");

        assertError(404, "UNKNOWN_TERMINAL", f.get("/api/terminals/NOPE0001"));
    }

    @Test
    void terminalList() {
        JsonNode all = f.get("/api/terminals").json();
        assertEquals(4, all.path("count").asInt());
        assertEquals(1, f.get("/api/terminals?status=registered").json().path("count").asInt());
        assertEquals(1, f.get("/api/terminals?merchant=" + MERCHANT2).json().path("count").asInt());
        assertError(400, "BAD_PARAMETER", f.get("/api/terminals?status=broken"));
    }

    @Test
    void terminalStatusChanges() {
        OpsFixture.Answer s = f.put("/api/terminals/TERM0003/status", "{\"status\":\"suspended\",\"reason\":\"fraud check\"}");
        assertEquals(200, s.status(), s.body());
        assertEquals("suspended", s.json().path("status").asText());
        JsonNode h = s.json().path("history");
        assertEquals("active", h.get(h.size() - 1).path("from").asText());
        assertEquals("suspended", h.get(h.size() - 1).path("to").asText());
        assertEquals("fraud check", h.get(h.size() - 1).path("reason").asText());
        assertTrue(h.get(h.size() - 1).hasNonNull("at"));

        assertEquals(200, f.put("/api/terminals/TERM0003/status", "{\"status\":\"active\"}").status());
        assertEquals(200, f.put("/api/terminals/TERM0003/status", "{\"status\":\"returned\",\"reason\":\"device returned\"}").status());
        assertError(400, "TERMINAL_RETURNED_IS_FINAL", f.put("/api/terminals/TERM0003/status", "{\"status\":\"active\"}"));
        assertError(400, "UNKNOWN_STATUS", f.put("/api/terminals/TERM0003/status", "{\"status\":5}"));
        assertError(400, "MISSING_STATUS", f.put("/api/terminals/TERM0003/status", "{\"status\":null}"));
        assertError(400, "TERMINAL_RETURNED_IS_FINAL", f.put("/api/terminals/TERM0003/status", "{\"status\":\"suspended\"}"));
        assertEquals(200, f.put("/api/terminals/TERM0003/status", "{\"status\":\"returned\"}").status(), "idempotent");
        JsonNode hist = f.get("/api/terminals/TERM0003").json().path("history");
        assertEquals(h.size() + 2, hist.size(), "suspended, active, returned; nothing for the refused or unchanged ones");
        assertEquals("device returned", hist.get(hist.size() - 1).path("reason").asText());

        assertError(400, "CANNOT_RETURN_TO_REGISTERED", f.put("/api/terminals/TERM0001/status", "{\"status\":\"registered\"}"));
        assertError(400, "UNKNOWN_STATUS", f.put("/api/terminals/TERM0001/status", "{\"status\":\"broken\"}"));
        assertError(400, "MISSING_STATUS", f.put("/api/terminals/TERM0001/status", "{\"reason\":\"x\"}"));
        assertError(400, "BAD_JSON", f.put("/api/terminals/TERM0001/status", "{\"status\":"));
        assertError(400, "BAD_JSON", f.put("/api/terminals/TERM0001/status", "[1,2]"));
        assertError(400, "BAD_JSON", f.put("/api/terminals/TERM0001/status", ""));
        // an ambiguous command is refused, not read one way or the other
        assertError(400, "BAD_JSON", f.put("/api/terminals/TERM0001/status", "{\"status\":\"active\",\"status\":\"suspended\"}"));
        assertError(400, "BAD_JSON", f.put("/api/terminals/TERM0001/status", "{\"status\":\"suspended\"} {\"status\":\"active\"}"));
        assertError(400, "BAD_REASON", f.put("/api/terminals/TERM0001/status", "{\"status\":\"suspended\",\"reason\":\"" + "x".repeat(65) + "\"}"));
        assertError(404, "UNKNOWN_TERMINAL", f.put("/api/terminals/NOPE0001/status", "{\"status\":\"suspended\"}"));
        assertEquals("active", f.get("/api/terminals/TERM0001").json().path("status").asText(), "refused changes changed nothing");
    }

    @Test
    void operatorMayActivateARegisteredTerminal() {
        OpsFixture.Answer a = f.put("/api/terminals/TERM0002/status", "{\"status\":\"active\",\"reason\":\"installed\"}");
        assertEquals(200, a.status(), a.body());
        assertTrue(a.json().hasNonNull("activatedAt"));
    }

    @Test
    void merchants() {
        JsonNode list = f.get("/api/merchants").json();
        assertEquals(2, list.path("count").asInt());
        JsonNode m = f.get("/api/merchants/" + MERCHANT).json();
        assertEquals("active", m.path("status").asText());
        assertEquals(180, m.path("refund").path("windowDays").asInt());
        assertEquals(3, m.path("terminals").size());
        assertError(404, "UNKNOWN_MERCHANT", f.get("/api/merchants/NOSUCHMERCHANT1"));

        OpsFixture.Answer frozen = f.put("/api/merchants/" + MERCHANT + "/status", "{\"status\":\"frozen\",\"reason\":\"chargebacks\"}");
        assertEquals(200, frozen.status(), frozen.body());
        assertEquals("frozen", frozen.json().path("status").asText());
        JsonNode fh = frozen.json().path("history");
        assertEquals("chargebacks", fh.get(fh.size() - 1).path("reason").asText());
        IsoMessage refused = f.send(f.sale("TERM0003", PAN_NOPIN, 100));
        assertEquals("03", refused.getString(39));
        assertEquals(200, f.put("/api/merchants/" + MERCHANT + "/status", "{\"status\":\"active\"}").status());
        approvedSale("TERM0003", 100);
        assertEquals(200, f.put("/api/merchants/" + MERCHANT + "/status", "{\"status\":\"closed\",\"reason\":\"contract ended\"}").status());
        assertError(400, "MERCHANT_CLOSED_IS_FINAL", f.put("/api/merchants/" + MERCHANT + "/status", "{\"status\":\"active\"}"));
        assertEquals("03", f.send(f.sale("TERM0003", PAN_NOPIN, 100)).getString(39));
        assertError(400, "UNKNOWN_STATUS", f.put("/api/merchants/" + MERCHANT2 + "/status", "{\"status\":\"suspended\"}"));
        assertError(400, "BAD_JSON", f.put("/api/merchants/" + MERCHANT2 + "/status", "nope"));
        assertError(404, "UNKNOWN_MERCHANT", f.put("/api/merchants/NOSUCHMERCHANT1/status", "{\"status\":\"frozen\"}"));
        assertEquals(fh.size() + 2, f.get("/api/merchants/" + MERCHANT).json().path("history").size());
    }
}
