package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.route.AuthorizerFactory;
import io.switchgate.store.ControllableStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A refund or void of a sale the engine no longer holds (an earlier run's sale, months old) reads it in the stage
 * before the engine thread: while that read is slow, every other terminal is still answered; and what the stage read
 * (the sale and its earlier refunds) is what the refund rules then count.
 */
class PrefetchStageTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    private final String url = "jdbc:h2:mem:prefetch" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    private Gateway gw;

    @AfterEach
    void close() {
        if (gw != null) gw.close();
    }

    /** Starts {@link #gw} on this test's store, wrapped so that a test can hold its reads. */
    private ControllableStore startOnControllableStore() {
        ControllableStore store = new ControllableStore(Gateway.Stores.open(EngineFixture.config(url).store()));
        gw = Gateway.start(EngineFixture.config(url), Clock.systemUTC(), AuthorizerFactory.NONE, store);
        return store;
    }

    private static IsoMessage answer(CompletableFuture<byte[]> f) throws Exception {
        return TestPos.D.unpack(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aSlowReadOfAnOldSaleHoldsNobodyElseAndItsRefundsAreCounted() throws Exception {
        GatewayConfig config = EngineFixture.config(url);
        String saleRrn;
        try (Gateway first = Gateway.start(config, Clock.systemUTC())) {
            TestPos pos = new TestPos(first, "TERM0003", MERCHANT, null, TPK1);
            IsoMessage sale = pos.send(pos.sale(PAN_NOPIN, 1_000));
            assertEquals("00", sale.getString(39));
            saleRrn = sale.getString(37);
            assertEquals("00", pos.send(pos.refund(PAN_NOPIN, 600, saleRrn)).getString(39));
        }
        // A new run: the sale and its refund are only in the store.
        ControllableStore store = new ControllableStore(Gateway.Stores.open(config.store()));
        gw = Gateway.start(config, Clock.systemUTC(), AuthorizerFactory.NONE, store);
        TestPos pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        TestPos pos9 = new TestPos(gw, "TERM0009", MERCHANT2, null, TPK1);
        assertEquals("00", pos9.send(pos9.sale(PAN_NOPIN, 5)).getString(39)); // the engine has loaded what a sale needs

        ControllableStore.Gate read = store.holdNextRrnRead();
        CompletableFuture<byte[]> refund = gw.handle(pos3.pack(pos3.refund(PAN_NOPIN, 500, saleRrn)), "pos");
        assertTrue(read.awaitEntered(WAIT), "the old sale was never read");
        // The read is held: another terminal's sale is answered all the same.
        CompletableFuture<byte[]> other = gw.handle(pos9.pack(pos9.sale(PAN_NOPIN, 7)), "pos");
        assertEquals("00", answer(other).getString(39), "a slow read of an old sale held the engine thread");
        assertFalse(refund.isDone(), "the refund waits for its read");
        read.release();
        IsoMessage r = answer(refund);
        assertNotEquals("00", r.getString(39), "600 of 1,000 was refunded in the earlier run: 500 more is too much");
        assertEquals("00", pos3.send(pos3.refund(PAN_NOPIN, 400, saleRrn)).getString(39), "what is left");
        assertNotEquals("00", pos3.send(pos3.refund(PAN_NOPIN, 1, saleRrn)).getString(39), "nothing is left");
    }

    @Test
    void aCardTheWorkingSetLacksIsReadOffTheEngineThreadAndDebitedExactly() throws Exception {
        ControllableStore store = startOnControllableStore();
        TestPos pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        TestPos pos9 = new TestPos(gw, "TERM0009", MERCHANT2, null, TPK1);
        assertEquals("00", pos9.send(pos9.sale(PAN_NOPIN, 5)).getString(39)); // this card is in the working set now
        long low = gw.embeddedCardBalance(PAN_LOW);

        ControllableStore.Gate read = store.holdNextCardRead();
        CompletableFuture<byte[]> first = gw.handle(pos3.pack(pos3.withPin(pos3.sale(PAN_LOW, 100), "1234")), "pos");
        assertTrue(read.awaitEntered(WAIT), "the card was never read");
        // The card's first read is held: a sale of another terminal is answered all the same.
        assertEquals("00", answer(gw.handle(pos9.pack(pos9.sale(PAN_NOPIN, 7)), "pos")).getString(39),
                "a slow card read held the engine thread");
        CompletableFuture<byte[]> second = gw.handle(pos3.pack(pos3.withPin(pos3.sale(PAN_LOW, 50), "1234")), "pos");
        assertFalse(first.isDone(), "the sale waits for its card");
        read.release();
        assertEquals("00", answer(first).getString(39));
        assertEquals("00", answer(second).getString(39), "the second sale of the card, read while the first was held");
        assertEquals(low - 150, gw.embeddedCardBalance(PAN_LOW), "both debited, once each");
    }

    @Test
    void aTerminalsOpenBatchIsReadOffTheEngineThreadAndItsTotalsStayExact() throws Exception {
        GatewayConfig config = EngineFixture.config(url);
        try (Gateway first = Gateway.start(config, Clock.systemUTC())) {
            TestPos pos = new TestPos(first, "TERM0003", MERCHANT, null, TPK1);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 1_000)).getString(39)); // the open batch has a row now
        }
        ControllableStore store = startOnControllableStore(); // a new run: that batch is only in the store
        TestPos pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        TestPos pos9 = new TestPos(gw, "TERM0009", MERCHANT2, null, TPK1);
        assertEquals("00", pos9.send(pos9.sale(PAN_NOPIN, 5)).getString(39)); // card and TERM0009's batch held now

        ControllableStore.Gate read = store.holdNextBatchRead();
        CompletableFuture<byte[]> sale = gw.handle(pos3.pack(pos3.sale(PAN_NOPIN, 300)), "pos");
        assertTrue(read.awaitEntered(WAIT), "TERM0003's batch was never read");
        assertEquals("00", answer(gw.handle(pos9.pack(pos9.sale(PAN_NOPIN, 7)), "pos")).getString(39),
                "a slow batch read held the engine thread");
        assertFalse(sale.isDone(), "the sale waits for its batch");
        read.release();
        assertEquals("00", answer(sale).getString(39));
        // The settlement's totals are the earlier run's sale plus this one: the batch read was taken, not a fresh one.
        assertEquals("00", pos3.send(pos3.settlement(2, 1_300, 0, 0)).getString(39), "totals of both runs agree");
    }

    @Test
    void aTerminalsLaterRequestWaitsForItsEarlierOneAtTheStageEvenIfItNeedsNothing() throws Exception {
        ControllableStore store = startOnControllableStore();
        TestPos pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        TestPos pos9 = new TestPos(gw, "TERM0009", MERCHANT2, null, TPK1);
        assertEquals("00", pos9.send(pos9.sale(PAN_NOPIN, 5)).getString(39)); // the card is in the working set
        long before = gw.embeddedCardBalance(PAN_NOPIN);

        ControllableStore.Gate read = store.holdNextBatchRead();
        CompletableFuture<byte[]> sale = gw.handle(pos3.pack(pos3.sale(PAN_NOPIN, 300)), "pos"); // TERM0003's batch
        assertTrue(read.awaitEntered(WAIT), "TERM0003's batch was never read");
        // A balance inquiry needs no batch and its card is held: alone it would be decided at once, before the sale.
        CompletableFuture<byte[]> inquiry = gw.handle(pos3.pack(pos3.balance(PAN_NOPIN)), "pos");
        assertEquals("00", answer(gw.handle(pos9.pack(pos9.sale(PAN_NOPIN, 7)), "pos")).getString(39),
                "another terminal is not held");
        assertFalse(inquiry.isDone(), "the terminal's later request waits for its earlier one");
        read.release();
        assertEquals("00", answer(sale).getString(39));
        IsoMessage b = answer(inquiry);
        assertEquals("00", b.getString(39));
        assertEquals(before - 7 - 300, Long.parseLong(b.getString(54).substring(8)), "the balance after the sale: decided after it");
    }

    @Test
    void aReversalWhoseOriginalNeverArrivedIsLookedUpOffTheEngineThread() throws Exception {
        ControllableStore store = startOnControllableStore();
        TestPos pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        TestPos pos9 = new TestPos(gw, "TERM0009", MERCHANT2, null, TPK1);
        assertEquals("00", pos9.send(pos9.sale(PAN_NOPIN, 5)).getString(39));
        ControllableStore.Gate read = store.holdNextStanRead();
        IsoMessage lost = pos3.sale(PAN_NOPIN, 300); // never sent: the network lost it
        CompletableFuture<byte[]> reversal = gw.handle(pos3.pack(pos3.reversal(lost)), "pos");
        assertTrue(read.awaitEntered(WAIT), "the store was never asked about the original");
        assertEquals("00", answer(gw.handle(pos9.pack(pos9.sale(PAN_NOPIN, 7)), "pos")).getString(39),
                "a slow lookup of a reversal's original held the engine thread");
        read.release();
        IsoMessage r = answer(reversal);
        assertEquals("25", r.getString(39), "no original: recorded, answered 25");
        // the original arriving late is refused: the reversal was recorded
        assertEquals("12", pos3.send(lost).getString(39));
    }

    @Test
    void aReversalOfAnEarlierRunsSaleUndoesItOnce() throws Exception {
        GatewayConfig config = EngineFixture.config(url);
        IsoMessage sale;
        long before;
        try (Gateway first = Gateway.start(config, Clock.systemUTC())) {
            TestPos pos = new TestPos(first, "TERM0003", MERCHANT, null, TPK1);
            before = first.embeddedCardBalance(PAN_NOPIN);
            sale = pos.sale(PAN_NOPIN, 2_500);
            assertEquals("00", pos.send(sale).getString(39));
        }
        gw = Gateway.start(config, Clock.systemUTC());
        TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        assertEquals(before - 2_500, gw.embeddedCardBalance(PAN_NOPIN));
        IsoMessage reversal = pos.reversal(sale);
        assertEquals("00", pos.send(reversal).getString(39));
        assertEquals(before, gw.embeddedCardBalance(PAN_NOPIN), "reversed");
        assertEquals("00", pos.send(reversal).getString(39), "a repeated reversal gets the same answer");
        IsoMessage again = pos.reversal(sale);
        again.set(11, TestPos.nextStan()); // a second reversal of the same sale, with a STAN of its own
        pos.send(again);
        assertEquals(before, gw.embeddedCardBalance(PAN_NOPIN), "money moved back once");
    }

    @Test
    void aVoidOfAnUnknownSaleIsStillAnswered() throws Exception {
        ControllableStore store = startOnControllableStore();
        TestPos pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        assertEquals("25", pos.send(pos.voidOf(PAN_NOPIN, 100, "019999999999")).getString(39));
        assertEquals("25", pos.send(pos.refund(PAN_NOPIN, 100, "019999999998")).getString(39));
    }
}
