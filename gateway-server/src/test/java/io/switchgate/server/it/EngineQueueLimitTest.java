package io.switchgate.server.it;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.txn.EngineListener;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine's queue is bounded: with the engine thread held and its queue full, a new request is answered at once
 * with 91 and DE 44 {@code ENGINE_BUSY} (not queued without limit); the queued ones are still answered normally.
 * The bound is lowered to 4 with {@code -Dgateway.engine.maxQueued} for the test (default 65,536).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineQueueLimitTest {
    private static final Dialect D = Dialect.named("iso87binary");

    static IsoMessage sale(String stan, long amount) {
        IsoMessage m = new IsoMessage("0200");
        m.set(2, TestConfigs.PAN_NOPIN);
        m.set(3, "000000");
        m.set(4, String.format("%012d", amount));
        m.set(7, "1125120000");
        m.set(11, stan);
        m.set(12, "120000");
        m.set(13, "1125");
        m.set(14, "2812");
        m.set(22, "021");
        m.set(25, "00");
        m.set(41, "TERM0003");
        m.set(42, TestConfigs.MERCHANT);
        m.set(49, "156");
        return m;
    }

    /** An engine listener that holds the engine thread the first time it is called on it. */
    static final class HoldEngineThread implements EngineListener {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean armed = new AtomicBoolean();

        void arm() {
            armed.set(true);
        }

        @Override
        public void answered(String mti, String type, String terminal, String stan, String rrn, long amount, String maskedPan,
                             String code, String reason, long nanos) {
            if (Thread.currentThread().getName().equals("engine") && armed.compareAndSet(true, false)) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void aFullEngineQueueAnswers91EngineBusy() throws Exception {
        String saved = System.getProperty("gateway.engine.maxQueued");
        System.setProperty("gateway.engine.maxQueued", "4");
        // Every request through the engine thread: a lone one would otherwise be decided on this test's thread.
        System.setProperty("gateway.engine.inline", "false");
        HoldEngineThread hold = new HoldEngineThread();
        try (Gateway gw = Gateway.start(TestConfigs.config("memory:"))) {
            gw.engine().setListener(hold);
            IsoMessage first = sale("000001", 100);
            assertEquals("00", D.unpack(gw.handle(D.pack(first), "pos").get(20, TimeUnit.SECONDS)).getString(39));
            // its retransmission is answered from the engine thread (same answer again): hold the thread there
            hold.arm();
            CompletableFuture<byte[]> repeat = gw.handle(D.pack(first), "pos");
            assertTrue(hold.held.await(20, TimeUnit.SECONDS), "the engine thread is held");
            List<CompletableFuture<byte[]>> queued = new ArrayList<>();
            for (int i = 2; i <= 5; i++) queued.add(gw.handle(D.pack(sale(String.format("%06d", i), 100 + i)), "pos"));
            CompletableFuture<byte[]> busy = gw.handle(D.pack(sale("000006", 106)), "pos");
            assertTrue(busy.isDone(), "answered at once, not queued");
            IsoMessage b = D.unpack(busy.get());
            assertEquals("91", b.getString(39));
            assertEquals("ENGINE_BUSY", b.getString(44));
            assertEquals("000006", b.getString(11));
            for (CompletableFuture<byte[]> q : queued) assertFalse(q.isDone(), "still queued behind the held thread");

            hold.release.countDown();
            assertEquals("00", D.unpack(repeat.get(20, TimeUnit.SECONDS)).getString(39));
            for (CompletableFuture<byte[]> q : queued) {
                assertEquals("00", D.unpack(q.get(20, TimeUnit.SECONDS)).getString(39), "queued requests are decided normally");
            }
            IsoMessage after = D.unpack(gw.handle(D.pack(sale("000007", 107)), "pos").get(20, TimeUnit.SECONDS));
            assertEquals("00", after.getString(39), "room again once the queue drained");
        } finally {
            hold.release.countDown();
            System.clearProperty("gateway.engine.inline");
            if (saved == null) System.clearProperty("gateway.engine.maxQueued");
            else System.setProperty("gateway.engine.maxQueued", saved);
        }
    }
}
