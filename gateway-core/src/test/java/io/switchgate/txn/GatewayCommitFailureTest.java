package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.ControllableStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What terminals hear when the journal commit fails or is slow, through {@code Gateway.handle} (bytes in, bytes
 * out) over a store that fails or holds commits on demand ({@link ControllableStore}), and what the store and the
 * next requests show afterwards. Runs on the in-memory store; {@code GatewayCommitFailureH2Test} runs it on H2.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayCommitFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    MutableClock clock;
    ControllableStore store;
    Gateway gw;
    TestPos pos3; // TERM0003: no MAC, TPK1

    /** The store under the controllable wrapper; a subclass runs the same tests on H2. */
    String storeUrl() {
        return "memory:";
    }

    @BeforeEach
    void start() {
        clock = new MutableClock();
        var config = EngineFixture.config(storeUrl());
        store = new ControllableStore(Gateway.Stores.open(config.store()));
        gw = Gateway.start(config, clock, io.switchgate.route.AuthorizerFactory.NONE, store);
        pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    static void assertCode(String code, IsoMessage r) {
        assertNotNull(r, "no response");
        assertEquals(code, r.getString(39), () -> "DE 39, reason " + r.getString(44));
    }

    IsoMessage saleLow(long amount) {
        return pos3.withPin(pos3.sale(PAN_LOW, amount), "1234");
    }

    static IsoMessage answer(CompletableFuture<byte[]> f) throws Exception {
        byte[] b = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(b, "no response");
        return TestPos.D.unpack(b);
    }

    /**
     * The engine decides on one thread, in arrival order: once it has dropped a message that is not a request, every
     * request handed in before it has been decided (and is waiting for its commit, if any).
     */
    void awaitEngineCaughtUp() {
        pos3.awaitEngineCaughtUp();
    }

    /**
     * The request left no approval behind: the store holds nothing for it, or only its 96 (the engine journals what it
     * answered once the journal takes writes again), never a committed sale, debit or authorization.
     */
    void assertNoApproval(IsoMessage request) {
        for (TxnRecord t : stored(request)) {
            assertEquals("96", t.responseCode(), () -> "stored for the failed request: " + t);
            assertEquals(io.switchgate.model.TxnStatus.DECLINED, t.status());
            assertNull(t.authCode());
        }
    }

    /** Every sale, refund, void and reversal the store holds for a terminal and STAN. */
    List<TxnRecord> stored(IsoMessage request) {
        return store.findByTerminalAndStan(request.getString(41), request.getString(11));
    }

    @Test
    void aSaleWhoseCommitFailsIsAnswered96AndLeavesNoTrace() {
        long before = gw.embeddedCardBalance(PAN_LOW);
        assertEquals(500, before);
        IsoMessage sale = saleLow(400);
        store.failNext(1);
        IsoMessage r = pos3.send(sale);
        assertCode("96", r);
        assertEquals("JOURNAL_UNAVAILABLE", r.getString(44));
        assertFalse(r.hasField(38), "no authorization code on a 96");
        assertEquals(sale.getString(11), r.getString(11));
        assertEquals(1, store.failedApplies());
        assertNoApproval(sale);
        assertEquals(500, gw.embeddedCardBalance(PAN_LOW), "the card balance is unchanged");
    }

    @Test
    void afterAFailedCommitTheWorkingSetIsTheStoresTruth() {
        // 500 on the card: a failed sale of 400 must not stay debited in memory, or the next 400 gets 51.
        IsoMessage inquiry = pos3.send(pos3.withPin(pos3.balance(PAN_LOW), "1234"));
        assertCode("00", inquiry);
        IsoMessage failed = saleLow(400);
        store.failNext(1);
        IsoMessage f = pos3.send(failed);
        assertCode("96", f);

        IsoMessage next = pos3.send(saleLow(400));
        assertCode("00", next);
        // The RRN the failed sale was given: DE 37 of its 96 (issue 13 item 13); until every 96 carries one, the
        // number between its neighbours' (one engine thread numbers requests in order, RrnAllocator).
        long before = Long.parseLong(inquiry.getString(37).substring(2));
        long after = Long.parseLong(next.getString(37).substring(2));
        assertEquals(before + 2, after, "one RRN between the inquiry and the next sale");
        String failedRrn = next.getString(37).substring(0, 2) + String.format("%010d", before + 1);
        if (f.hasField(37)) assertEquals(failedRrn, f.getString(37));
        assertEquals(100, gw.embeddedCardBalance(PAN_LOW));
        assertTrue(store.findByRrn(next.getString(37)).orElseThrow().approved());

        // The failed sale is journaled as what it was answered (96), not as a sale: no refund of it.
        IsoMessage refund = pos3.send(pos3.withPin(pos3.refund(PAN_LOW, 400, failedRrn), "1234"));
        assertNotEquals("00", refund.getString(39));
        assertEquals("ORIGINAL_NOT_APPROVED", refund.getString(44));
        assertEquals(100, gw.embeddedCardBalance(PAN_LOW), "the refund of a sale that does not exist credited nothing");

        // The batch counts the committed sale only: the terminal's totals of one sale of 400 settle.
        assertCode("00", pos3.send(pos3.settlement(1, 400, 0, 0)));
    }

    @Test
    void aFailedRefundCommitLeavesTheSaleFullyRefundable() {
        IsoMessage sale = pos3.send(saleLow(300));
        assertCode("00", sale);
        String rrn = sale.getString(37);
        store.failNext(1);
        assertCode("96", pos3.send(pos3.withPin(pos3.refund(PAN_LOW, 300, rrn), "1234")));
        assertEquals(0, store.findByRrn(rrn).orElseThrow().refundedAmount());
        assertEquals(200, gw.embeddedCardBalance(PAN_LOW));
        // The whole amount is still refundable (nothing of the failed refund stays reserved or counted).
        assertCode("00", pos3.send(pos3.withPin(pos3.refund(PAN_LOW, 300, rrn), "1234")));
        assertEquals(300, store.findByRrn(rrn).orElseThrow().refundedAmount());
        assertEquals(500, gw.embeddedCardBalance(PAN_LOW));
    }

    @Test
    void aSaleDecidedWhileAnEarlierCommitIsPendingIsStoredAsIfTheFailedOneNeverWas() throws Exception {
        // The second sale is decided on a working set that counts the first (same batch, same card); then the first
        // commit fails. Whatever the second is answered, the store, the card and the batch must agree with it.
        ControllableStore.Gate held = store.holdNextApply();
        CompletableFuture<byte[]> first = gw.handle(pos3.pack(saleLow(300)), "pos");
        assertTrue(held.awaitEntered(WAIT), "the first sale's commit never started");
        IsoMessage secondSale = saleLow(200);
        CompletableFuture<byte[]> second = gw.handle(pos3.pack(secondSale), "pos");
        awaitEngineCaughtUp();
        held.fail();
        assertCode("96", answer(first));
        IsoMessage r2 = answer(second);
        // 500 on the card: the second (200) fits whether or not the first (300) had been taken.
        assertCode("00", r2);
        assertTrue(store.findByRrn(r2.getString(37)).orElseThrow().approved());
        assertEquals(300, gw.embeddedCardBalance(PAN_LOW), "only the second sale is debited");
        assertEquals(1, stored(secondSale).size());
        // The batch holds the second sale only.
        assertCode("00", pos3.send(pos3.settlement(1, 200, 0, 0)));
    }

    @Test
    void aCommitIsCountedInFlightUntilItSucceedsOrFails() throws Exception {
        // what keeps the rows it changed in the working set (CommitHorizon): counted in when submitted, out however
        // it ends, or the working set would never again let a row go
        assertEquals(0, gw.engine().commitsInFlight());
        ControllableStore.Gate held = store.holdNextApply();
        CompletableFuture<byte[]> first = gw.handle(pos3.pack(saleLow(100)), "pos");
        assertTrue(held.awaitEntered(WAIT), "the sale's commit never started");
        awaitEngineCaughtUp();
        assertEquals(1, gw.engine().commitsInFlight(), "the held commit");
        held.release();
        assertCode("00", answer(first));
        awaitCommitsCounted();

        ControllableStore.Gate failing = store.holdNextApply();
        CompletableFuture<byte[]> second = gw.handle(pos3.pack(saleLow(100)), "pos");
        assertTrue(failing.awaitEntered(WAIT), "the second sale's commit never started");
        awaitEngineCaughtUp();
        assertEquals(1, gw.engine().commitsInFlight());
        failing.fail();
        assertCode("96", answer(second));
        awaitCommitsCounted(); // the 96 the engine then journals is a commit too
    }

    /** The count goes down on the writer's thread, just after the answer may leave: wait for it. */
    private void awaitCommitsCounted() throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (gw.engine().commitsInFlight() != 0 && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(0, gw.engine().commitsInFlight(), "every commit counted out");
    }

    @Test
    void aRetransmissionWhileTheFirstCommitIsHeldGetsTheSameAnswerOnlyAfterTheCommit() throws Exception {
        IsoMessage sale = saleLow(250);
        ControllableStore.Gate held = store.holdNextApply();
        CompletableFuture<byte[]> first = gw.handle(pos3.pack(sale.copy()), "pos");
        assertTrue(held.awaitEntered(WAIT), "the first sale's commit never started");
        CompletableFuture<byte[]> again = gw.handle(pos3.pack(sale.copy()), "pos");
        awaitEngineCaughtUp();
        assertFalse(first.isDone(), "answered before its commit");
        assertFalse(again.isDone(), "the retransmission was answered before the first commit");

        held.release();
        IsoMessage r1 = answer(first);
        IsoMessage r2 = answer(again);
        assertCode("00", r1);
        assertCode("00", r2);
        assertEquals(r1.getString(37), r2.getString(37), "the same RRN");
        assertEquals(r1.getString(38), r2.getString(38), "the same authorization code");
        assertEquals(1, stored(sale).size(), "one sale");
        assertEquals(250, gw.embeddedCardBalance(PAN_LOW), "debited once");
    }

    @Test
    void aRetransmissionWaitingOnACommitThatFailsIsAnswered96Too() throws Exception {
        IsoMessage sale = saleLow(250);
        ControllableStore.Gate held = store.holdNextApply();
        CompletableFuture<byte[]> first = gw.handle(pos3.pack(sale.copy()), "pos");
        assertTrue(held.awaitEntered(WAIT), "the first sale's commit never started");
        CompletableFuture<byte[]> again = gw.handle(pos3.pack(sale.copy()), "pos");
        awaitEngineCaughtUp();
        assertFalse(again.isDone());

        held.fail();
        assertCode("96", answer(first));
        assertCode("96", answer(again)); // "nothing uncommitted may ever be answered, to anyone"
        assertNoApproval(sale);
        assertEquals(500, gw.embeddedCardBalance(PAN_LOW));
        // The working set forgot the failed sale: the whole balance is there.
        assertCode("00", pos3.send(saleLow(500)));
    }

    /**
     * Issue 13 item 4: the retransmission is already queued behind other work on the engine when the first
     * commit fails; it is decided after the failure was answered but before the engine forgot the failed sale.
     * Made deterministic by holding the engine thread: first sale's commit held, engine held, then the
     * retransmission queued, then the commit failed (and its writer callbacks all run), then the engine let go.
     */
    @Test
    void aRetransmissionQueuedWhenTheCommitFailsIsNeverAnsweredApproved() throws Exception {
        IsoMessage sale = saleLow(250);
        ControllableStore.Gate commit = store.holdNextApply();
        CompletableFuture<byte[]> first = gw.handle(pos3.pack(sale.copy()), "pos");
        assertTrue(commit.awaitEntered(WAIT), "the first sale's commit never started");

        // Hold the engine thread.
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        gw.engine().runOnEngineThread(() -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the engine thread never got to the hold");
        CompletableFuture<byte[]> again = gw.handle(pos3.pack(sale.copy()), "pos"); // queued behind the hold

        commit.fail();
        assertCode("96", answer(first));
        // The writer is one thread: once a later set is committed, every callback of the failed group has run.
        gw.journal().submit(new ChangeSet()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        release.countDown();

        IsoMessage r2 = answer(again);
        assertNotEquals("00", r2.getString(39), "an approval that was never committed was answered");
        assertCode("96", r2);
        assertNoApproval(sale);
        assertEquals(500, gw.embeddedCardBalance(PAN_LOW));
    }
}
