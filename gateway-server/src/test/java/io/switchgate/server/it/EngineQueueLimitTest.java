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

    /** What a test does while the engine thread is held and its queue (bound 4) is full. */
    @FunctionalInterface
    interface WhileFull {
        void run(Gateway gw) throws Exception;
    }

    /**
     * Starts a gateway whose queue holds 4, holds its engine thread, fills the queue with four sales, runs
     * {@code whileFull}, then lets the thread go and checks that the held and queued requests were all approved.
     */
    static void withAFullQueue(WhileFull whileFull) throws Exception {
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

            whileFull.run(gw);
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

    @Test
    void aFullEngineQueueAnswers91EngineBusy() throws Exception {
        withAFullQueue(gw -> {
            CompletableFuture<byte[]> busy = gw.handle(D.pack(sale("000006", 106)), "pos");
            assertTrue(busy.isDone(), "answered at once, not queued");
            IsoMessage b = D.unpack(busy.get());
            assertEquals("91", b.getString(39));
            assertEquals("ENGINE_BUSY", b.getString(44));
            assertEquals("000006", b.getString(11));
        });
    }

    /**
     * A sale from a terminal with a TAK, refused 91 ENGINE_BUSY at the door: MACed under that TAK like any answer to it
     * (contract section 4: a MAC on every response, declines included), from the key admission found on the event loop.
     */
    @Test
    void aRefusalAsBusyIsMacedUnderTheTerminalsKey() throws Exception {
        var sm = io.switchgate.security.SoftwareSecurityModule.fromHex(TestConfigs.MASTER);
        var tak = sm.importClear(io.switchgate.security.KeyType.TAK, java.util.HexFormat.of().parseHex(TestConfigs.TAK1));
        withAFullQueue(gw -> {
            IsoMessage sale = sale("000008", 108).set(41, "TERM0001");
            CompletableFuture<byte[]> busy = gw.handle(io.switchgate.txn.MessageMac.pack(D, sale, tak, sm), "pos");
            assertTrue(busy.isDone(), "answered at once, not queued");
            byte[] raw = busy.get();
            IsoMessage b = D.unpack(raw);
            assertEquals("91", b.getString(39));
            assertEquals("ENGINE_BUSY", b.getString(44));
            assertEquals(Boolean.TRUE, io.switchgate.txn.MessageMac.verify(raw, b, tak, sm), "the 91's MAC under the TAK");
        });
    }

    /**
     * A frame that does not parse, from a terminal with a TAK, while the engine's queue is full: its MAC would need the
     * engine thread (it owns the keys), and a flood of bad frames must not make the event loop wait for room in the
     * ring. So it is answered at once, {@code 30} with DE 11 and DE 41 echoed and no MAC, and the queue is untouched.
     */
    @Test
    void aFrameThatDoesNotParseIsAnsweredAtOnceWithoutAMacWhileTheQueueIsFull() throws Exception {
        withAFullQueue(gw -> {
            byte[] bad = D.pack(sale("000009", 109).set(41, "TERM0001")); // TERM0001 has a TAK
            bad[D.unpack(bad).offsetOf(4) + 2] = (byte) 0xAB; // not BCD: DE 4 cannot be read
            CompletableFuture<byte[]> answer = gw.handle(bad, "pos");
            assertTrue(answer.isDone(), "answered at once, not queued behind the held engine thread");
            IsoMessage a = D.unpack(answer.get());
            assertEquals("0210", a.getMti());
            assertEquals("30", a.getString(39));
            assertEquals("BAD_FIELD_4", a.getString(44));
            assertEquals("000009", a.getString(11));
            assertEquals("TERM0001", a.getString(41));
            assertFalse(a.hasField(64) || a.hasField(128), "no MAC: the key is the engine thread's");
        });
    }

    /**
     * The same frame after the gateway has closed (its engine takes no task): answered {@code 30} without a MAC, never
     * left without an answer or thrown at the caller.
     */
    @Test
    void aFrameThatDoesNotParseAfterTheEngineStoppedIsStillAnswered30() throws Exception {
        Gateway gw = Gateway.start(TestConfigs.config("memory:"));
        gw.close();
        byte[] bad = D.pack(sale("000010", 110).set(41, "TERM0001"));
        bad[D.unpack(bad).offsetOf(4) + 2] = (byte) 0xAB;
        IsoMessage a = D.unpack(gw.handle(bad, "pos").get(5, TimeUnit.SECONDS));
        assertEquals("30", a.getString(39));
        assertEquals("000010", a.getString(11));
        assertEquals("TERM0001", a.getString(41));
        assertFalse(a.hasField(64) || a.hasField(128));
        // and a request that parses is refused as the gateway stopping, not left unanswered
        IsoMessage s = D.unpack(gw.handle(D.pack(sale("000011", 111)), "pos").get(5, TimeUnit.SECONDS));
        assertEquals("91", s.getString(39));
        assertEquals("GATEWAY_STOPPING", s.getString(44));
    }
}
