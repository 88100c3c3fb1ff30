package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** The contract's message types and rules, end to end through the engine (in-memory store, no sockets). */
class EngineScenarioTest {
    MutableClock clock;
    Gateway gw;
    TestPos pos;    // TERM0001: MAC required, TAK and TPK
    TestPos pos3;   // TERM0003: no MAC, same merchant
    TestPos other;  // TERM0009: another merchant

    /** The store the scenarios run on; subclasses run them on H2 and PostgreSQL. */
    String storeUrl() {
        return "memory:";
    }

    @BeforeEach
    void start() {
        clock = new MutableClock();
        gw = Gateway.start(EngineFixture.config(storeUrl()), clock);
        pos = new TestPos(gw, "TERM0001", MERCHANT, TAK1, TPK1);
        pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        other = new TestPos(gw, "TERM0009", MERCHANT2, null, TPK1);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    static void assertCode(String code, IsoMessage r) {
        assertNotNull(r, "no response");
        assertEquals(code, r.getString(39), () -> "DE 39, reason " + r.getString(44));
    }

    long balance(TestPos p, String pan) {
        IsoMessage r = p.send(p.withPin(p.balance(pan), "1234"));
        assertCode("00", r);
        String de54 = r.getString(54);
        assertEquals("1002156C", de54.substring(0, 8));
        return Long.parseLong(de54.substring(8));
    }

    IsoMessage approvedSale(TestPos p, long amount) {
        IsoMessage r = p.send(p.withPin(p.sale(PAN, amount), "1234"));
        assertCode("00", r);
        return r;
    }

    @Test
    void saleIsApprovedWithRrnAuthCodeAndMacAndDebitsTheCard() {
        IsoMessage req = pos.withPin(pos.sale(PAN, 12_345), "1234");
        byte[] raw = gw.handle(pos.pack(req), "pos").join();
        IsoMessage r = TestPos.D.unpack(raw);
        assertEquals("0210", r.getMti());
        assertCode("00", r);
        assertEquals(12, r.getString(37).length());
        assertTrue(r.getString(37).startsWith("01"));
        assertEquals(6, r.getString(38).length());
        assertEquals(req.getString(11), r.getString(11));
        assertEquals(req.getString(4), r.getString(4));
        assertFalse(r.hasField(2), "PAN never echoed");
        assertFalse(r.hasField(52), "PIN block never echoed");
        assertTrue(pos.responseMacValid(raw), "response MAC under the TAK");
        assertEquals(1_000_000 - 12_345, balance(pos, PAN));
        var rec = gw.store().findByRrn(r.getString(37)).orElseThrow();
        assertEquals(TxnStatus.APPROVED, rec.status());
        assertEquals("621234******1232", rec.maskedPan());
    }

    @Test
    void macMissingOrWrongIsRefused63AndChangesNothing() {
        IsoMessage m = pos.withPin(pos.sale(PAN, 1000), "1234");
        byte[] b = pos.pack(m);
        b[b.length - 1] ^= 1;
        IsoMessage r = pos.sendRaw(b);
        assertCode("63", r);
        assertEquals("MAC_INVALID", r.getString(44));
        IsoMessage noMac = pos.withPin(pos.sale(PAN, 1000), "1234");
        assertCode("63", pos.sendRaw(TestPos.D.pack(noMac)));
        assertEquals(1_000_000, balance(pos, PAN));
    }

    @Test
    void anEchoMayCarryItsMacInDe64ButASignOnOrAnEchoMadeOneMayNot() {
        // contract section 4: an 0800 carries DE 64 (or 128); DE 70 follows DE 64, out of its MAC, so only an echo is
        // taken that way: a sign-on replaces the terminal's keys
        IsoMessage echo = pos.sendRaw(pos.packMacedIn(pos.network("301"), 64));
        assertCode("00", echo);
        byte[] madeSignOn = pos.packMacedIn(pos.network("301"), 64);
        IsoMessage parsed = TestPos.D.unpack(madeSignOn);
        int at = parsed.offsetOf(70);
        byte[] asSignOn = TestPos.D.pack(parsed.set(70, "001"));
        assertEquals(madeSignOn.length, asSignOn.length);
        assertEquals(at, TestPos.D.unpack(asSignOn).offsetOf(70), "only DE 70 changed");
        IsoMessage refused = pos.sendRaw(asSignOn);
        assertCode("63", refused);
        assertEquals("MAC_INVALID", refused.getString(44));
        assertCode("63", pos.sendRaw(pos.packMacedIn(pos.network("001"), 64)));
        assertCode("00", pos.send(pos.withPin(pos.sale(PAN, 100), "1234"))); // its keys are the ones it had
    }

    @Test
    void duplicateGetsTheSameAnswerAndDifferentContentGets94() {
        IsoMessage m = pos.withPin(pos.sale(PAN, 500), "1234");
        IsoMessage first = pos.send(m.copy());
        IsoMessage again = pos.send(m.copy());
        assertCode("00", again);
        assertEquals(first.getString(37), again.getString(37));
        assertEquals(first.getString(38), again.getString(38));
        IsoMessage changed = m.copy().set(4, "000000000600");
        IsoMessage r = pos.send(changed);
        assertCode("94", r);
        assertEquals(1_000_000 - 500, balance(pos, PAN));
    }

    @Test
    void embeddedAuthorizerCodes() {
        assertCode("14", pos3.send(pos3.sale("6212345678901231", 100)));
        assertCode("14", pos3.send(pos3.sale(PAN_UNKNOWN, 100)));
        assertCode("54", pos3.send(pos3.withPin(pos3.sale(PAN_EXPIRED, 100), "1234")));
        assertCode("51", pos3.send(pos3.withPin(pos3.sale(PAN_LOW, 501), "1234")));
        assertCode("00", pos3.send(pos3.withPin(pos3.sale(PAN_LOW, 500), "1234")));
        assertCode("00", pos3.send(pos3.sale(PAN_NOPIN, 100)));
        assertCode("13", pos3.send(pos3.sale(PAN, 0)));
    }

    @Test
    void wrongPinThenTriesExceeded() {
        assertCode("55", pos.send(pos.withPin(pos.sale(PAN, 100), "9999")));
        assertCode("55", pos.send(pos.withPin(pos.sale(PAN, 100), "9999")));
        assertCode("75", pos.send(pos.withPin(pos.sale(PAN, 100), "9999")));
        assertCode("75", pos.send(pos.withPin(pos.sale(PAN, 100), "1234")));
    }

    @Test
    void correctPinResetsTheTryCounter() {
        assertCode("55", pos.send(pos.withPin(pos.sale(PAN, 100), "9999")));
        assertCode("55", pos.send(pos.withPin(pos.sale(PAN, 100), "9999")));
        assertCode("00", pos.send(pos.withPin(pos.sale(PAN, 100), "1234")));
        assertCode("55", pos.send(pos.withPin(pos.sale(PAN, 100), "9999")));
    }

    @Test
    void partialRefundsUpToTheSaleAndNoFurther() {
        String rrn = approvedSale(pos, 10_000).getString(37);
        assertCode("00", pos.send(pos.refund(PAN, 3_000, rrn)));
        assertCode("00", pos3.send(pos3.refund(PAN, 4_000, rrn)));   // another terminal of the same merchant
        IsoMessage tooMuch = pos.send(pos.refund(PAN, 3_001, rrn));
        assertCode("13", tooMuch);
        assertEquals("EXCEEDS_REFUNDABLE", tooMuch.getString(44));
        assertCode("00", pos.send(pos.refund(PAN, 2_999, rrn)));
        assertEquals(9_999, gw.store().findByRrn(rrn).orElseThrow().refundedAmount());
        assertEquals(1_000_000 - 10_000 + 9_999, balance(pos, PAN));
    }

    @Test
    void refundRules() {
        String rrn = approvedSale(pos, 10_000).getString(37);
        IsoMessage r = pos.send(pos.refund(PAN, 1_000, "019999999999"));
        assertCode("25", r);
        r = other.send(other.refund(PAN, 1_000, rrn));
        assertCode("12", r);
        assertEquals("ORIGINAL_OTHER_MERCHANT", r.getString(44));
        r = pos.send(pos.refund(PAN_NOPIN, 1_000, rrn));
        assertEquals("CARD_MISMATCH", r.getString(44));
        assertCode("00", pos.send(pos.refund(PAN, 1_000, rrn)));
        r = pos.send(pos.refund(PAN, 1_000, rrn));
        assertCode("12", r);
        assertEquals("SUSPECTED_DUPLICATE", r.getString(44));
        clock.advance(Duration.ofMinutes(11));
        assertCode("00", pos.send(pos.refund(PAN, 1_000, rrn)));
        clock.advance(Duration.ofDays(181));
        r = pos.send(pos.refund(PAN, 500, rrn));
        assertCode("12", r);
        assertEquals("REFUND_WINDOW_EXPIRED", r.getString(44));
    }

    @Test
    void aSaleTheWorkingSetDroppedStillKnowsItsRefunds() {
        // The working set forgets a transaction 2 minutes after its last change and reloads it on demand; its
        // refunds must come with it, or a duplicate refund and a reversal of a refunded sale would go through.
        IsoMessage sale = approvedSale(pos, 10_000);
        String rrn = sale.getString(37);
        assertCode("00", pos.send(pos.refund(PAN, 1_000, rrn)));
        clock.advance(Duration.ofMinutes(3));
        approvedSale(pos, 1); // any request: the engine sweeps its working set
        IsoMessage r = pos.send(pos.refund(PAN, 1_000, rrn));
        assertCode("12", r);
        assertEquals("SUSPECTED_DUPLICATE", r.getString(44), "within 10 minutes of the first refund");
        r = pos.send(pos.reversal(sale));
        assertCode("12", r);
        assertEquals("ORIGINAL_REFUNDED", r.getString(44), "reversing it would hand the refunded money back twice");
        assertEquals(1_000, gw.store().findByRrn(rrn).orElseThrow().refundedAmount());
    }

    @Test
    void refundLimits() {
        String big = approvedSale(pos3, 900_000).getString(37);
        IsoMessage r = pos3.send(pos3.refund(PAN, 500_001, big));
        assertCode("61", r);
        assertEquals("SINGLE_REFUND_LIMIT", r.getString(44));
        // daily limit 2,000,000: sales on a rich card
        List<String> sales = new ArrayList<>();
        for (int i = 0; i < 5; i++) sales.add(pos3.send(pos3.sale(PAN_NOPIN, 500_000)).getString(37));
        for (int i = 0; i < 4; i++) assertCode("00", pos3.send(pos3.refund(PAN_NOPIN, 500_000, sales.get(i))));
        r = pos3.send(pos3.refund(PAN_NOPIN, 1, sales.get(4)));
        assertCode("61", r);
        assertEquals("DAILY_REFUND_LIMIT", r.getString(44));
        clock.advance(Duration.ofDays(1));
        assertCode("00", pos3.send(pos3.refund(PAN_NOPIN, 1, sales.get(4))));
    }

    @Test
    void voidUndoesTheSaleAndCannotBeRefundedAfter() {
        IsoMessage sale = approvedSale(pos, 2_000);
        String rrn = sale.getString(37);
        assertCode("13", pos.send(pos.voidOf(PAN, 1_999, rrn)));
        IsoMessage voided = pos.send(pos.voidOf(PAN, 2_000, rrn));
        assertCode("00", voided);
        assertEquals(6, voided.getString(38).length(), "an approved void carries an authorization code");
        assertEquals(sale.getString(38), voided.getString(38), "the sale's own");
        assertEquals(1_000_000, balance(pos, PAN));
        IsoMessage again = pos.send(pos.voidOf(PAN, 2_000, rrn));
        assertCode("12", again);
        assertEquals("ALREADY_VOIDED", again.getString(44));
        IsoMessage refund = pos.send(pos.refund(PAN, 100, rrn));
        assertEquals("ORIGINAL_VOIDED", refund.getString(44));
        assertCode("12", pos3.send(pos3.voidOf(PAN, 2_000, approvedSale(pos, 2_000).getString(37))));
    }

    /**
     * A sale voided, then reversed (00: the void gave the money back), then the void reversed: the sale stays gone.
     * A black-box audit saw the void's reversal bring the sale back and charge the card again, with both reversals
     * answered 00 and the next settlement off by the sale.
     */
    @Test
    void aSaleReversedAfterItsVoidStaysGoneWhenTheVoidIsReversed() {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 5_000), "1234");
        IsoMessage saleResp = pos.send(sale.copy());
        assertCode("00", saleResp);
        IsoMessage voidReq = pos.voidOf(PAN, 5_000, saleResp.getString(37));
        assertCode("00", pos.send(voidReq.copy()));
        assertEquals(1_000_000, balance(pos, PAN));
        assertCode("00", pos.send(pos.reversal(sale)));
        assertEquals(1_000_000, balance(pos, PAN), "nothing to give back twice");
        assertCode("00", pos.send(pos.reversal(voidReq)));
        assertEquals(1_000_000, balance(pos, PAN), "the sale is not charged again");
        assertEquals(io.switchgate.model.TxnStatus.REVERSED, gw.store().findByRrn(saleResp.getString(37)).orElseThrow().status());
        IsoMessage refund = pos.send(pos.refund(PAN, 100, saleResp.getString(37)));
        assertCode("12", refund);
        assertCode("00", pos.send(pos.settlement(0, 0, 0, 0))); // the batch holds nothing
    }

    /**
     * A repeat (same terminal, DE 11, DE 7, DE 3, DE 4 and card) that names another operation is answered 94, not
     * with the first one's answer: a refund naming another sale, a sale in another currency, a reversal naming another
     * original, a settlement with other totals. A black-box audit saw each answered as the first (sale B never
     * refunded or reversed while the terminal was told it was).
     */
    @Test
    void aRepeatThatNamesAnotherOperationIsAnswered94() {
        IsoMessage saleA = pos.withPin(pos.sale(PAN, 1_000), "1234");
        IsoMessage a = pos.send(saleA.copy());
        IsoMessage saleB = pos.withPin(pos.sale(PAN, 1_000), "1234");
        IsoMessage b = pos.send(saleB.copy());
        assertCode("00", a);
        assertCode("00", b);
        // a refund of A, then "the same" naming B
        IsoMessage refund = pos.refund(PAN, 300, a.getString(37));
        IsoMessage refunded = pos.send(refund.copy());
        assertCode("00", refunded);
        IsoMessage otherSale = pos.send(refund.copy().set(37, b.getString(37)));
        assertCode("94", otherSale);
        assertEquals(refunded.getString(37), pos.send(refund.copy()).getString(37), "the very same refund is replayed");
        // a sale, then "the same" in another currency
        IsoMessage sale = pos.withPin(pos.sale(PAN, 700), "1234");
        assertCode("00", pos.send(sale.copy()));
        assertCode("94", pos.send(sale.copy().set(49, "840")));
        // a reversal naming B, then "the same" naming A
        IsoMessage rev = pos.reversal(saleB).set(11, TestPos.nextStan());
        rev.set(90, "0200" + saleB.getString(11) + saleB.getString(7) + "0".repeat(22));
        assertCode("00", pos.send(rev.copy()));
        IsoMessage namingA = rev.copy().set(90, "0200" + saleA.getString(11) + saleA.getString(7) + "0".repeat(22));
        assertCode("94", pos.send(namingA));
        assertEquals(io.switchgate.model.TxnStatus.APPROVED, gw.store().findByRrn(a.getString(37)).orElseThrow().status(),
                "A is not reversed");
        // a settlement (A and the sale of 700, A's refund), then "the same" with other totals
        IsoMessage settle = pos.settlement(2, 1_700, 1, 300);
        assertCode("00", pos.send(settle.copy()));
        assertCode("00", pos.send(settle.copy())); // the very same settlement is replayed
        assertCode("94", pos.send(settle.copy().set(76, String.format("%010d", 1)).set(88, String.format("%016d", 100))));
    }

    @Test
    void reversalUndoesOnceAndRepeatsAreApprovedAgain() {
        IsoMessage req = pos.withPin(pos.sale(PAN, 7_000), "1234");
        assertCode("00", pos.send(req.copy()));
        IsoMessage rev = pos.reversal(req);
        IsoMessage r = pos.send(rev.copy());
        assertEquals("0410", r.getMti());
        assertCode("00", r);
        assertEquals(1_000_000, balance(pos, PAN));
        assertCode("00", pos.send(rev.copy()));                  // exact repeat
        assertCode("00", pos.send(rev.copy().setMti("0401")));   // a repeat with another MTI of the family
        IsoMessage advice = rev.copy().setMti("0420");
        advice.set(7, "1125120100");
        IsoMessage a = pos.send(advice);
        assertEquals("0430", a.getMti());
        assertCode("00", a);
        assertEquals(1_000_000, balance(pos, PAN));
    }

    @Test
    void everyApprovedAnswerCarriesASixCharacterAuthorizationCodeAndItsRetransmissionTheSameOne() {
        // contract section 4: "DE 38: a 6-character authorization code when approved" (a black-box audit found none
        // on approved 0410, 0430, 0510 and 0810)
        IsoMessage req = pos.withPin(pos.sale(PAN, 7_100), "1234");
        IsoMessage sale = pos.send(req.copy());
        assertCode("00", sale);
        IsoMessage rev = pos.reversal(req);
        IsoMessage reversed = pos.send(rev.copy());
        assertCode("00", reversed);
        assertEquals(sale.getString(38), reversed.getString(38), "a reversal's code is its original's");
        assertEquals(reversed.getString(38), pos.send(rev.copy()).getString(38), "its retransmission's too");
        IsoMessage advice = pos.send(rev.copy().setMti("0420").set(7, "1125120200"));
        assertEquals("0430", advice.getMti());
        assertEquals(sale.getString(38), advice.getString(38));

        IsoMessage echo = pos.network("301");
        IsoMessage echoed = pos.send(echo.copy());
        assertCode("00", echoed);
        assertEquals(6, echoed.getString(38).length(), "an echo's");
        assertEquals(echoed.getString(37).substring(6), echoed.getString(38), "no authorizer gave one: the RRN's last six digits");
        IsoMessage signOn = pos.send(pos.network("001"));
        assertCode("00", signOn);
        assertEquals(6, signOn.getString(38).length(), "a sign-on's");

        IsoMessage settle = pos3.settlement(0, 0, 0, 0);
        IsoMessage settled = pos3.send(settle.copy());
        assertCode("00", settled);
        assertEquals(6, settled.getString(38).length(), "a settlement's");
        assertEquals(settled.getString(38), pos3.send(settle.copy()).getString(38), "its retransmission's the same");
        assertFalse(pos3.send(pos3.settlement(5, 1, 0, 0)).hasField(38), "none on a 95");
    }

    @Test
    void reversalWithoutOriginalIs25AndTheLateOriginalIsRefused() {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 3_000), "1234");
        IsoMessage r = pos.send(pos.reversal(sale));
        assertCode("25", r);
        IsoMessage late = pos.send(sale);
        assertNotEquals("00", late.getString(39));
        assertEquals(1_000_000, balance(pos, PAN));
    }

    @Test
    void reversalByDe90NamesTheOriginalStan() {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 3_000), "1234");
        assertCode("00", pos.send(sale));
        IsoMessage rev = pos.reversal(sale);
        rev.set(11, TestPos.nextStan());
        rev.set(90, "0200" + sale.getString(11) + sale.getString(7) + "0000000000000000000000");
        assertCode("00", pos.send(rev));
        assertEquals(1_000_000, balance(pos, PAN));
    }

    /** Sends {@code m} under this STAN and DE 7 (a terminal reusing a STAN) and returns its answer, approved. */
    private IsoMessage approvedOn(String stan, String de7, IsoMessage m) {
        IsoMessage answer = pos.send(m.set(11, stan).set(7, de7));
        assertCode("00", answer);
        return answer;
    }

    /**
     * A terminal that reuses a STAN within a day (a reboot resets its counter): the reversal that names the older
     * request by STAN and DE 7 undoes that one, not "nothing found" because the newer one's DE 7 differs (a black-box
     * audit: 25 ORIGINAL_NOT_FOUND and the card stayed charged, the reversal then also kept against the STAN).
     */
    @Test
    void aReversalNamingTheOlderOfTwoRequestsWithOneStanByItsDe7UndoesThatOne() {
        String stan = TestPos.nextStan();
        IsoMessage older = pos.withPin(pos.sale(PAN, 800), "1234");
        IsoMessage olderAnswer = approvedOn(stan, "0103101010", older);
        approvedOn(stan, "0104101010", pos.withPin(pos.sale(PAN, 900), "1234"));
        IsoMessage rev = pos.reversal(older).set(11, TestPos.nextStan());
        rev.set(90, "0200" + stan + "0103101010" + "0".repeat(22));
        IsoMessage r = pos.send(rev);
        assertCode("00", r);
        assertEquals(olderAnswer.getString(37), gw.store().findByRrn(olderAnswer.getString(37)).orElseThrow().rrn());
        assertEquals(io.switchgate.model.TxnStatus.REVERSED,
                gw.store().findByRrn(olderAnswer.getString(37)).orElseThrow().status(), "the older sale is reversed");
        assertEquals(1_000_000 - 900, balance(pos, PAN), "only the newer sale stays charged");
    }

    /**
     * A reused STAN, a reversal naming it by DE 11 alone: the request it means is the newest with the STAN whose amount
     * is its DE 4. A black-box audit: after a sale, a balance inquiry reused its STAN, and the sale's reversal was
     * answered 00 as the inquiry's (nothing moved, the card stayed charged); with two sales on one STAN, the older
     * one's reversal was answered 00 as the newer one's, already reversed.
     */
    @Test
    void aReversalByStanAloneMeansTheNewestRequestOfItsAmount() {
        String stan = TestPos.nextStan();
        IsoMessage sale = pos.withPin(pos.sale(PAN, 500), "1234");
        IsoMessage saleAnswer = approvedOn(stan, "0103101010", sale);
        approvedOn(stan, "0104101010", pos.withPin(pos.balance(PAN), "1234")); // the STAN reused by a balance inquiry
        IsoMessage rev = pos.send(pos.reversal(sale).set(7, "0105101010"));
        assertCode("00", rev);
        assertEquals(saleAnswer.getString(38), rev.getString(38), "the sale's reversal, not the inquiry's");
        assertEquals(io.switchgate.model.TxnStatus.REVERSED,
                gw.store().findByRrn(saleAnswer.getString(37)).orElseThrow().status());
        assertEquals(1_000_000, balance(pos, PAN));

        String other = TestPos.nextStan();
        IsoMessage first = pos.withPin(pos.sale(PAN, 100), "1234").set(11, other).set(7, "0106101010");
        IsoMessage second = pos.withPin(pos.sale(PAN, 200), "1234").set(11, other).set(7, "0107101010");
        assertCode("00", pos.send(first));
        assertCode("00", pos.send(second));
        assertCode("00", pos.send(pos.reversal(second).set(7, "0108101010")));
        assertEquals(1_000_000 - 100, balance(pos, PAN));
        assertCode("00", pos.send(pos.reversal(first).set(7, "0109101010")));
        assertEquals(1_000_000, balance(pos, PAN), "the older sale of the STAN is reversed too");
        // a repeat of the newer one's reversal (another DE 7: not a retransmission) finds it done, and moves nothing
        assertCode("00", pos.send(pos.reversal(second).set(7, "0110101010")));
        assertEquals(1_000_000, balance(pos, PAN));
    }

    /** In the 1993 layout a reversal names its original in DE 56 (MTI, STAN, local date and time, acquirer). */
    @Test
    void aReversalNamingItsOriginalInDe56FindsIt() {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 700), "1234");
        assertCode("00", pos.send(sale));
        IsoMessage rev = pos.reversal(sale).set(11, TestPos.nextStan());
        rev.set(56, "0200" + sale.getString(11) + "261207101010" + "0612345678901");
        assertCode("00", pos.send(rev));
        assertEquals(1_000_000, balance(pos, PAN));
    }

    @Test
    void reversedRefundGivesTheRefundableAmountBack() {
        String rrn = approvedSale(pos, 5_000).getString(37);
        IsoMessage refund = pos.refund(PAN, 5_000, rrn);
        assertCode("00", pos.send(refund.copy()));
        assertCode("00", pos.send(pos.reversal(refund)));
        assertEquals(0, gw.store().findByRrn(rrn).orElseThrow().refundedAmount());
        clock.advance(Duration.ofMinutes(11));
        assertCode("00", pos.send(pos.refund(PAN, 5_000, rrn)));
    }

    /**
     * A reversal retransmitted more than a day later (its duplicate key gone) named only a STAN, which a newer sale had
     * reused: it reversed that sale, which the terminal never asked for (a black-box audit of reversals). A reversal is
     * sent after its original, so a request sent (by its DE 7) well after the reversal is not its original.
     */
    @Test
    void aReversalRetransmittedADayLateDoesNotReverseTheNewerSaleThatReusedItsStan() {
        long opening = gw.embeddedCardBalance(PAN_NOPIN);
        String stan = TestPos.nextStan();
        pos3.de7 = "1125040000";
        IsoMessage sale = pos3.sale(PAN_NOPIN, 1_000).set(11, stan);
        assertCode("00", pos3.send(sale));
        pos3.de7 = "1125040010";
        IsoMessage rev = pos3.reversal(sale); // its DE 11 the sale's, its own DE 7, no DE 90
        rev.set(7, "1125040010");
        assertCode("00", pos3.send(rev.copy()));
        assertEquals(opening, gw.embeddedCardBalance(PAN_NOPIN));

        clock.advance(Duration.ofHours(25));
        pos3.de7 = "1126050000";
        IsoMessage newer = pos3.sale(PAN_NOPIN, 1_000).set(11, stan); // the same amount: only its DE 7 tells
        IsoMessage newerResp = pos3.send(newer);
        assertCode("00", newerResp);
        IsoMessage late = pos3.send(rev.copy());
        assertCode("00", late); // the first sale's reversal again: nothing more to undo
        assertEquals(opening - 1_000, gw.embeddedCardBalance(PAN_NOPIN), "the newer sale stands");
        assertEquals(TxnStatus.APPROVED, gw.store().findByRrn(newerResp.getString(37)).orElseThrow().status());
        // a reversal sent after it names it as usual
        pos3.de7 = "1126050030";
        IsoMessage ownRev = pos3.reversal(newer);
        ownRev.set(7, "1126050030");
        assertCode("00", pos3.send(ownRev));
        assertEquals(opening, gw.embeddedCardBalance(PAN_NOPIN));
    }

    @Test
    void settlementMatchesClosesTheBatchOrAnswers95WithOurTotals() {
        approvedSale(pos, 1_000);
        String rrn = approvedSale(pos, 2_000).getString(37);
        assertCode("00", pos.send(pos.refund(PAN, 500, rrn)));
        IsoMessage voidMe = approvedSale(pos, 4_000);
        assertCode("00", pos.send(pos.voidOf(PAN, 4_000, voidMe.getString(37))));
        IsoMessage badTotals = pos.settlement(3, 7_000, 1, 500);
        IsoMessage wrong = pos.send(badTotals);
        assertCode("95", wrong);
        IsoMessage wrongAgain = pos.send(badTotals.copy());
        assertCode("95", wrongAgain);
        assertEquals(wrong.getString(37), wrongAgain.getString(37), "a retransmission: the same answer");
        for (int f : new int[]{74, 76, 86, 88}) assertEquals(wrong.getString(f), wrongAgain.getString(f), "95 again: DE " + f);
        assertEquals(2, Long.parseLong(wrong.getString(76)));
        assertEquals(3_000, Long.parseLong(wrong.getString(88)));
        assertEquals(1, Long.parseLong(wrong.getString(74)));
        assertEquals(500, Long.parseLong(wrong.getString(86)));
        IsoMessage settle = pos.settlement(2, 3_000, 1, 500);
        IsoMessage settled = pos.send(settle);
        assertCode("00", settled);
        // its retransmission gets the same answer, totals included (they were left out of the replay)
        IsoMessage again = pos.send(settle.copy());
        assertCode("00", again);
        assertEquals(settled.getString(37), again.getString(37));
        for (int f : new int[]{74, 76, 86, 88}) assertEquals(settled.getString(f), again.getString(f), "DE " + f);
        // the 95 repeated once its batch is settled: the same DE 37 and 39, and the totals of that batch (a black-box
        // audit saw them left out)
        IsoMessage wrongLate = pos.send(badTotals.copy());
        assertCode("95", wrongLate);
        assertEquals(wrong.getString(37), wrongLate.getString(37));
        for (int f : new int[]{74, 76, 86, 88}) assertEquals(wrong.getString(f), wrongLate.getString(f), "95 after settling: DE " + f);
        // new batch is empty
        assertCode("00", pos.send(pos.settlement(0, 0, 0, 0)));
        // a sale of a settled batch cannot be voided
        IsoMessage v = pos.send(pos.voidOf(PAN, 2_000, rrn));
        assertCode("12", v);
    }

    @Test
    void terminalAndMerchantStatus() {
        TestPos reg = new TestPos(gw, "TERM0002", MERCHANT, null, TPK1);
        assertCode("58", reg.send(reg.balance(PAN_NOPIN)));
        assertCode("00", reg.send(reg.sale(PAN_NOPIN, 100)));
        assertEquals(TerminalStatus.ACTIVE, gw.store().findTerminal("TERM0002").orElseThrow().status());
        assertNotNull(gw.store().findTerminal("TERM0002").orElseThrow().activatedAt());
        assertCode("00", reg.send(reg.balance(PAN_NOPIN)));

        gw.engine().changeTerminalStatus("TERM0003", TerminalStatus.SUSPENDED, "test").join();
        IsoMessage r = pos3.send(pos3.sale(PAN_NOPIN, 100));
        assertCode("58", r);
        assertEquals("TERMINAL_SUSPENDED", r.getString(44));
        gw.engine().changeTerminalStatus("TERM0003", TerminalStatus.RETURNED, "test").join();
        assertCode("58", pos3.send(pos3.sale(PAN_NOPIN, 100)));
        assertCode("00", pos3.send(pos3.settlement(0, 0, 0, 0)));

        gw.engine().changeMerchantStatus(MERCHANT2, MerchantStatus.FROZEN, "test").join();
        r = other.send(other.sale(PAN_NOPIN, 100));
        assertCode("03", r);
        assertEquals("MERCHANT_FROZEN", r.getString(44));
        IsoMessage wrongMerchant = pos3.sale(PAN_NOPIN, 100).set(42, MERCHANT2);
        assertCode("58", new TestPos(gw, "TERM9999", MERCHANT, null, null).send(new TestPos(gw, "TERM9999", MERCHANT, null, null).sale(PAN_NOPIN, 100)));
        assertEquals("03", new TestPos(gw, "TERM0009", MERCHANT, null, null).send(wrongMerchant.set(41, "TERM0002")).getString(39));
    }

    @Test
    void formatErrors() {
        IsoMessage m = pos3.sale(PAN_NOPIN, 100);
        m.unset(4);
        IsoMessage r = pos3.send(m);
        assertCode("30", r);
        assertEquals("MISSING_FIELD_4", r.getString(44));
        IsoMessage noStan = pos3.sale(PAN_NOPIN, 100);
        noStan.unset(11);
        assertEquals("MISSING_FIELD_11", pos3.send(noStan).getString(44));
        // a balance inquiry carries no amount, or zeros (contract section 4); an amount is refused, not looked at
        IsoMessage zeros = pos3.balance(PAN_NOPIN).set(4, "000000000000");
        assertCode("00", pos3.send(zeros));
        IsoMessage withAmount = pos3.balance(PAN_NOPIN).set(4, "000000000100");
        IsoMessage refused = pos3.send(withAmount);
        assertCode("30", refused);
        assertEquals("BAD_FIELD_4", refused.getString(44));
        assertNotNull(refused.getString(37), "journaled with an RRN like every decline");
        byte[] garbage = {0x02, 0x00, (byte) 0xFF, (byte) 0xFF};
        IsoMessage g = pos3.sendRaw(garbage);
        assertEquals("0210", g.getMti());
        assertCode("30", g);
        assertNull(gw.handle(new byte[]{(byte) 0xAB}, "pos").join(), "no MTI, no answer");
    }

    @Test
    void signOnIssuesKeysAndTheOldTakIsRefusedAfter() {
        IsoMessage r = pos.send(pos.network("001"));
        assertCode("00", r);
        String de48 = r.getString(48);
        assertEquals(76, de48.length());
        var accepted = io.switchgate.security.SignOnKeys.accept(gw.security(),
                gw.security().importClear(io.switchgate.security.KeyType.TMK, java.util.HexFormat.of().parseHex(TMK1)), de48);
        // old TAK refused
        assertCode("63", pos.send(pos.sale(PAN_NOPIN, 100)));
        pos.tak = accepted.tak();
        pos.tpk = accepted.tpk();
        assertCode("00", pos.send(pos.withPin(pos.sale(PAN, 100), "1234")));
        assertCode("00", pos.send(pos.network("301")));
    }

    @Test
    void aRetransmittedSignOnHearsTheFirstAnswerAgainUnderTheKeyItWasMacedWith() {
        // contract section 5: a retransmission gets the same response (a black-box audit found it 63, MACed under a TAK
        // the terminal never got: locked out until a key reset)
        byte[] signOn = pos.pack(pos.network("001"));
        byte[] first = gw.handle(signOn.clone(), "pos").join();
        IsoMessage a = TestPos.D.unpack(first);
        assertCode("00", a);
        String takIssued = gw.store().findTerminal("TERM0001").orElseThrow().tak();
        byte[] again = gw.handle(signOn.clone(), "pos").join();
        IsoMessage b = TestPos.D.unpack(again);
        assertCode("00", b);
        for (int f : new int[]{37, 38, 48}) assertEquals(a.getString(f), b.getString(f), "DE " + f);
        assertTrue(pos.responseMacValid(again), "MACed under the TAK the terminal still has, as the first answer was");
        assertEquals(takIssued, gw.store().findTerminal("TERM0001").orElseThrow().tak(), "no keys issued twice");
        assertEquals(1, gw.store().findByTerminalAndStan("TERM0001", a.getString(11)).size(), "journaled once");

        // not a retransmission: another STAN under the old TAK is refused, and changes nothing
        IsoMessage other = pos.send(pos.network("001"));
        assertCode("63", other);
        // a spoiled MAC is not one either
        byte[] spoiled = signOn.clone();
        spoiled[spoiled.length - 1] ^= 1;
        assertCode("63", TestPos.D.unpack(gw.handle(spoiled, "pos").join()));
        assertEquals(takIssued, gw.store().findTerminal("TERM0001").orElseThrow().tak());
        // once the keys it issued are gone (an operator's reset) it is over: the same bytes are a new sign-on, which
        // after a reset needs no MAC, and issue new keys
        gw.engine().resetTerminalKeys("TERM0001", "test").join();
        IsoMessage afterReset = TestPos.D.unpack(gw.handle(signOn.clone(), "pos").join());
        assertCode("00", afterReset);
        assertNotEquals(a.getString(37), afterReset.getString(37));
        assertNotEquals(a.getString(48), afterReset.getString(48));
    }

    @Test
    void aRetransmittedSignOnOfATerminalThatHadNoTakIsAnsweredAgainWithoutOne() {
        gw.engine().resetTerminalKeys("TERM0001", "lost its keys").join();
        TestPos keyless = new TestPos(gw, "TERM0001", MERCHANT, null, null);
        byte[] signOn = keyless.pack(keyless.network("001"));
        IsoMessage a = TestPos.D.unpack(gw.handle(signOn.clone(), "pos").join());
        assertCode("00", a);
        IsoMessage b = TestPos.D.unpack(gw.handle(signOn.clone(), "pos").join());
        assertCode("00", b);
        assertEquals(a.getString(37), b.getString(37));
        assertEquals(a.getString(48), b.getString(48));
        assertFalse(b.hasField(64) || b.hasField(128), "the first answer had no MAC: the terminal had no TAK");
    }

    /**
     * A terminal with no PIN key (its keys reset, no sign-on since) sends a PIN block: nothing here can check it, so
     * the cardholder's try is not counted. A black-box audit: a right PIN answered 55, 55, then 75, the card locked for
     * good by three requests between a key reset and the sign-on.
     */
    @Test
    void aPinBlockFromATerminalWithNoPinKeyIsRefused96AndNeverCountsAgainstTheCard() {
        gw.engine().resetTerminalKeys("TERM0003", "lost its keys").join();
        for (int i = 0; i < 4; i++) {
            IsoMessage r = pos3.send(pos3.withPin(pos3.sale(PAN, 100), "1234"));
            assertCode("96", r);
            assertEquals("NO_PIN_KEY", r.getString(44));
        }
        assertCode("00", pos.send(pos.withPin(pos.sale(PAN, 100), "1234"))); // the card is not locked
        assertEquals(1_000_000 - 100, balance(pos, PAN));
    }

    @Test
    void aRetransmittedEchoHearsTheSameAnswerAndNoReversalEverNamesAnEcho() {
        // contract section 5: the same response again, same DE 37 and 38 (a black-box audit found a new RRN each time)
        IsoMessage echo = pos.network("301");
        IsoMessage a = pos.send(echo.copy());
        IsoMessage b = pos.send(echo.copy());
        assertCode("00", b);
        assertEquals(a.getString(37), b.getString(37));
        assertEquals(a.getString(38), b.getString(38));
        assertEquals(1, gw.store().findByTerminalAndStan("TERM0001", echo.getString(11)).size(), "journaled once");
        // a reversal naming the echo's STAN finds no original (25): an echo moved nothing
        IsoMessage sale = pos.withPin(pos.sale(PAN, 300), "1234").set(11, echo.getString(11)).set(7, echo.getString(7));
        assertCode("25", pos.send(pos.reversal(sale)));
        assertEquals(1_000_000, balance(pos, PAN));
        // the terminal's next echo is a new one; only its last is remembered, so an older one is answered afresh
        IsoMessage next = pos.send(pos.network("301"));
        assertNotEquals(a.getString(37), next.getString(37));
        IsoMessage old = pos.send(echo.copy());
        assertCode("00", old);
        assertNotEquals(a.getString(37), old.getString(37), "not the last echo any more: a new answer, nothing moved");
    }

    @Test
    void suspendedAndReturnedTerminalsAreRefusedASignOnAndKeepTheirKeysButStillEcho() {
        // contract section 5: suspended and returned terminals are refused 58 (a black-box audit found a sign-on
        // approved, with new keys issued to a returned terminal)
        String tpk = gw.store().findTerminal("TERM0001").orElseThrow().tpk();
        for (TerminalStatus status : new TerminalStatus[] {TerminalStatus.SUSPENDED, TerminalStatus.RETURNED}) {
            gw.engine().changeTerminalStatus("TERM0001", status, "test").join();
            IsoMessage r = pos.send(pos.network("001"));
            assertCode("58", r);
            assertEquals(status == TerminalStatus.SUSPENDED ? "TERMINAL_SUSPENDED" : "TERMINAL_RETURNED", r.getString(44));
            assertFalse(r.hasField(48), "no keys issued");
            assertEquals(tpk, gw.store().findTerminal("TERM0001").orElseThrow().tpk(), "the keys are unchanged");
            assertCode("00", pos.send(pos.network("301")));
        }
        // a terminal without a TMK too: nothing to issue, but the sign-on is refused all the same
        gw.engine().changeTerminalStatus("TERM0003", TerminalStatus.SUSPENDED, "test").join();
        assertCode("58", pos3.send(pos3.network("001")));
    }

    @Test
    void aRetransmittedSignOnThatIssuedNoKeysHearsTheSameAnswer() {
        // TERM0003 has no TMK: its sign-on is approved and issues nothing; its retransmission is the same answer
        IsoMessage signOn = pos3.network("001");
        IsoMessage a = pos3.send(signOn.copy());
        assertCode("00", a);
        assertFalse(a.hasField(48), "no keys issued");
        IsoMessage b = pos3.send(signOn.copy());
        assertEquals(a.getString(37), b.getString(37));
        assertEquals(a.getString(38), b.getString(38));
        // an echo with the same DE 11 and DE 7 is another kind: its own answer
        IsoMessage echo = pos3.send(pos3.network("301").set(11, signOn.getString(11)).set(7, signOn.getString(7)));
        assertCode("00", echo);
        assertNotEquals(a.getString(37), echo.getString(37));
    }

    @Test
    void aMacRequiredTerminalWhoseKeysWereResetTakesNothingButASignOn() {
        gw.engine().resetTerminalKeys("TERM0001", "lost its keys").join();
        TestPos keyless = new TestPos(gw, "TERM0001", MERCHANT, null, null);
        IsoMessage sale = keyless.send(keyless.sale(PAN_NOPIN, 100));
        assertCode("63", sale);
        assertEquals(10_000_000, gw.embeddedCardBalance(PAN_NOPIN), "nothing moved");
        IsoMessage signOn = keyless.send(keyless.network("001"));
        assertCode("00", signOn);
        var accepted = io.switchgate.security.SignOnKeys.accept(gw.security(),
                gw.security().importClear(io.switchgate.security.KeyType.TMK, java.util.HexFormat.of().parseHex(TMK1)),
                signOn.getString(48));
        keyless.tak = accepted.tak();
        assertCode("00", keyless.send(keyless.sale(PAN_NOPIN, 100)));
    }

    @Test
    void aRepeatAfter24HoursIsANewRequestNotADuplicate() {
        IsoMessage m = pos.withPin(pos.sale(PAN, 500), "1234");
        String first = pos.send(m.copy()).getString(37);
        clock.advance(Duration.ofHours(23));
        assertEquals(first, pos.send(m.copy()).getString(37), "within 24 hours: the same answer");
        clock.advance(Duration.ofHours(2));
        IsoMessage later = pos.send(m.copy());
        assertCode("00", later);
        assertNotEquals(first, later.getString(37), "after 24 hours: processed as a new request");
        assertEquals(1_000_000 - 1_000, balance(pos, PAN));
    }

    @Test
    void trackDataChipDataAndPinBlockAreNeverEchoed() {
        IsoMessage m = pos3.sale(PAN_NOPIN, 100);
        m.unset(2);
        m.unset(14);
        m.set(35, PAN_NOPIN + "D28121010000000000");
        m.set(55, java.util.HexFormat.of().parseHex("9F2608A1B2C3D4E5F607189F2701809F10120110A00000000000000000000000000000FF"));
        IsoMessage r = pos3.send(m);
        assertCode("00", r);
        for (int f : new int[]{2, 14, 35, 52, 55}) assertFalse(r.hasField(f), "DE " + f + " echoed");
        assertEquals("621234******1265", gw.store().findByRrn(r.getString(37)).orElseThrow().maskedPan());
    }

    @Test
    void afterDrainNewRequestsAreAnswered91AndNothingMoves() {
        assertTrue(gw.drain(Duration.ofSeconds(5)));
        IsoMessage r = pos.send(pos.withPin(pos.sale(PAN, 100), "1234"));
        assertCode("91", r);
        assertEquals("GATEWAY_STOPPING", r.getString(44));
        assertEquals(1_000_000, gw.embeddedCardBalance(PAN));
    }

    /**
     * A refusal before the decision (the door's 91 while stopping) is MACed under the terminal's TAK like every other
     * response to it (contract section 4): an overload audit saw 91s without DE 64, which a terminal that checks
     * response MACs takes for a forgery.
     */
    @Test
    void aRefusalAtTheDoorIsMacedUnderTheTerminalsKey() {
        assertTrue(gw.drain(Duration.ofSeconds(5)));
        byte[] raw = gw.handle(pos.pack(pos.withPin(pos.sale(PAN, 100), "1234")), "pos").join();
        IsoMessage r = TestPos.D.unpack(raw);
        assertCode("91", r);
        assertTrue(r.hasField(64), "DE 64 on the 91");
        assertTrue(pos.responseMacValid(raw), "the 91's MAC under the TAK");
    }

    /** An echo whose MAC is wrong is answered 63, MACed like the 63 to a sale. */
    @Test
    void anEchoWithAWrongMacIsAnswered63UnderAMac() {
        byte[] b = pos.packMacedIn(pos.network("301"), 64);
        b[TestPos.D.unpack(b).offsetOf(64)] ^= 1; // (DE 70 follows the MAC)
        byte[] raw = gw.handle(b, "pos").join();
        IsoMessage r = TestPos.D.unpack(raw);
        assertCode("63", r);
        assertTrue(r.hasField(64) || r.hasField(128), "a MAC on the 63: fields " + r.presentFields());
        assertTrue(pos.responseMacValid(raw), "the 63's MAC under the TAK");
    }

    @Test
    void repeatedAdviceIsAnswered0431() {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 700), "1234");
        assertCode("00", pos.send(sale));
        IsoMessage advice = pos.reversal(sale).setMti("0421");
        IsoMessage r = pos.send(advice);
        assertEquals("0431", r.getMti());
        assertCode("00", r);
        assertEquals(1_000_000, balance(pos, PAN));
    }

    @Test
    void dukptTerminalIsCheckedWithKeysDerivedFromItsKsn() {
        var sm = gw.security();
        var bdk = sm.importClear(io.switchgate.security.KeyType.BDK, java.util.HexFormat.of().parseHex(BDK));
        String ksn = "FFFF9876543210E00001";
        byte[] ksnBytes = java.util.HexFormat.of().parseHex(ksn);
        TestPos d = new TestPos(gw, "TERM0007", MERCHANT, null, null);
        d.tak = sm.deriveDukptKey(bdk, ksnBytes, io.switchgate.security.DukptUsage.MAC_REQUEST);
        d.tpk = sm.deriveDukptKey(bdk, ksnBytes, io.switchgate.security.DukptUsage.PIN);
        IsoMessage sale = d.withPin(d.sale(PAN, 100), "1234").set(62, ksn);
        byte[] raw = gw.handle(d.pack(sale), "pos").join();
        IsoMessage r = TestPos.D.unpack(raw);
        assertCode("00", r);
        d.tak = sm.deriveDukptKey(bdk, ksnBytes, io.switchgate.security.DukptUsage.MAC_RESPONSE);
        assertTrue(d.responseMacValid(raw), "response MAC under the derived response key");
        d.tak = sm.deriveDukptKey(bdk, ksnBytes, io.switchgate.security.DukptUsage.MAC_REQUEST);
        assertCode("55", d.send(d.withPin(d.sale(PAN, 100), "9999").set(62, ksn)));
        // MAC under the key of another KSN counter: refused
        IsoMessage other = d.withPin(d.sale(PAN, 100), "1234").set(62, "FFFF9876543210E00002");
        assertCode("63", d.send(other));
        assertCode("30", d.send(d.sale(PAN, 100).set(62, "NOT-A-KSN")));

        // a KSN of AES DUKPT's length (24 hex) to a TDES BDK: a format error, journaled with its RRN (was: 96, no RRN)
        IsoMessage aesLength = d.send(d.sale(PAN, 100).set(62, "123456789012345600000001"));
        assertCode("30", aesLength);
        assertEquals("BAD_FIELD_62", aesLength.getString(44));
        assertTrue(aesLength.hasField(37), "journaled: an RRN");

        // a PIN block with no KSN: refused as such, and never counted as a wrong PIN try (was: 55, then 75)
        for (int i = 0; i < 3; i++) {
            IsoMessage noKsn = d.send(d.withPin(d.sale(PAN, 100), "1234"));
            assertCode("30", noKsn);
            assertEquals("MISSING_FIELD_62", noKsn.getString(44));
        }
        assertEquals("00", d.send(d.withPin(d.sale(PAN, 100), "1234").set(62, ksn)).getString(39), "the card is not locked");
    }

    /** A DUKPT sale of {@code ksn}'s device under the keys its KSN derives, PIN 1234. */
    private IsoMessage dukptSale(String ksn, long amount) {
        var sm = gw.security();
        var bdk = sm.importClear(io.switchgate.security.KeyType.BDK, java.util.HexFormat.of().parseHex(BDK));
        byte[] ksnBytes = java.util.HexFormat.of().parseHex(ksn);
        TestPos d = new TestPos(gw, "TERM0007", MERCHANT, null, null);
        d.tak = sm.deriveDukptKey(bdk, ksnBytes, io.switchgate.security.DukptUsage.MAC_REQUEST);
        d.tpk = sm.deriveDukptKey(bdk, ksnBytes, io.switchgate.security.DukptUsage.PIN);
        return d.send(d.withPin(d.sale(PAN, amount), "1234").set(62, ksn));
    }

    /**
     * Every device of a BDK MACs validly under its own KSN's keys: the terminal is bound to the device of its first
     * request, another device of the same BDK is refused 63 (an outside audit: before, any device loaded from the BDK
     * could transact as any DUKPT terminal), until an operator resets the terminal's keys (its PIN pad replaced). A
     * counter with more than 10 one-bits, which no device uses, is refused too. The same KSN used again is not refused
     * (a retransmission is the duplicate check's; docs/security.md).
     */
    @Test
    void aDukptTerminalIsBoundToItsDeviceAndCountersNoDeviceUsesAreRefused() throws Exception {
        assertCode("00", dukptSale("FFFF9876543210E00001", 100));
        assertCode("00", dukptSale("FFFF9876543210E00002", 100));
        assertCode("00", dukptSale("FFFF9876543210E00002", 100)); // the same KSN, another request (see above)
        IsoMessage foreign = dukptSale("FFFF9876543211E00003", 100);
        assertCode("63", foreign);
        assertEquals("KSN_OTHER_DEVICE", foreign.getString(44));
        IsoMessage otherKeySet = dukptSale("1234567890ABCDE00001", 100);
        assertEquals("KSN_OTHER_DEVICE", otherKeySet.getString(44));
        IsoMessage noDeviceUsesIt = dukptSale("FFFF9876543210E007FF", 100); // 11 one-bits
        assertCode("63", noDeviceUsesIt);
        assertEquals("KSN_COUNTER_INVALID", noDeviceUsesIt.getString(44));
        assertCode("00", dukptSale("FFFF9876543210E003FF", 100)); // 10 one-bits: a device's
        long before = balance(pos, PAN);
        assertNotNull(gw.engine().resetTerminalKeys("TERM0007", "PIN pad replaced").get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertCode("00", dukptSale("FFFF9876543211E00001", 100));
        assertEquals("KSN_OTHER_DEVICE", dukptSale("FFFF9876543210E00004", 100).getString(44), "the old device, now");
        assertEquals(before - 100, balance(pos, PAN));
    }

    /**
     * A MAC in DE 64 covers the bytes before DE 64 only: with DE 70 or DE 90 after it, anyone could change those (turn
     * an echo into a sign-on that issues keys, point a reversal at another sale). Such a message is refused 63; a MAC
     * belongs in DE 128 when a field above 64 is present.
     */
    @Test
    void aMacInDe64OfAMessageWithFieldsAbove64IsRefused() {
        // an echo alone may carry its MAC so (anEchoMayCarryItsMacInDe64ButASignOnOrAnEchoMadeOneMayNot)
        var sm = gw.security();
        var tak = sm.importClear(io.switchgate.security.KeyType.TAK, java.util.HexFormat.of().parseHex(TAK1));
        IsoMessage echo = pos.network("301").set(71, "0001");
        echo.set(64, new byte[8]);
        byte[] b = TestPos.D.pack(echo);
        int off = TestPos.D.unpack(b).offsetOf(64);
        b = TestPos.D.pack(echo.set(64, sm.generateMac(tak, io.switchgate.security.MacAlgorithm.X919_RETAIL_PAD1, b, 0, off)));
        IsoMessage r = TestPos.D.unpack(gw.handle(b, "pos").join());
        assertCode("63", r);
        assertEquals("MAC_INVALID", r.getString(44));
        // the same echo with its MAC in DE 128 is taken
        assertCode("00", pos.send(pos.network("301")));
    }

    @Test
    void concurrentRefundsFromTwoTerminalsNeverExceedTheSale() throws Exception {
        // Both terminals' batches and both merchants' refund day totals in the working set: a first-use read (prefetch
        // stage) would let one terminal's refunds go after the other's (each terminal's own stay in order), and this
        // test checks arrival order. (Warming the batches alone left the day totals: a CI run reordered them.)
        for (TestPos p : List.of(pos3, pos)) {
            String warm = approvedSale(p, 100).getString(37);
            assertCode("00", p.send(p.refund(PAN, 1, warm)));
        }
        String rrn = approvedSale(pos, 10_000).getString(37);
        List<CompletableFuture<byte[]>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestPos p = i % 2 == 0 ? pos : pos3;
            fs.add(gw.handle(p.pack(p.refund(PAN, 1_000 + i, rrn)), "pos"));
        }
        long approved = 0;
        List<Integer> approvedIndexes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            IsoMessage r = TestPos.D.unpack(fs.get(i).get(10, TimeUnit.SECONDS));
            if ("00".equals(r.getString(39))) {
                approved += 1_000 + i;
                approvedIndexes.add(i);
            }
        }
        // One engine decides in arrival order, each refund reserving its amount: 1,000 + 1,001 + ... + 1,008 = 9,036
        // fit in 10,000; the 10th (1,009) would exceed it, and so would every later one (964 are left).
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), approvedIndexes);
        assertEquals(9_036, approved);
        assertEquals(approved, gw.store().findByRrn(rrn).orElseThrow().refundedAmount());
    }
}
