package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Contract section 4: every response carries DE 11 and DE 41 as received and DE 37, and a MAC when the terminal has
 * a TAK; every request that reaches the engine is journaled with its outcome, without standing in for the real
 * request (duplicate index, reversals). An 0800 from a terminal with a TAK must carry a valid MAC. Bytes in, bytes
 * out through {@link Gateway#handle}, plus what the store shows.
 */
class EveryResponseTest {
    MutableClock clock;
    Gateway gw;
    TestPos pos;    // TERM0001: MAC required, TMK, TAK and TPK
    TestPos pos3;   // TERM0003: no MAC key

    String storeUrl() {
        return "memory:";
    }

    @BeforeEach
    void start() {
        clock = new MutableClock();
        gw = Gateway.start(EngineFixture.config(storeUrl()), clock);
        pos = new TestPos(gw, "TERM0001", MERCHANT, TAK1, TPK1);
        pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    /** Sends packed bytes; returns the raw answer (null when there is none). */
    byte[] exchange(byte[] packed) {
        try {
            return gw.handle(packed, "pos").get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] wrongMac(byte[] packed) {
        byte[] b = packed.clone();
        b[b.length - 1] ^= 0x01;
        return b;
    }

    /** DE 11 and DE 41 as sent, a 12-character DE 37 that names a journaled record with this code and reason. */
    TxnRecord assertAnsweredAndJournaled(IsoMessage req, IsoMessage resp, String code, String reason) {
        assertNotNull(resp, "no response");
        assertEquals(code, resp.getString(39), () -> "DE 44 " + resp.getString(44));
        assertEquals(reason, resp.getString(44));
        assertEquals(req.getString(11), resp.getString(11), "DE 11 as received");
        assertEquals(req.getString(41), resp.getString(41), "DE 41 as received");
        String rrn = resp.getString(37);
        assertNotNull(rrn, "DE 37 on every response");
        assertEquals(12, rrn.length());
        TxnRecord rec = gw.store().findByRrn(rrn).orElseThrow(() -> new AssertionError("no journal record for " + rrn));
        assertEquals(code, rec.responseCode());
        assertEquals(reason, rec.reason());
        assertEquals(req.getString(11), rec.stan());
        return rec;
    }

    @Test
    void macFailureIsAnsweredWithRrnAndMacIsJournaledAndDoesNotPoisonTheCorrectRequest() {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 1_500), "1234");
        byte[] good = pos.pack(sale.copy());
        byte[] raw = exchange(wrongMac(good));
        IsoMessage r = TestPos.D.unpack(raw);
        TxnRecord rec = assertAnsweredAndJournaled(sale, r, "63", "MAC_INVALID");
        assertTrue(pos.responseMacValid(raw), "a 63 to a terminal with a TAK carries a MAC");
        assertEquals("TERM0001", rec.terminalId());
        assertEquals(1_000_000, gw.embeddedCardBalance(PAN), "a security decline changes nothing");

        // the same DE 11 and DE 7, correctly MACed: processed (not 94), since the 63 changed nothing
        IsoMessage ok = TestPos.D.unpack(exchange(good));
        assertEquals("00", ok.getString(39), () -> "DE 44 " + ok.getString(44));
        assertNotEquals(r.getString(37), ok.getString(37));
        assertEquals(1_000_000 - 1_500, gw.embeddedCardBalance(PAN));
        // and its retransmission replays it
        IsoMessage again = TestPos.D.unpack(exchange(good));
        assertEquals("00", again.getString(39));
        assertEquals(ok.getString(37), again.getString(37));
        // the story of this STAN: the 63 and the sale (admin: GET /api/transactions?terminal=T&stan=S)
        List<TxnRecord> story = gw.store().findByTerminalAndStan("TERM0001", sale.getString(11));
        assertEquals(2, story.size(), () -> "records " + story);
    }

    @Test
    void duplicate94CarriesRrnAndMacAndNeverReplacesTheRealAnswer() {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 2_000), "1234");
        IsoMessage first = pos.send(sale.copy());
        assertEquals("00", first.getString(39));
        IsoMessage changed = sale.copy().set(4, String.format("%012d", 2_500));
        byte[] raw = exchange(pos.pack(changed.copy()));
        IsoMessage dup = TestPos.D.unpack(raw);
        TxnRecord rec = assertAnsweredAndJournaled(changed, dup, "94", "DUPLICATE_TRANSMISSION");
        assertNotEquals(first.getString(37), dup.getString(37), "the 94 has its own RRN");
        assertTrue(pos.responseMacValid(raw), "a 94 carries a MAC");
        assertEquals(2_500, rec.amount());
        assertNull(rec.dupKey(), "a 94 is never the answered entry of the duplicate index");

        // the real request's retransmission still gets the real answer
        IsoMessage replay = pos.send(sale.copy());
        assertEquals("00", replay.getString(39));
        assertEquals(first.getString(37), replay.getString(37));
        // and a reversal of that STAN reverses the sale, not the 94
        IsoMessage rev = pos.send(pos.reversal(sale));
        assertEquals("00", rev.getString(39));
        assertEquals(first.getString(37), gw.store().findByRrn(rev.getString(37)).orElseThrow().originalRrn());
        assertEquals(1_000_000, gw.embeddedCardBalance(PAN));
    }

    @Test
    void formatErrorAfterParseIsJournaledWithRrnAndMaced() {
        IsoMessage m = pos.sale(PAN, 100);
        m.unset(4);
        byte[] raw = exchange(pos.pack(m.copy()));
        assertAnsweredAndJournaled(m, TestPos.D.unpack(raw), "30", "MISSING_FIELD_4");
        assertTrue(pos.responseMacValid(raw), "a 30 to a terminal with a TAK carries a MAC");

        IsoMessage unknown = pos3.financial("990000", PAN_NOPIN, 100, TestPos.nextStan());
        TxnRecord rec = assertAnsweredAndJournaled(unknown, pos3.send(unknown), "12", "UNSUPPORTED_MESSAGE");
        assertNull(rec.type());
        assertEquals("0200", rec.mti());
    }

    @Test
    void unknownTerminalIsAnsweredWithRrnAndJournaledUnderTheIdsReceived() {
        TestPos stranger = new TestPos(gw, "TERM9999", "MERCHANT0000077", null, null);
        IsoMessage sale = stranger.sale(PAN_NOPIN, 100);
        TxnRecord rec = assertAnsweredAndJournaled(sale, stranger.send(sale), "58", "UNKNOWN_TERMINAL");
        assertEquals("TERM9999", rec.terminalId());
        assertEquals("MERCHANT0000077", rec.merchantId());
        assertEquals(TxnType.SALE, rec.type());
        assertEquals(1, gw.store().findByTerminalAndStan("TERM9999", sale.getString(11)).size());
    }

    @Test
    void echoAndSignOnAnswersCarryRrnAndMacAndAreJournaled() {
        IsoMessage echo = pos.network("301");
        byte[] raw = exchange(pos.pack(echo.copy()));
        TxnRecord rec = assertAnsweredAndJournaled(echo, TestPos.D.unpack(raw), "00", null);
        assertEquals(TxnType.ECHO, rec.type());
        assertTrue(pos.responseMacValid(raw), "0810 MACed for a terminal with a TAK");

        IsoMessage signOn = pos.network("001");
        raw = exchange(pos.pack(signOn.copy()));
        IsoMessage r = TestPos.D.unpack(raw);
        rec = assertAnsweredAndJournaled(signOn, r, "00", null);
        assertEquals(TxnType.SIGNON, rec.type());
        assertTrue(pos.responseMacValid(raw), "the sign-on answer is MACed under the TAK its request was checked with");
        assertEquals(76, r.getString(48).length());
    }

    // ------------------------------------------------------------------ 0800 MAC (issue 13 item 10)

    @Test
    void signOnWithoutMacFromATerminalWithATakIs63AndIssuesNothing() {
        String takBefore = gw.store().findTerminal("TERM0001").orElseThrow().tak();
        IsoMessage signOn = pos.network("001");
        IsoMessage r = TestPos.D.unpack(exchange(TestPos.D.pack(signOn)));
        assertAnsweredAndJournaled(signOn, r, "63", "MAC_INVALID");
        assertFalse(r.hasField(48), "no keys issued");
        IsoMessage wrong = pos.network("001");
        assertEquals("63", TestPos.D.unpack(exchange(wrongMac(pos.pack(wrong)))).getString(39));
        assertEquals(takBefore, gw.store().findTerminal("TERM0001").orElseThrow().tak(), "the terminal's keys are unchanged");
        // the real terminal's next sale still verifies
        assertEquals("00", pos.send(pos.withPin(pos.sale(PAN, 100), "1234")).getString(39));
    }

    @Test
    void echoWithoutMacFromATerminalWithATakIs63ButATerminalWithoutOneNeedsNone() {
        IsoMessage echo = pos.network("301");
        assertEquals("63", TestPos.D.unpack(exchange(TestPos.D.pack(echo))).getString(39));
        assertEquals("00", pos.send(pos.network("301")).getString(39));
        assertEquals("00", pos3.send(pos3.network("301")).getString(39));
        assertEquals("00", pos3.send(pos3.network("001")).getString(39));
    }

    // ------------------------------------------------------------------ frames that do not parse

    @Test
    void unparseableFrameIsAnsweredWithTheDe11AndDe41ItCarries() {
        IsoMessage sale = pos3.sale(PAN_NOPIN, 100);
        byte[] b = TestPos.D.pack(sale.copy());
        int de4 = TestPos.D.unpack(b).offsetOf(4);
        b[de4 + 2] = (byte) 0xAB; // not BCD: DE 4 cannot be read, its length is known
        IsoMessage r = pos3.sendRaw(b);
        assertEquals("0210", r.getMti());
        assertEquals("30", r.getString(39));
        assertEquals("BAD_FIELD_4", r.getString(44));
        assertEquals(sale.getString(11), r.getString(11));
        assertEquals(sale.getString(41), r.getString(41));
        assertFalse(r.hasField(4), "a field that could not be read is not echoed");

        // cut inside DE 42: everything before it is still read
        byte[] full = TestPos.D.pack(sale.copy());
        int de42 = TestPos.D.unpack(full).offsetOf(42);
        IsoMessage t = pos3.sendRaw(java.util.Arrays.copyOf(full, de42 + 5));
        assertEquals("30", t.getString(39));
        assertEquals(sale.getString(11), t.getString(11));
        assertEquals(sale.getString(41), t.getString(41));
    }

    /**
     * The log line (the engine's listener) of a 30 to a frame that does not parse names DE 41 and DE 11 only when DE 41
     * is a terminal the gateway knows: out of a broken frame they may be any of its bytes, the card number's among
     * them (a black-box audit pieced a PAN's masked digits together from "terminal=56789012").
     */
    @Test
    void theLogOfAnUnparseableFrameNamesNoTerminalItDoesNotKnow() {
        java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        gw.engine().setListener((mti, type, terminal, stan, rrn, amount, maskedPan, code, reason, nanos) ->
                logged.add(terminal + "/" + stan + "/" + code));
        IsoMessage sale = pos3.sale(PAN_NOPIN, 100);
        byte[] b = TestPos.D.pack(sale.copy());
        int de4 = TestPos.D.unpack(b).offsetOf(4);
        b[de4 + 2] = (byte) 0xAB;
        assertEquals("30", pos3.sendRaw(b).getString(39));
        IsoMessage stranger = sale.copy().set(41, "56789012");
        byte[] c = TestPos.D.pack(stranger);
        c[TestPos.D.unpack(c).offsetOf(4) + 2] = (byte) 0xAB;
        IsoMessage r = pos3.sendRaw(c);
        assertEquals("30", r.getString(39));
        assertEquals("56789012", r.getString(41), "echoed to its sender, as any DE 41 read");
        assertEquals(java.util.List.of("TERM0003/" + sale.getString(11) + "/30", "null/null/30"), logged);
    }

    /** Contract section 4: a MAC on every response to a terminal with a TAK, the answer to a frame that does not parse too. */
    @Test
    void unparseableFrameFromATerminalWithATakIsAnsweredWithAMac() {
        IsoMessage sale = pos.sale(PAN_NOPIN, 100); // TERM0001: TAK, MAC required
        byte[] b = pos.pack(sale);
        int de4 = TestPos.D.unpack(b).offsetOf(4);
        b[de4 + 2] = (byte) 0xAB; // not BCD: DE 4 cannot be read
        byte[] raw = pos.gw.handle(b, "pos").join();
        IsoMessage r = TestPos.D.unpack(raw);
        assertEquals("30", r.getString(39));
        assertEquals("BAD_FIELD_4", r.getString(44));
        assertEquals("TERM0001", r.getString(41));
        assertTrue(pos.responseMacValid(raw), "a 30 to a frame naming a terminal with a TAK carries its MAC");
        assertFalse(r.hasField(37), "nothing journaled, no RRN");

        // a terminal without a TAK, or one the gateway does not know: no MAC
        IsoMessage unknown = pos3.sale(PAN_NOPIN, 100).set(41, "NOSUCH01");
        byte[] u = TestPos.D.pack(unknown);
        u[TestPos.D.unpack(u).offsetOf(4) + 2] = (byte) 0xAB;
        IsoMessage ru = TestPos.D.unpack(pos3.gw.handle(u, "pos").join());
        assertEquals("30", ru.getString(39));
        assertFalse(ru.hasField(64) || ru.hasField(128));
    }

    // ------------------------------------------------------------------ MTIs the gateway does not know

    @Test
    void unknownRequestMtiIs12InItsResponseMtiAndAResponseMtiIsNotAnswered() {
        for (String mti : new String[]{"0300", "0600", "0220", "0100", "1200", "0160"}) {
            IsoMessage m = new IsoMessage(mti).set(7, pos3.de7).set(11, TestPos.nextStan()).set(41, "TERM0003").set(42, MERCHANT);
            IsoMessage r = pos3.send(m);
            assertNotNull(r, mti);
            assertEquals(EngineFixture_responseMti(mti), r.getMti());
            assertAnsweredAndJournaled(m, r, "12", "UNSUPPORTED_MESSAGE");
        }
        for (String mti : new String[]{"0210", "0110", "0810", "0230"}) {
            IsoMessage m = new IsoMessage(mti).set(11, TestPos.nextStan()).set(41, "TERM0003").set(39, "00");
            assertNull(exchange(TestPos.D.pack(m)), mti + " is a response: no answer");
            assertTrue(gw.store().findByTerminalAndStan("TERM0003", m.getString(11)).isEmpty(), mti + " not journaled");
        }
    }

    @Test
    void aRequestMtiWhoseResponseMtiWouldUseADigitIsoReservesIsNotAnswered() {
        // contract section 3: "answered 12 with its response MTI when that is a valid MTI, otherwise not at all"
        // (found by a black-box audit: 0208 was answered 0218, 0280 0290, 0906 0916, 0009 0019, 9200 9210)
        for (String mti : new String[]{"0208", "0280", "0906", "0900", "0009", "9200", "3200", "0180", "0000"}) {
            IsoMessage m = new IsoMessage(mti).set(7, pos3.de7).set(11, TestPos.nextStan()).set(41, "TERM0003").set(42, MERCHANT);
            assertNull(exchange(TestPos.D.pack(m)), mti + ": no valid response MTI, no answer");
            assertTrue(gw.store().findByTerminalAndStan("TERM0003", m.getString(11)).isEmpty(), mti + " not journaled");
        }
        // nor is such a frame that does not parse (an 0200 of the reserved origin 8, DE 4 spoiled): no 30 in 0218
        byte[] bad = TestPos.D.pack(pos3.sale(PAN_NOPIN, 100).setMti("0208"));
        bad[TestPos.D.unpack(bad).offsetOf(4) + 2] = (byte) 0xAB;
        assertNull(exchange(bad), "an unparseable 0208: no valid response MTI, no answer");
        // while an unparseable 0200 is answered 30 (the control)
        byte[] good = TestPos.D.pack(pos3.sale(PAN_NOPIN, 100));
        good[TestPos.D.unpack(good).offsetOf(4) + 2] = (byte) 0xAB;
        assertEquals("30", TestPos.D.unpack(exchange(good)).getString(39));
    }

    private static String EngineFixture_responseMti(String mti) {
        return mti.substring(0, 2) + (char) (mti.charAt(2) + 1) + mti.charAt(3);
    }
}
