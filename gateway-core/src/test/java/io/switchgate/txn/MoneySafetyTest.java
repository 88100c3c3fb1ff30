package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.BatchState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The money-safety rules of operations on a sale, bytes in and bytes out through {@link Gateway#handle}: operations
 * waiting for a host never decided on top of each other, host approvals never left unrecorded, reversals only in the
 * open batch, late originals after their reversal, settled batches that never change, orphan reversals that expire.
 */
class MoneySafetyTest {
    MutableClock clock;
    Gateway gw;
    ScriptedHost host;
    TestPos pos;    // TERM0001: routed to the scripted host
    TestPos quiet;  // TERM0003: used to know the engine has taken everything sent before

    @BeforeEach
    void start() {
        clock = new MutableClock();
        host = new ScriptedHost();
        gw = Gateway.start(routedTo(EngineFixture.config("memory:"), ScriptedHost.NAME), clock, (c, s, st) -> List.of(host));
        pos = new TestPos(gw, "TERM0001", MERCHANT, TAK1, TPK1);
        quiet = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    @AfterEach
    void stop() {
        // answer whatever a failed test left at the host, so close() does not wait for it
        for (ScriptedHost.Call c : host.all) c.decline("91");
        if (gw != null) gw.close();
    }

    static GatewayConfig routedTo(GatewayConfig c, String target) {
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(), c.terminals(),
                List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62", "4"), null, null, null), target)),
                c.hosts(), c.authorizer(), c.logging());
    }

    CompletableFuture<IsoMessage> submit(TestPos p, IsoMessage m) {
        return gw.handle(p.pack(m), "pos").thenApply(b -> b == null ? null : TestPos.D.unpack(b));
    }

    /** Returns once the engine has taken every request submitted before (it decides them in order). */
    void engineCaughtUp() {
        quiet.awaitEngineCaughtUp();
    }

    static IsoMessage get(CompletableFuture<IsoMessage> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer", e);
        }
    }

    static void assertCode(String code, IsoMessage r) {
        EngineScenarioTest.assertCode(code, r);
    }

    /** A sale the host approved: returns the request (for reversals) with the response's RRN in DE 37. */
    IsoMessage hostApprovedSale(long amount) {
        IsoMessage sale = pos.sale(PAN, amount);
        CompletableFuture<IsoMessage> f = submit(pos, sale.copy());
        host.next().approve();
        IsoMessage r = get(f);
        assertCode("00", r);
        sale.set(37, r.getString(37));
        return sale;
    }

    IsoMessage reversalOf(IsoMessage sale) {
        IsoMessage rev = pos.reversal(sale);
        rev.unset(37);
        return rev;
    }

    BatchState batch(long no) {
        return gw.store().findBatch("TERM0001", no).orElse(BatchState.open("TERM0001", no, clock.instant()));
    }

    // ---------------------------------------------------------------- operations in flight (item 1)

    /**
     * A settlement while a void of the terminal is at the host waits for it: the batch it closes must not lose a sale
     * after it closed. Before, the batch closed with the sale in it, the host's approval of the void came back to a
     * void that "no longer held" (declined 12 here while the host had undone the sale), and the sale stayed refundable
     * here (a re-audit: a refund of it was approved, a second credit).
     */
    @Test
    void aSettlementWaitsForTheTerminalsVoidAtTheHost() {
        IsoMessage sale = hostApprovedSale(11_000);
        CompletableFuture<IsoMessage> voided = submit(pos, pos.voidOf(PAN, 11_000, sale.getString(37)));
        ScriptedHost.Call undo = host.next();
        assertEquals("undo", undo.kind());
        CompletableFuture<IsoMessage> settled = submit(pos, pos.settlement(1, 11_000, 0, 0));
        engineCaughtUp();
        assertFalse(settled.isDone(), "the settlement must wait for the void at the host");
        undo.approve();
        assertCode("00", get(voided));
        assertCode("95", get(settled)); // the batch has no sale now: the terminal's totals no longer agree
        assertEquals(TxnStatus.VOIDED, gw.store().findByRrn(sale.getString(37)).orElseThrow().status());
        assertCode("00", pos.send(pos.settlement(0, 0, 0, 0)));
        assertCode("12", pos.send(pos.refund(PAN, 11_000, sale.getString(37))));
    }

    /**
     * A start undid a sale whose void was at the host when the gateway was killed ({@link Engine#undoAfterRestart}).
     * The terminal never heard the void's answer and sends it again: the void is done, and it is answered so (00,
     * nothing changes, the host is not asked). Before, 12 ORIGINAL_REVERSED: the terminal kept the sale in its batch
     * and its settlement was answered 95 (a re-audit).
     */
    @Test
    void aVoidSentAgainAfterTheStartUndidItsSaleIsApproved() throws Exception {
        IsoMessage sale = hostApprovedSale(8_100);
        String rrn = sale.getString(37);
        assertTrue(gw.engine().undoAfterRestart(rrn).get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(TxnStatus.REVERSED, gw.store().findByRrn(rrn).orElseThrow().status());
        IsoMessage again = pos.send(pos.voidOf(PAN, 8_100, rrn));
        assertCode("00", again);
        assertEquals(0, host.count("undo"), "undone already: the host is not asked");
        assertEquals(TxnStatus.REVERSED, gw.store().findByRrn(rrn).orElseThrow().status());
        assertEquals(0, batch(1).saleCount());
        assertCode("00", pos.send(pos.settlement(0, 0, 0, 0)));
        assertFalse(gw.engine().undoAfterRestart(rrn).get(10, java.util.concurrent.TimeUnit.SECONDS), "nothing left to undo");
        IsoMessage otherAmount = pos.send(pos.voidOf(PAN, 8_000, rrn));
        assertCode("12", otherAmount);
    }

    @Test
    void aRepeatedReversalWhileTheFirstIsAtTheHostJoinsItAndTheHostIsAskedOnce() {
        IsoMessage sale = hostApprovedSale(5_000);
        IsoMessage rev = reversalOf(sale);
        CompletableFuture<IsoMessage> first = submit(pos, rev.copy());
        ScriptedHost.Call undo = host.next();
        assertEquals("undo", undo.kind());
        CompletableFuture<IsoMessage> repeat = submit(pos, rev.copy().setMti("0401"));
        engineCaughtUp();
        assertFalse(repeat.isDone(), "the repeat must wait for the reversal in flight, not be decided beside it");
        undo.approve();
        IsoMessage a = get(first);
        IsoMessage b = get(repeat);
        assertCode("00", a);
        assertCode("00", b);
        assertEquals(a.getString(37), b.getString(37), "the repeat gets the first one's answer");
        assertEquals(1, host.count("undo"), "the host is asked to undo once");
        assertEquals(TxnStatus.REVERSED, gw.store().findByRrn(sale.getString(37)).orElseThrow().status());
        assertEquals(0, batch(1).saleCount());
    }

    @Test
    void aVoidOrRefundWhileAReversalOfTheSaleIsAtTheHostIsRefusedBusy() {
        IsoMessage sale = hostApprovedSale(5_000);
        String rrn = sale.getString(37);
        CompletableFuture<IsoMessage> rev = submit(pos, reversalOf(sale));
        ScriptedHost.Call undo = host.next();
        IsoMessage v = pos.send(pos.voidOf(PAN, 5_000, rrn));
        assertCode("12", v);
        assertEquals("ORIGINAL_BUSY", v.getString(44));
        IsoMessage rf = pos.send(pos.refund(PAN, 1_000, rrn));
        assertCode("12", rf);
        assertEquals("ORIGINAL_BUSY", rf.getString(44));
        undo.approve();
        assertCode("00", get(rev));
        TxnRecord s = gw.store().findByRrn(rrn).orElseThrow();
        assertEquals(TxnStatus.REVERSED, s.status());
        assertEquals(0, s.refundedAmount());
        assertEquals(1, host.count("undo"));
        assertEquals(1, host.count("authorize"), "only the sale was put to the host");
    }

    @Test
    void aVoidWhileARefundIsAtTheHostIsRefusedBusyAndARefundBesideARefundIsNot() {
        IsoMessage sale = hostApprovedSale(5_000);
        String rrn = sale.getString(37);
        CompletableFuture<IsoMessage> refund1 = submit(pos, pos.refund(PAN, 2_000, rrn));
        ScriptedHost.Call r1 = host.next();
        assertCode("12", pos.send(pos.voidOf(PAN, 5_000, rrn)));
        CompletableFuture<IsoMessage> refund2 = submit(pos, pos.refund(PAN, 3_000, rrn));
        ScriptedHost.Call r2 = host.next();
        // both reserved their amount: a third refund finds nothing left
        IsoMessage third = pos.send(pos.refund(PAN, 1, rrn));
        assertCode("13", third);
        r1.approve();
        r2.approve();
        assertCode("00", get(refund1));
        assertCode("00", get(refund2));
        TxnRecord s = gw.store().findByRrn(rrn).orElseThrow();
        assertEquals(TxnStatus.APPROVED, s.status());
        assertEquals(5_000, s.refundedAmount());
        assertEquals(2, batch(1).refundCount());
    }

    @Test
    void aReversalWhileARefundOfItsSaleIsAtTheHostIsDecidedAfterTheRefund() {
        IsoMessage sale = hostApprovedSale(5_000);
        String rrn = sale.getString(37);
        CompletableFuture<IsoMessage> refund = submit(pos, pos.refund(PAN, 2_000, rrn));
        ScriptedHost.Call r1 = host.next();
        CompletableFuture<IsoMessage> rev = submit(pos, reversalOf(sale));
        engineCaughtUp();
        assertFalse(rev.isDone(), "the reversal waits for the refund in flight");
        r1.approve();
        assertCode("00", get(refund));
        IsoMessage rv = get(rev);
        assertCode("12", rv);
        assertEquals("ORIGINAL_REFUNDED", rv.getString(44), "reversing a refunded sale would pay the refund twice");
        assertEquals(0, host.count("undo"));
        TxnRecord s = gw.store().findByRrn(rrn).orElseThrow();
        assertEquals(TxnStatus.APPROVED, s.status());
        assertEquals(2_000, s.refundedAmount());
    }

    @Test
    void aReversalOfASaleStillAtTheHostWaitsForItsAnswerThenUndoesIt() {
        IsoMessage sale = pos.sale(PAN, 4_000);
        CompletableFuture<IsoMessage> f = submit(pos, sale.copy());
        ScriptedHost.Call auth = host.next();
        CompletableFuture<IsoMessage> rev = submit(pos, pos.reversal(sale));
        engineCaughtUp();
        assertFalse(rev.isDone());
        auth.approve();
        assertCode("00", get(f));
        ScriptedHost.Call undo = host.next();
        assertEquals("undo", undo.kind());
        undo.approve();
        assertCode("00", get(rev));
        assertEquals(TxnStatus.REVERSED, gw.store().findByRrn(get(f).getString(37)).orElseThrow().status());
    }

    // ---------------------------------------------------------------- host approvals never left standing (item 2)

    @Test
    void aRefundTheHostApprovedAfterItNoLongerFitsIsDeclinedAndItsApprovalReversed() {
        // The sale is voided by another path while the refund is at the host cannot happen on one node (busy); what
        // can: the merchant's window closes while the host decides. The approval must not stand.
        IsoMessage sale = hostApprovedSale(5_000);
        String rrn = sale.getString(37);
        CompletableFuture<IsoMessage> refund = submit(pos, pos.refund(PAN, 2_000, rrn));
        ScriptedHost.Call r1 = host.next();
        engineCaughtUp(); // the refund waits for the host (an answer before that would be decided at once)
        clock.advance(Duration.ofDays(181));
        r1.approve();
        IsoMessage r = get(refund);
        assertCode("12", r);
        assertEquals(List.of(r.getString(37)), host.reversedUncommitted, "the host's approval gets a stored reversal");
        assertEquals(0, gw.store().findByRrn(rrn).orElseThrow().refundedAmount());
    }

    @Test
    void aHostApprovalArrivingAfterTheEngineStoppedIsReversedNotLost() throws Exception {
        IsoMessage sale = pos.sale(PAN, 4_000);
        CompletableFuture<IsoMessage> f = submit(pos, sale);
        ScriptedHost.Call auth = host.next();
        engineCaughtUp(); // the sale is registered as waiting for the host
        gw.engine().stopAccepting();
        java.lang.reflect.Field t = Engine.class.getDeclaredField("thread");
        t.setAccessible(true);
        ((EngineExecutor) t.get(gw.engine())).shutdown();
        auth.approve();
        IsoMessage r = get(f);
        assertNotEquals("00", r.getString(39));
        assertEquals(List.of(auth.rrn()), host.reversedUncommitted);
    }

    @Test
    void aGatewayClosedWithoutWaitingReversesAHostApprovalThatComesAfterIt() {
        // what `serve` does when its drain gives up (a black-box audit: the approval came after the drain, was
        // committed and never answered, and its held reversal dropped: the card charged for an answer nobody heard)
        CompletableFuture<IsoMessage> f = submit(pos, pos.sale(PAN, 4_000));
        ScriptedHost.Call auth = host.next();
        engineCaughtUp();
        // it does not wait for the host: the approval comes after the engine stopped (a plain close() would wait up
        // to 10 s for it, then commit it)
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> gw.close(Duration.ZERO));
        assertDoesNotThrow(() -> closed.get(5, java.util.concurrent.TimeUnit.SECONDS), "close waited for the host");
        auth.approve();
        IsoMessage r = get(f);
        assertNotEquals("00", r.getString(39));
        assertEquals(List.of(auth.rrn()), host.reversedUncommitted, "the approval gets its stored reversal");
    }

    // ---------------------------------------------------------------- reversal only in the open batch (item 3)

    @Test
    void aReversalOfASaleInASettledBatchIsRefusedAndMovesNothing() {
        IsoMessage sale = hostApprovedSale(5_000);
        assertCode("00", pos.send(pos.settlement(1, 5_000, 0, 0)));
        IsoMessage r = pos.send(reversalOf(sale));
        assertCode("12", r);
        assertEquals("ORIGINAL_BATCH_SETTLED", r.getString(44));
        assertEquals(0, host.count("undo"));
        assertEquals(TxnStatus.APPROVED, gw.store().findByRrn(sale.getString(37)).orElseThrow().status());
        BatchState settled = batch(1);
        assertEquals(1, settled.saleCount());
        assertEquals(5_000, settled.saleAmount());
    }

    @Test
    void aReversalWhoseDe90NamesAnotherDe7FindsNoOriginal() {
        IsoMessage sale = hostApprovedSale(5_000);
        IsoMessage rev = reversalOf(sale);
        rev.set(11, TestPos.nextStan());
        rev.set(90, "0200" + sale.getString(11) + "0101000000" + "0000000000000000000000");
        assertCode("25", pos.send(rev));
        assertEquals(TxnStatus.APPROVED, gw.store().findByRrn(sale.getString(37)).orElseThrow().status());
        IsoMessage good = reversalOf(sale);
        good.set(11, TestPos.nextStan());
        good.set(90, "0200" + sale.getString(11) + sale.getString(7) + "0000000000000000000000");
        CompletableFuture<IsoMessage> f = submit(pos, good);
        host.next().approve();
        assertCode("00", get(f));
    }

    @Test
    void aReversalWhoseDe90CarriesZerosForDe7IsMatchedByStanAlone() {
        // positions 11-20 all zeros: the terminal did not send the original's DE 7
        IsoMessage sale = hostApprovedSale(2_500);
        IsoMessage rev = reversalOf(sale);
        rev.set(11, TestPos.nextStan());
        rev.set(90, "0200" + sale.getString(11) + "0000000000" + "0000000000000000000000");
        CompletableFuture<IsoMessage> f = submit(pos, rev);
        host.next().approve();
        assertCode("00", get(f));
        assertEquals(TxnStatus.REVERSED, gw.store().findByRrn(sale.getString(37)).orElseThrow().status());
    }

    // ---------------------------------------------------------------- late refunds and voids (item 5)

    @Test
    void aRefundOrVoidWhoseReversalCameFirstIsRefused() {
        IsoMessage sale = hostApprovedSale(5_000);
        String rrn = sale.getString(37);
        IsoMessage refund = pos.refund(PAN, 1_000, rrn);
        assertCode("25", pos.send(reversalOf(refund)));
        IsoMessage late = pos.send(refund);
        assertCode("12", late);
        assertEquals("REVERSED_BEFORE_ARRIVAL", late.getString(44));
        IsoMessage voidReq = pos.voidOf(PAN, 5_000, rrn);
        assertCode("25", pos.send(reversalOf(voidReq)));
        IsoMessage lateVoid = pos.send(voidReq);
        assertCode("12", lateVoid);
        assertEquals("REVERSED_BEFORE_ARRIVAL", lateVoid.getString(44));
        assertEquals(0, host.count("undo"));
        TxnRecord s = gw.store().findByRrn(rrn).orElseThrow();
        assertEquals(TxnStatus.APPROVED, s.status());
        assertEquals(0, s.refundedAmount());
    }

    // ---------------------------------------------------------------- settled batches never change (item 6)

    @Test
    void aHostApprovalAfterTheBatchWasSettledGoesIntoTheNewBatch() {
        CompletableFuture<IsoMessage> f = submit(pos, pos.sale(PAN, 7_000));
        ScriptedHost.Call auth = host.next();
        assertCode("00", pos.send(pos.settlement(0, 0, 0, 0)));
        auth.approve();
        IsoMessage r = get(f);
        assertCode("00", r);
        assertEquals(0, batch(1).saleCount(), "the settled batch never changes");
        assertFalse(batch(1).open());
        assertEquals(1, batch(2).saleCount());
        assertEquals(2, gw.store().findByRrn(r.getString(37)).orElseThrow().batchNo());
        assertCode("00", pos.send(pos.settlement(1, 7_000, 0, 0)));
    }

    // ---------------------------------------------------------------- orphan reversals expire (item 7)

    @Test
    void anOrphanReversalBlocksItsStanFor24HoursNoLonger() {
        IsoMessage sale = pos.sale(PAN, 3_000);
        assertCode("25", pos.send(pos.reversal(sale)));
        assertCode("12", pos.send(sale.copy()));
        clock.advance(Duration.ofHours(25));
        IsoMessage again = sale.copy();
        again.set(7, "1126050000");
        CompletableFuture<IsoMessage> f = submit(pos, again);
        host.next().approve();
        assertCode("00", get(f));
    }
}
