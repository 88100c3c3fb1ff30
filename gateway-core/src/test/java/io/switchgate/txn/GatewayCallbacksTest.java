package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.switchgate.txn.EngineFixture.MERCHANT;
import static io.switchgate.txn.EngineFixture.PAN_NOPIN;
import static io.switchgate.txn.EngineFixture.TPK1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a program that embeds the gateway relies on (a black-box audit of embedding): a callback on {@link Gateway#handle}'s
 * future never runs on the journal's thread (a slow one stalled every commit; one that closed the gateway waited for
 * itself forever), {@code close} from such a callback, or from one on the engine's own futures, returns, and a drain
 * decides what it had taken rather than refusing it.
 */
class GatewayCallbacksTest {

    @TempDir
    Path dir;

    private GatewayConfig config() {
        GatewayConfig c = EngineFixture.config("jdbc:h2:file:" + dir.resolve("db").resolve("gateway").toAbsolutePath());
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(), c.terminals(),
                c.routes(), c.hosts(), c.authorizer(), c.logging(), new GatewayConfig.Journal(null, "write"));
    }

    private static TestPos pos(Gateway gw) {
        return new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    /**
     * Holds the engine thread until the returned latch is counted down: what is handed in meanwhile queues for it (none
     * is decided on the caller's thread), so its answer comes from the journal's thread once the commit is durable.
     */
    private static CountDownLatch holdEngine(Gateway gw) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        gw.engine().runOnEngineThread(() -> {
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(10, TimeUnit.SECONDS), "the engine thread took the hold");
        return release;
    }

    @Test
    void callbacksRunOffTheJournalsThreadAndASlowOneDelaysNoCommit() throws Exception {
        try (Gateway gw = Gateway.start(config(), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            CountDownLatch slowRunning = new CountDownLatch(1);
            CountDownLatch letGo = new CountDownLatch(1);
            AtomicReference<String> callbackThread = new AtomicReference<>();
            CountDownLatch engine = holdEngine(gw);
            List<CompletableFuture<byte[]>> first = new ArrayList<>();
            for (int i = 0; i < 20; i++) first.add(gw.handle(pos.pack(pos.sale(PAN_NOPIN, 100 + i)), "pos"));
            CompletableFuture<byte[]> slow = first.get(0);
            assertFalse(slow.isDone(), "queued behind the held engine");
            slow.thenAccept(bytes -> {
                callbackThread.set(Thread.currentThread().getName());
                slowRunning.countDown();
                try {
                    letGo.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            engine.countDown();
            assertTrue(slowRunning.await(10, TimeUnit.SECONDS), "the callback ran");
            assertFalse(callbackThread.get().startsWith("journal"), "ran on " + callbackThread.get());
            try {
                // the callback holds its thread; commits go on: a sale's journal record is durable and projected
                long before = gw.fileJournal().durableSequence();
                for (int i = 0; i < 5; i++) {
                    gw.engine().handle(pos.pack(pos.sale(PAN_NOPIN, 200 + i)), "pos").get(10, TimeUnit.SECONDS);
                }
                assertTrue(gw.fileJournal().durableSequence() >= before + 5, "commits went on");
            } finally {
                letGo.countDown();
            }
            for (CompletableFuture<byte[]> f : first) assertEquals("00", TestPos.D.unpack(f.get(10, TimeUnit.SECONDS)).getString(39));
        }
    }

    /** What {@link #closeInTheLastCallback} left: the sales, and the thread their last callback ran on. */
    private record ClosedInCallback(List<CompletableFuture<byte[]>> sales, String ranOn) { }

    /**
     * Twenty sales queued behind the held engine through {@code via}; the last one's callback closes the gateway, and
     * that close must return (it hung forever on the journal's thread, waiting for itself).
     */
    private static ClosedInCallback closeInTheLastCallback(Gateway gw, TestPos pos, MessageHandler via) throws Exception {
        assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
        CountDownLatch engine = holdEngine(gw);
        List<CompletableFuture<byte[]>> sales = new ArrayList<>();
        for (int i = 0; i < 20; i++) sales.add(via.handle(pos.pack(pos.sale(PAN_NOPIN, 100 + i)), "pos"));
        AtomicReference<String> ranOn = new AtomicReference<>();
        CompletableFuture<Void> closed = sales.get(sales.size() - 1).thenRun(() -> {
            ranOn.set(Thread.currentThread().getName());
            gw.close();
        });
        engine.countDown();
        closed.get(20, TimeUnit.SECONDS);
        return new ClosedInCallback(sales, ranOn.get());
    }

    @Test
    void closeFromACallbackOnHandleReturnsAndTheGatewayCloses() throws Exception {
        Gateway gw = Gateway.start(config(), Clock.systemUTC());
        TestPos pos = pos(gw);
        ClosedInCallback c = closeInTheLastCallback(gw, pos, gw);
        assertEquals("gateway-answers", c.ranOn());
        for (CompletableFuture<byte[]> f : c.sales()) assertEquals("00", TestPos.D.unpack(f.get(10, TimeUnit.SECONDS)).getString(39));
        assertEquals("91", TestPos.D.unpack(gw.handle(pos.pack(pos.sale(PAN_NOPIN, 5)), "pos").get(10, TimeUnit.SECONDS)).getString(39));
        IllegalStateException closed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> gw.embeddedCardBalance(PAN_NOPIN));
        assertEquals("the gateway is closed", closed.getMessage());
        // the journal's directory lock is let go: the same files open again, with every sale in them
        try (Gateway again = Gateway.start(config(), Clock.systemUTC())) {
            for (CompletableFuture<byte[]> f : c.sales()) {
                String rrn = TestPos.D.unpack(f.get()).getString(37);
                assertTrue(again.store().findByRrn(rrn).isPresent(), rrn);
            }
        }
    }

    @Test
    void closeFromACallbackOnTheJournalsThreadClosesOnAnotherThread() throws Exception {
        Gateway gw = Gateway.start(config(), Clock.systemUTC());
        ClosedInCallback c = closeInTheLastCallback(gw, pos(gw), gw.engine());
        assertTrue(c.ranOn().startsWith("journal") || c.ranOn().equals("engine"),
                "the engine's futures complete on the journal's thread or the engine's: " + c.ranOn());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Gateway again = null;
        while (again == null) { // the close runs on its own thread: the lock is free once it is done
            try {
                again = Gateway.start(config(), Clock.systemUTC());
            } catch (RuntimeException stillOpen) {
                if (System.nanoTime() > deadline) throw new AssertionError("never closed (callback ran on " + c.ranOn() + ")", stillOpen);
                Thread.sleep(50);
            }
        }
        again.close();
    }

    @Test
    void aDrainDecidesWhatItHadTakenAndRefusesOnlyWhatComesAfter() throws Exception {
        try (Gateway gw = Gateway.start(config(), Clock.systemUTC())) {
            TestPos pos = pos(gw);
            assertEquals("00", pos.send(pos.sale(PAN_NOPIN, 10)).getString(39));
            long balance = gw.embeddedCardBalance(PAN_NOPIN);
            CountDownLatch engine = holdEngine(gw);
            List<CompletableFuture<byte[]>> taken = new ArrayList<>();
            for (int i = 0; i < 500; i++) taken.add(gw.engine().handle(pos.pack(pos.sale(PAN_NOPIN, 1)), "pos"));
            gw.engine().stopAccepting(); // what drain does first, while all 500 still wait for the engine thread
            engine.countDown();
            assertTrue(gw.drain(Duration.ofSeconds(30)));
            int approved = 0;
            for (CompletableFuture<byte[]> f : taken) {
                IsoMessage r = TestPos.D.unpack(f.get(10, TimeUnit.SECONDS));
                assertEquals("00", r.getString(39), "taken before the drain: " + r.getString(44));
                approved++;
            }
            assertEquals(500, approved);
            List<Long> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
            gw.engine().setListener((mti, type, terminal, stan, rrn, amount, pan, code, reason, nanos) -> logged.add(amount));
            IsoMessage after = TestPos.D.unpack(gw.handle(pos.pack(pos.sale(PAN_NOPIN, 7)), "pos").get(10, TimeUnit.SECONDS));
            assertEquals("91", after.getString(39));
            assertEquals("GATEWAY_STOPPING", after.getString(44));
            assertEquals(List.of(7L), logged, "the log line's amount is the DE 4 sent (a re-audit saw amount=0)");
            assertEquals(balance - 500, gw.embeddedCardBalance(PAN_NOPIN));
        }
    }
}
