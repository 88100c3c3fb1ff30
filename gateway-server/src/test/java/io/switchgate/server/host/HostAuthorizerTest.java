package io.switchgate.server.host;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.txn.Gateway;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** A gateway (in-memory store) routing BIN 62 to one jPOS host simulator. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostAuthorizerTest {
    HostSimulator sim;
    Gateway gw;

    @BeforeEach
    void setUp() {
        quietLogs();
        sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234");
        gw = startConnected(config("01", "memory:", "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400))));
    }

    /** Closes the gateway, then waits until the host has handled everything it sent (see {@code awaitAllHandled}). */
    void closeGatewayAndAwaitHost() {
        gw.close();
        gw = null;
        awaitAllHandled(sim);
    }

    @AfterEach
    void tearDown() {
        closeAndCheck(gw, sim);
    }

    @Test
    void approvedSaleMapsStanRrnAcquirerPinAndMac() {
        IsoMessage req = withPin(gw, financial("000000", 1234), "1234");
        req.set(48, "PRIVATE");
        req.set(60, "TERMINALDATA");
        IsoMessage resp = send(gw, req);
        assertEquals("00", resp.getString(39));
        assertEquals(req.getString(11), resp.getString(11), "the terminal gets its own STAN back");
        String rrn = resp.getString(37);
        assertNotNull(rrn);
        ISOMsg h = sim.ofMti("0200").get(0);
        assertEquals(rrn, h.getString(37), "the host sees the gateway's RRN");
        assertEquals(ACQ, h.getString(32));
        assertNotEquals(req.getString(11), h.getString(11), "own STAN towards the host");
        assertFalse(h.hasField(48) || h.hasField(60), "private fields are not forwarded");
        assertTrue(h.hasField(52) && h.hasField(64));
        assertFalse(java.util.Arrays.equals(req.getBytes(52), h.getBytes(52)), "PIN block translated to the ZPK");
        assertEquals("A" + h.getString(11).substring(1), resp.getString(38), "the host's auth code");
        TxnRecord rec = gw.store().findByRrn(rrn).orElseThrow();
        assertEquals("acqA", rec.host());
        assertEquals(h.getString(11), rec.hostStan());
        assertEquals(rrn, rec.hostRrn());
    }

    @Test
    void wrongPinAndDeclinesArePassedThrough() {
        IsoMessage resp = send(gw, withPin(gw, financial("000000", 100), "9999"));
        assertEquals("55", resp.getString(39), "the host checked the translated PIN");
        assertEquals("HOST_SAYS_55", resp.getString(44));
        sim.behaviour = m -> HostSimulator.Reply.code("51");
        resp = send(gw, financial("000000", 100));
        assertEquals("51", resp.getString(39));
        assertEquals("HOST_SAYS_51", resp.getString(44));
        assertEquals(0, sim.count("0420"), "a declined answer needs no reversal");
    }

    @Test
    void balanceInquiryCarriesTheHostsBalance() {
        IsoMessage m = financial("310000", 0);
        m.unset(4);
        IsoMessage resp = send(gw, m);
        assertEquals("00", resp.getString(39));
        assertEquals("1002156C000000123456", resp.getString(54));
        // its retransmission is the same answer: the host's balance, not the embedded authorizer's figure for the card
        // (the configuration gives this card one), which a black-box audit saw in it
        IsoMessage again = send(gw, m.copy());
        assertEquals(resp.getString(37), again.getString(37));
        assertEquals("1002156C000000123456", again.getString(54));
        assertEquals(1, sim.count("0200"), "the host asked once");
    }

    @Test
    void manyInFlightOnOneConnectionAnsweredOutOfOrder() throws Exception {
        // the later the request reaches the host, the sooner it is answered
        AtomicCounter seq = new AtomicCounter();
        sim.behaviour = m -> HostSimulator.Reply.late(Math.max(1, 200 - 20L * seq.next()));
        List<IsoMessage> reqs = new ArrayList<>();
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            IsoMessage r = financial("000000", 1000 + i);
            reqs.add(r);
            answers.add(gw.handle(D.pack(r), "pos"));
        }
        Set<String> rrns = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            IsoMessage resp = D.unpack(answers.get(i).get(10, TimeUnit.SECONDS));
            assertEquals("00", resp.getString(39), "answer " + i);
            assertEquals(reqs.get(i).getString(4), resp.getString(4));
            assertEquals(reqs.get(i).getString(11), resp.getString(11));
            rrns.add(resp.getString(37));
        }
        assertEquals(10, rrns.size());
        assertEquals(1, sim.connections(), "one multiplexed connection");
        assertEquals(0, sim.count("0420"));
    }

    @Test
    void timeoutAnswers91AndOneReversalReachesTheHost() {
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.silent() : HostSimulator.Reply.approve();
        long t0 = System.nanoTime();
        IsoMessage resp = send(gw, financial("000000", 777));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("91", resp.getString(39));
        assertEquals("HOST_TIMEOUT", resp.getString(44));
        assertTrue(ms >= 380, "waited for the host's timeout: " + ms);
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        waitFor("reversal delivered", 5000, () -> host(gw, "acqA").safDepth() == 0 && sim.reversalsApplied.containsKey(hostStan));
        ISOMsg rev = sim.ofMti("0420").get(0);
        assertEquals(resp.getString(37), rev.getString(37));
        assertEquals("000000000777", rev.getString(4));
        assertTrue(rev.getString(90).startsWith("0200" + hostStan));
        TxnRecord rec = gw.store().findByRrn(resp.getString(37)).orElseThrow();
        assertEquals("91", rec.responseCode());
        assertEquals(hostStan, rec.hostStan());
        closeGatewayAndAwaitHost();
        assertEquals(1, sim.reversalsReceived.get(hostStan).get());
        assertEquals(1, sim.reversalsApplied.get(hostStan).get());
    }

    /**
     * An answer whose DE 39 says neither approved nor declined (none at all; {@code 10}, an approval for a partial
     * amount) may stand for an approval at the host: taken as a decline, the cardholder would stay charged with nothing
     * to undo it. It is treated as no answer: the terminal hears 91 and one reversal reaches the host.
     */
    @Test
    void anAnswerWithoutAReadableCodeIsReversedLikeNoAnswer() {
        java.util.Map<Long, String> codeByAmount = new java.util.HashMap<>();
        codeByAmount.put(778L, null);
        codeByAmount.put(779L, "10");
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.code(codeByAmount.get(Long.parseLong(m.getString(4))))
                : HostSimulator.Reply.approve();
        for (long amount : List.of(778L, 779L)) assertAnswered91AndJournaled(amount, "HOST_CODE_UNREADABLE");
        assertTheFirstSalesReversedOnce(2);
    }

    /** A sale of {@code amount} answered 91 for {@code reason}, and journaled so. */
    private void assertAnswered91AndJournaled(long amount, String reason) {
        IsoMessage resp = send(gw, financial("000000", amount));
        assertEquals("91", resp.getString(39), "amount " + amount);
        assertEquals(reason, resp.getString(44));
        assertEquals("91", gw.store().findByRrn(resp.getString(37)).orElseThrow().responseCode());
    }

    /** The first {@code n} sales the host received each got one reversal, once the gateway has stopped. */
    private void assertTheFirstSalesReversedOnce(int n) {
        List<String> hostStans = new ArrayList<>();
        for (int i = 0; i < n; i++) hostStans.add(sim.ofMti("0200").get(i).getString(11));
        waitFor("reversals delivered", 5000, () -> host(gw, "acqA").safDepth() == 0
                && hostStans.stream().allMatch(sim.reversalsReceived::containsKey));
        closeGatewayAndAwaitHost();
        for (String stan : hostStans) assertEquals(1, sim.reversalsReceived.get(stan).get(), stan);
    }

    /**
     * A refund of the same sale and amount while the first is still at the host is refused at once as a suspected
     * duplicate, and a refund of another amount goes through. A black-box audit saw the second sent to the host, its
     * hold refuse a legitimate refund 13 EXCEEDS_REFUNDABLE, then its approval refused SUSPECTED_DUPLICATE and reversed.
     */
    @Test
    void aRefundOfTheSameAmountWhileOneIsAtTheHostIsASuspectedDuplicate() {
        gw.close();
        gw = startConnected(config("01", "memory:", "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 5000))));
        IsoMessage sale = send(gw, financial("000000", 10_000));
        assertEquals("00", sale.getString(39));
        String rrn = sale.getString(37);
        sim.behaviour = m -> "0200".equals(mti(m)) && "000000003998".equals(m.getString(4))
                ? HostSimulator.Reply.late(1000) : HostSimulator.Reply.approve();
        CompletableFuture<byte[]> first = gw.handle(D.pack(financial("200000", 3998).set(37, rrn)), "pos");
        waitFor("the first refund at the host", 3000, () -> sim.ofMti("0200").size() == 2);
        IsoMessage second = send(gw, financial("200000", 3998).set(37, rrn));
        assertEquals("12", second.getString(39));
        assertEquals("SUSPECTED_DUPLICATE", second.getString(44));
        assertEquals(2, sim.ofMti("0200").size(), "the second never reached the host");
        IsoMessage other = send(gw, financial("200000", 5998).set(37, rrn));
        assertEquals("00", other.getString(39), "another amount: 3998 held + 5998 <= 10000");
        assertEquals("00", D.unpack(first.join()).getString(39));
        assertEquals(3998 + 5998, gw.store().findByRrn(rrn).orElseThrow().refundedAmount());
    }

    /**
     * An approval of another amount or currency than asked may stand at the host for that amount: the terminal hears
     * 91 HOST_AMOUNT_MISMATCH and one reversal reaches the host (a black-box audit saw 53.02 approved at the host
     * journaled and answered as 53.01, nothing reversed).
     */
    @Test
    void anApprovalOfAnotherAmountOrCurrencyIsReversedLikeNoAnswer() throws Exception {
        sim.alter = (req, resp) -> {
            try {
                if (!"0200".equals(req.getMTI())) return;
                if ("000000000781".equals(req.getString(4))) resp.set(4, "000000000782");
                if ("000000000783".equals(req.getString(4))) resp.set(49, "840");
            } catch (org.jpos.iso.ISOException e) {
                throw new IllegalStateException(e);
            }
        };
        for (long amount : List.of(781L, 783L)) assertAnswered91AndJournaled(amount, "HOST_AMOUNT_MISMATCH");
        assertEquals("00", send(gw, financial("000000", 785)).getString(39), "an answer naming what was asked stands");
        assertTheFirstSalesReversedOnce(2);
    }

    /**
     * A void whose reversal is answered {@code 00} with another RRN (or amount): that answer is not this reversal's, so
     * the reversal is stored and sent again as an 0420 (it was taken as done: the sale reversed here, charged at the
     * host, nothing to retry; a black-box audit).
     */
    @Test
    void aReversalAnsweredForAnotherRrnOrAmountIsStoredAndSentAgain() throws Exception {
        IsoMessage sale = send(gw, financial("000000", 3100));
        IsoMessage sale2 = send(gw, financial("000000", 3200));
        assertEquals("00", sale.getString(39));
        assertEquals("00", sale2.getString(39));
        sim.alter = (req, resp) -> {
            try {
                if (!"0400".equals(req.getMTI())) return;
                if ("000000003100".equals(req.getString(4))) resp.set(37, "999999999999");
                if ("000000003200".equals(req.getString(4))) resp.set(4, "000000003201");
            } catch (org.jpos.iso.ISOException e) {
                throw new IllegalStateException(e);
            }
        };
        IsoMessage v = send(gw, financial("020000", 3100).set(37, sale.getString(37)));
        IsoMessage v2 = send(gw, financial("020000", 3200).set(37, sale2.getString(37)));
        assertEquals("00", v.getString(39), "the void stands: its reversal is stored");
        assertEquals("00", v2.getString(39), "the void stands: its reversal is stored");
        waitFor("stored reversals delivered", 5000, () -> host(gw, "acqA").safDepth() == 0 && sim.count("0420") == 2);
    }

    /** A void whose reversal is answered without a readable code: the reversal is stored and sent again as an 0420. */
    @Test
    void aVoidWhoseReversalIsAnsweredWithoutACodeIsStoredAndSentAgain() {
        IsoMessage sale = send(gw, financial("000000", 3000));
        assertEquals("00", sale.getString(39));
        String saleHostStan = sim.ofMti("0200").get(0).getString(11);
        sim.behaviour = m -> "0400".equals(mti(m)) ? HostSimulator.Reply.code(null) : HostSimulator.Reply.approve();
        IsoMessage v = send(gw, financial("020000", 3000).set(37, sale.getString(37)));
        assertEquals("00", v.getString(39), "the void stands: its reversal is stored");
        waitFor("stored reversal delivered", 5000, () -> host(gw, "acqA").safDepth() == 0 && sim.count("0420") == 1);
        assertTrue(sim.ofMti("0420").get(0).getString(90).startsWith("0200" + saleHostStan));
    }

    /**
     * A stored message that cannot be packed in the host's dialect (here DE 90 longer than its 42 digits) stays stored
     * and is tried again with a growing backoff, each try counted: not put back at the base delay forever (it was
     * tried, and logged, every second or two).
     */
    @Test
    void aStoredMessageThatCannotBePackedIsRescheduledWithAGrowingBackoff() {
        var queue = host(gw, "acqA").safQueue();
        var bad = io.switchgate.saf.SafMessage.reversal("acqA", "000777", "010000000777", "1205120000", "000000", 100, "156",
                ACQ, "TERM0001", MERCHANT, "0".repeat(50), "010000000777", "TEST", java.time.Instant.now());
        queue.enqueue(bad);
        waitFor("tried three times", 10_000, () -> queue.find(bad.id()).orElseThrow().attempts() >= 3);
        var after = queue.find(bad.id()).orElseThrow();
        assertEquals(io.switchgate.saf.SafMessage.Status.PENDING, after.status(), "still stored");
        assertEquals("UNPACKABLE", after.lastResult());
        assertTrue(sim.ofMti("0420").isEmpty() && sim.ofMti("0421").isEmpty(), "nothing reached the host");
    }

    @Test
    void lateApprovalIsUndoneByTheStoredReversal() {
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.late(700) : HostSimulator.Reply.approve();
        IsoMessage resp = send(gw, financial("000000", 555));
        assertEquals("91", resp.getString(39));
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        // The simulator counts its approval once the bytes are sent; the gateway counts a late answer once it has read
        // them: wait for both, not the first alone.
        waitFor("late approval and reversal", 5000, () -> sim.approvedSales.containsKey(hostStan) && sim.reversalsApplied.containsKey(hostStan)
                && host(gw, "acqA").safDepth() == 0 && host(gw, "acqA").client().lateAnswers.get() >= 1);
        closeGatewayAndAwaitHost();
        assertEquals(1, sim.reversalsApplied.get(hostStan).get(), "the late approval is reversed once");
    }

    /**
     * The host leaves every 0200 unanswered (the terminal hears 91 and a reversal is stored) and answers the n-th 0420 or
     * 0421 with {@code codeOfNth.apply(n)}; returns the count of those it received.
     */
    private java.util.concurrent.atomic.AtomicInteger salesUnansweredAndReversalsAnswered(java.util.function.IntFunction<String> codeOfNth) {
        java.util.concurrent.atomic.AtomicInteger reversals = new java.util.concurrent.atomic.AtomicInteger();
        sim.behaviour = m -> {
            if ("0200".equals(mti(m))) return HostSimulator.Reply.silent();
            if (mti(m).startsWith("042")) return HostSimulator.Reply.code(codeOfNth.apply(reversals.incrementAndGet()));
            return HostSimulator.Reply.approve();
        };
        return reversals;
    }

    /**
     * A stored reversal the host answers 0430 with 96 (or 91) was not taken: it is sent again until the host takes it.
     * A black-box audit: the 0430/96 counted as delivered, the reversal was never sent again, and the sale the terminal
     * was told timed out stood at the host.
     */
    @Test
    void aStoredReversalTheHostAnswers96IsSentAgainUntilTaken() {
        java.util.concurrent.atomic.AtomicInteger reversals = salesUnansweredAndReversalsAnswered(
                n -> n == 1 ? "96" : n == 2 ? "91" : n == 3 ? "90" : n == 4 ? "68" : "00");
        IsoMessage resp = send(gw, financial("000000", 556));
        assertEquals("91", resp.getString(39));
        waitFor("the reversal taken at its fifth sending", 25_000,
                () -> reversals.get() >= 5 && host(gw, "acqA").safDepth() == 0);
        assertEquals(5, reversals.get(), "sent until taken, then no more");
    }

    /** A stored reversal the host refuses for good (05) ends, and is counted for /metrics (gateway_saf_refused). */
    @Test
    void aStoredReversalTheHostRefusesIsCounted() {
        java.util.concurrent.atomic.AtomicInteger reversals = salesUnansweredAndReversalsAnswered(n -> "05");
        assertEquals("91", send(gw, financial("000000", 557)).getString(39));
        waitFor("the refusal", 20_000, () -> host(gw, "acqA").refusedReversals.getAsLong() == 1);
        assertEquals(0, host(gw, "acqA").safDepth(), "ended: sent again it would get the same answer");
        assertEquals(1, reversals.get());
        // kept as REFUSED and shown, not counted delivered and pruned out of sight (a black-box audit)
        java.util.Map<String, Object> saf = HostMetrics.safSummary(gw.hostAuthorizers(), java.time.Clock.systemUTC(), 10, null);
        assertEquals(1L, saf.get("refused"), saf.toString());
        assertEquals(1, ((java.util.List<?>) saf.get("refusedMessages")).size(), saf.toString());
        assertTrue(saf.toString().contains("0430/05"), saf.toString());
        assertEquals(0, host(gw, "acqA").safQueue().deleteDone(java.time.Instant.now().plusSeconds(3600), 100),
                "a refused one is not pruned as a delivered one is");
        assertEquals(1L, HostMetrics.safSummary(gw.hostAuthorizers(), java.time.Clock.systemUTC(), 10, null).get("refused"));
        try (var metrics = new io.switchgate.server.metrics.GatewayMetrics()) {
            HostMetrics.register(metrics, gw.hostAuthorizers(), java.time.Clock.systemUTC(), null);
            String scrape = metrics.scrape();
            assertTrue(scrape.contains("\ngateway_saf_refused 1.0"), scrape);
        }
    }

    /** A sale the host answers 96 or 91 is passed on with a reason that says the host could not decide, not "declined". */
    @Test
    void aTryAgainCodeFromTheHostIsPassedOnAsTheHostUnavailable() {
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.code("96") : HostSimulator.Reply.approve();
        sim.alter = (req, resp) -> resp.unset(44); // a host that gives no reason
        IsoMessage r = send(gw, financial("000000", 2345));
        assertEquals("96", r.getString(39));
        assertEquals("HOST_UNAVAILABLE_96", r.getString(44));
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.code("05") : HostSimulator.Reply.approve();
        IsoMessage d = send(gw, financial("000000", 2346));
        assertEquals("05", d.getString(39));
        assertEquals("HOST_DECLINED", d.getString(44));
    }

    /**
     * A host that answers twice: the second answer is no late one (nothing timed out, nothing is stored or undone), and
     * the log says so. Its line said the request had got 91 and a stored reversal would undo it (a black-box audit).
     */
    @Test
    void aSecondAnswerFromTheHostIsIgnoredAndSaidToBeOne() {
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(HostClient.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        try {
            sim.answerTwice = true;
            IsoMessage r = send(gw, financial("000000", 2349));
            assertEquals("00", r.getString(39));
            waitFor("the second answer seen", 5000, () -> lines.list.stream().anyMatch(e -> e.getFormattedMessage().contains("second answer")));
            assertEquals(0, host(gw, "acqA").client().lateAnswers.get(), "not counted late");
            assertEquals(0, host(gw, "acqA").safDepth(), "nothing stored");
            assertEquals(io.switchgate.model.TxnStatus.APPROVED, gw.store().findByRrn(r.getString(37)).orElseThrow().status());
        } finally {
            sim.answerTwice = false;
            logger.detachAppender(lines);
        }
    }

    /**
     * A host that puts the card number in DE 44: it is no reason token, so it goes nowhere (the terminal's answer, the
     * journal, the admin API, the log line). It was copied whole into all four (a black-box audit); a token with a
     * short number still passes.
     */
    @Test
    void aHostReasonThatHoldsACardNumberIsNotPassedOn() {
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.code("05") : HostSimulator.Reply.approve();
        for (String leak : List.of(PAN, "CARD_" + PAN, "PAN" + PAN.substring(0, 12), "6212_3456_7890_1232", "621234_567890_1232")) {
            sim.alter = (req, resp) -> resp.set(44, leak);
            IsoMessage d = send(gw, financial("000000", 2347));
            assertEquals("05", d.getString(39));
            assertEquals("HOST_DECLINED", d.getString(44), leak);
            assertEquals("HOST_DECLINED", gw.store().findByRrn(d.getString(37)).orElseThrow().reason());
        }
        sim.alter = (req, resp) -> resp.set(44, "LIMIT_1234_567");
        assertEquals("LIMIT_1234_567", send(gw, financial("000000", 2348)).getString(44), "seven digits pass");
    }

    /**
     * A terminal's reversal the host answers 96 ("try again"): the host did not take it, so it is stored and sent as
     * 0420 until taken, and the terminal hears 00, as with no answer. Passed on, the 96 stood for every repeat of the
     * reversal and the sale stayed charged at the host and here (a black-box audit of reversals).
     */
    @Test
    void aReversalTheHostAnswers96IsStoredAndSentAgainAndTheTerminalHears00() {
        IsoMessage sale = financial("000000", 4321);
        IsoMessage saleResp = send(gw, sale);
        assertEquals("00", saleResp.getString(39));
        java.util.concurrent.atomic.AtomicInteger online = new java.util.concurrent.atomic.AtomicInteger();
        sim.behaviour = m -> "0400".equals(mti(m)) && online.getAndIncrement() == 0 ? HostSimulator.Reply.code("96")
                : HostSimulator.Reply.approve();
        IsoMessage r = send(gw, sale.copy().setMti("0400"));
        assertEquals("0410", r.getMti());
        assertEquals("00", r.getString(39), r.getString(44));
        assertEquals(io.switchgate.model.TxnStatus.REVERSED, gw.store().findByRrn(saleResp.getString(37)).orElseThrow().status());
        waitFor("the stored 0420 taken", 20_000, () -> sim.count("0420") + sim.count("0421") >= 1 && host(gw, "acqA").safDepth() == 0);
        assertEquals(1, sim.count("0400"), "the online reversal once");
        IsoMessage again = send(gw, sale.copy().setMti("0401"));
        assertEquals("00", again.getString(39), "its repeat: the same answer");
        assertEquals(r.getString(37), again.getString(37));
    }

    @Test
    void reversalArrivingWhileTheSaleIsAtTheHostReversesItOnceAnswered() throws Exception {
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.late(250) : HostSimulator.Reply.approve();
        IsoMessage sale = financial("000000", 777);
        var saleAnswer = gw.handle(D.pack(sale), "pos");
        waitFor("sale at the host", 5000, () -> sim.count("0200") == 1);
        IsoMessage rev = sale.copy().setMti("0400");
        IsoMessage r = send(gw, rev);
        assertEquals("0410", r.getMti());
        assertEquals("00", r.getString(39), "the reversal waits for the sale and then reverses it");
        IsoMessage saleResp = D.unpack(saleAnswer.get(5, TimeUnit.SECONDS));
        assertEquals("00", saleResp.getString(39));
        TxnRecord rec = gw.store().findByRrn(saleResp.getString(37)).orElseThrow();
        assertEquals(io.switchgate.model.TxnStatus.REVERSED, rec.status(), "the host's late approval does not stand");
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        waitFor("reversal at the host", 5000, () -> sim.reversalsApplied.containsKey(hostStan));
        closeGatewayAndAwaitHost();
        assertEquals(1, sim.reversalsApplied.get(hostStan).get());
    }

    @Test
    void refundAndVoidFollowTheirSaleToTheHost() {
        IsoMessage sale = send(gw, financial("000000", 5000));
        assertEquals("00", sale.getString(39));
        String saleHostStan = sim.ofMti("0200").get(0).getString(11);
        // the refund's processing code matches no route: it goes to acqA because its sale did
        IsoMessage refund = financial("200000", 2000).set(37, sale.getString(37));
        IsoMessage r = send(gw, refund);
        assertEquals("00", r.getString(39), r.toString());
        assertEquals(2, sim.count("0200"));
        ISOMsg hostRefund = sim.ofMti("0200").get(1);
        assertEquals("200000", hostRefund.getString(3));
        assertEquals(r.getString(37), hostRefund.getString(37), "the refund's own RRN, not the sale's");
        // void of a second sale: a 0400 to the host, built from the journal
        IsoMessage sale2 = send(gw, financial("000000", 3000));
        IsoMessage v = send(gw, financial("020000", 3000).set(37, sale2.getString(37)));
        assertEquals("00", v.getString(39));
        ISOMsg rev = sim.ofMti("0400").get(0);
        String sale2HostStan = sim.ofMti("0200").get(2).getString(11);
        assertTrue(rev.getString(90).startsWith("0200" + sale2HostStan), rev.getString(90));
        assertEquals("000000003000", rev.getString(4));
        assertNotEquals(saleHostStan, sale2HostStan);
    }

    /**
     * A void reaches the host as a reversal of the sale, which the host cannot take back: a reversal of the void is
     * refused and the sale stays voided, here as at the host (a black-box audit found the sale brought back here alone,
     * and then a refund of it approved: money paid out for a sale the host had reversed).
     */
    @Test
    void aVoidTheHostTookCannotBeReversedAndTheSaleStaysVoided() {
        IsoMessage sale = send(gw, financial("000000", 6100));
        assertEquals("00", sale.getString(39));
        IsoMessage voidReq = financial("020000", 6100).set(37, sale.getString(37));
        assertEquals("00", send(gw, voidReq).getString(39));
        assertEquals(1, sim.count("0400"), "the void went to the host as a reversal of the sale");

        IsoMessage r = send(gw, voidReq.copy().setMti("0400"));
        assertEquals("0410", r.getMti());
        assertEquals("12", r.getString(39));
        assertEquals("VOID_FINAL_AT_HOST", r.getString(44));
        assertEquals(1, sim.count("0400"), "nothing more to the host");
        assertEquals(io.switchgate.model.TxnStatus.VOIDED, gw.store().findByRrn(sale.getString(37)).orElseThrow().status());
        IsoMessage refund = send(gw, financial("200000", 6100).set(37, sale.getString(37)));
        assertNotEquals("00", refund.getString(39), "a voided sale is not refunded");
        assertEquals(1, sim.count("0200") , "the refund never reached the host");
    }

    /**
     * The 0400 of a void names the sale as the host got it: its host STAN and the DE 7 it was sent with, also when the
     * host's answer came in the next second (a black-box audit found DE 90 carrying the commit's second: a host that
     * matches DE 90 exactly answered 25, and the sale stayed charged there).
     */
    @Test
    void aVoidNamesTheSaleByTheDe7ItWasSentToTheHostWith() throws Exception {
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.late(300) : HostSimulator.Reply.approve();
        // send at ~0.8 s into a second, so the answer (300 ms later) comes in the next one
        while (System.currentTimeMillis() % 1000 < 780 || System.currentTimeMillis() % 1000 > 820) Thread.sleep(1);
        IsoMessage sale = send(gw, financial("000000", 4200));
        assertEquals("00", sale.getString(39));
        sim.behaviour = m -> HostSimulator.Reply.approve();
        assertEquals("00", send(gw, financial("020000", 4200).set(37, sale.getString(37))).getString(39));
        ISOMsg hostSale = sim.ofMti("0200").get(0);
        ISOMsg rev = sim.ofMti("0400").get(0);
        assertEquals("0200" + hostSale.getString(11) + hostSale.getString(7), rev.getString(90).substring(0, 20),
                "DE 90: MTI, host STAN and DE 7 of the sale as sent");
    }

    /**
     * A refund at the host is money going out as a sale is: its reversal is held while the host decides (a gateway
     * killed then would leave the host's refund unanswered and undone), dropped once its approval is committed, and
     * released and delivered when the host does not answer; the sale keeps its refundable amount then.
     */
    @Test
    void aRefundAtTheHostHoldsItsReversalUntilItsApprovalIsCommittedAndATimedOutOneIsReversed() {
        IsoMessage sale = send(gw, financial("000000", 5000));
        assertEquals("00", sale.getString(39));
        HostAuthorizer h = host(gw, "acqA");
        List<String> heldWhileAtTheHost = new java.util.concurrent.CopyOnWriteArrayList<>();
        sim.behaviour = m -> {
            if ("200000".equals(m.getString(3))) {
                h.safQueue().find(io.switchgate.saf.SafMessage.heldId(m.getString(37)))
                        .ifPresent(held -> heldWhileAtTheHost.add(held.status() + " " + held.amount()));
            }
            return HostSimulator.Reply.approve();
        };
        IsoMessage refund = send(gw, financial("200000", 2000).set(37, sale.getString(37)));
        assertEquals("00", refund.getString(39), refund.toString());
        assertEquals(List.of("HELD 2000"), heldWhileAtTheHost, "the refund's reversal was held while the host decided");
        // dropped once the approval was committed (off the answer's path, so just after it)
        String holdId = io.switchgate.saf.SafMessage.heldId(refund.getString(37));
        waitFor("the refund's hold dropped", 5000, () -> h.safQueue().find(holdId).orElseThrow().status()
                == io.switchgate.saf.SafMessage.Status.DONE);
        assertEquals("APPROVAL_RECORDED", h.safQueue().find(holdId).orElseThrow().lastResult());
        assertEquals(List.of(), h.safQueue().held("01"));

        sim.behaviour = m -> "0200".equals(mti(m)) && "200000".equals(m.getString(3)) ? HostSimulator.Reply.silent()
                : HostSimulator.Reply.approve();
        IsoMessage lost = send(gw, financial("200000", 1000).set(37, sale.getString(37)));
        assertEquals("91", lost.getString(39));
        String hostStan = sim.ofMti("0200").get(2).getString(11);
        assertEquals("200000", sim.ofMti("0200").get(2).getString(3));
        waitFor("the refund's reversal delivered", 5000, () -> h.safDepth() == 0 && sim.reversalsApplied.containsKey(hostStan));
        ISOMsg rev = sim.ofMti("0420").get(0);
        assertEquals(lost.getString(37), rev.getString(37));
        assertEquals("000000001000", rev.getString(4));
        assertTrue(rev.getString(90).startsWith("0200" + hostStan), rev.getString(90));
        assertEquals(2000, gw.store().findByRrn(sale.getString(37)).orElseThrow().refundedAmount(),
                "only the committed refund counts against the sale");
        closeGatewayAndAwaitHost();
        assertEquals(1, sim.reversalsApplied.get(hostStan).get());
    }

    @Test
    void reversalTheHostDoesNotAnswerIsStoredAndTheTerminalGets00() {
        IsoMessage sale = financial("000000", 4200);
        assertEquals("00", send(gw, sale).getString(39));
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        sim.behaviour = m -> "0400".equals(mti(m)) ? HostSimulator.Reply.silent() : HostSimulator.Reply.approve();
        IsoMessage rev = new IsoMessage("0400");
        for (int f : new int[]{2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 41, 42, 49}) rev.set(f, sale.getString(f));
        IsoMessage resp = send(gw, rev);
        assertEquals("00", resp.getString(39), "the reversal is guaranteed by the SAF queue");
        waitFor("0420 delivered", 5000, () -> sim.count("0420") >= 1 && host(gw, "acqA").safDepth() == 0);
        closeGatewayAndAwaitHost();
        assertEquals(2, sim.reversalsReceived.get(hostStan).get(), "the unanswered 0400, then its 0420");
        assertEquals(1, sim.reversalsApplied.get(hostStan).get());
        assertEquals(sim.ofMti("0400").get(0).getString(11), sim.ofMti("0420").get(0).getString(11), "the advice repeats the reversal's STAN");
    }

    static String mti(ISOMsg m) {
        try {
            return m.getMTI();
        } catch (Exception e) {
            return "";
        }
    }

    static final class AtomicCounter {
        private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

        int next() {
            return n.getAndIncrement();
        }
    }
}
