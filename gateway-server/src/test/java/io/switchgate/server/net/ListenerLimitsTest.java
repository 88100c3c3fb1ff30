package io.switchgate.server.net;

import io.switchgate.config.GatewayConfig;
import io.switchgate.txn.MessageHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Per-listener limits, over real TCP: {@code maxInFlight} stops reading a pipelining connection until answers go
 * out, and a frame that is started must be complete within {@code idleTimeoutSeconds} (a one-byte-at-a-time client is
 * closed). {@code maxConnections} with the admin port is in {@code ConnectionLimitTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerLimitsTest {

    private TerminalServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) s.close();
        if (server != null) server.close();
    }

    /** A handler whose answers the test gives: each call waits in {@link #calls} with its future. */
    record Call(byte[] message, CompletableFuture<byte[]> answer) { }

    static final class HeldHandler implements MessageHandler {
        final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();

        @Override
        public CompletableFuture<byte[]> handle(byte[] message, String listener) {
            maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            calls.add(new Call(message, f));
            // the server sees the answer only after it is counted out, so the count is what the server had in flight
            return f.whenComplete((b, e) -> outstanding.decrementAndGet());
        }

        Call next() throws InterruptedException {
            Call c = calls.poll(20, TimeUnit.SECONDS);
            assertNotNull(c, "the handler was called");
            return c;
        }
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        sockets.add(s);
        return s;
    }

    static byte[] nac2(byte[] message) {
        return ByteBuffer.allocate(2 + message.length).putShort((short) message.length).put(message).array();
    }

    static byte[] readFrame(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        return b;
    }

    @Test
    void atMaxInFlightTheConnectionIsNotReadUntilAnswersGoOut() throws Exception {
        HeldHandler h = new HeldHandler();
        server = new TerminalServer(List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300,
                100, 2)), h).start();
        Socket s = connect(server.port("pos"));
        OutputStream out = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int i = 1; i <= 5; i++) burst.write(nac2(new byte[]{'R', (byte) i}));
        out.write(burst.toByteArray()); // five pipelined requests in one write
        out.flush();

        Call first = h.next();
        Call second = h.next();
        assertNull(h.calls.poll(300, TimeUnit.MILLISECONDS), "a third request is not handed on while two are in flight");
        assertEquals(2, server.stats("pos").inFlight());

        first.answer().complete(first.message());
        assertArrayEquals(first.message(), readFrame(in));
        Call third = h.next(); // room for one more: the waiting request is handed on
        List<Call> open = new ArrayList<>(List.of(second, third));
        int answered = 1;
        while (answered < 5) {
            Call c = open.remove(0);
            c.answer().complete(c.message());
            assertArrayEquals(c.message(), readFrame(in));
            answered++;
            if (answered + open.size() < 5) open.add(h.next());
        }
        assertEquals(2, h.maxOutstanding.get(), "never more than maxInFlight in flight on the connection");

        out.write(nac2(new byte[]{'R', 6})); // reading resumed
        out.flush();
        Call sixth = h.next();
        sixth.answer().complete(sixth.message());
        assertArrayEquals(new byte[]{'R', 6}, readFrame(in));
    }

    @Test
    void aFrameTrickledOneByteAtATimeIsClosedAfterIdleTimeoutSeconds() throws Exception {
        HeldHandler h = new HeldHandler();
        server = new TerminalServer(List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 1)), h)
                .start();
        Socket s = connect(server.port("pos"));
        OutputStream out = s.getOutputStream();
        CompletableFuture<Integer> firstByteBack = CompletableFuture.supplyAsync(() -> {
            try {
                return s.getInputStream().read(); // -1: the gateway closed the connection
            } catch (SocketTimeoutException e) {
                throw new AssertionError("neither closed nor answered within 20 s", e);
            } catch (IOException e) {
                return -1; // reset: closed as well
            }
        });
        int frameLength = 200;
        out.write(new byte[]{0, (byte) frameLength});
        out.flush();
        int sent = 0;
        // one byte every 100 ms: an idle timeout never fires, the 200-byte frame would take 20 s
        while (sent < frameLength && !firstByteBack.isDone()) {
            try {
                out.write('x');
                out.flush();
                sent++;
            } catch (IOException closed) {
                break;
            }
            try {
                firstByteBack.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillOpen) {
                // keep trickling
            }
        }
        assertEquals(-1, firstByteBack.get(20, TimeUnit.SECONDS), "closed, not answered");
        assertTrue(sent < frameLength, "closed while the frame was incomplete (" + sent + " of " + frameLength + " bytes)");
        assertTrue(h.calls.isEmpty(), "nothing was handed to the engine");
        waitFor(() -> server.stats("pos").closedForFrameTimeout() == 1);
    }

    /**
     * Part of a frame, then silence: the idle timer starts with those bytes and is as long as the frame's, so it often
     * fires first. Either way the close counts (and is logged) as a frame left unfinished, not as an idle connection.
     */
    @Test
    void partOfAFrameThenSilenceIsClosedAsAnUnfinishedFrame() throws Exception {
        HeldHandler h = new HeldHandler();
        server = new TerminalServer(List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 1)), h)
                .start();
        for (int i = 1; i <= 3; i++) {
            Socket s = connect(server.port("pos"));
            s.getOutputStream().write(new byte[]{0, 80, 2, 0});
            s.getOutputStream().flush();
            assertEquals(-1, s.getInputStream().read(), "closed, not answered");
            int closed = i;
            waitFor(() -> server.stats("pos").closedForFrameTimeout() == closed);
        }
        assertTrue(h.calls.isEmpty(), "nothing was handed to the engine");
    }

    @Test
    void completeFramesSentSlowlyButWithinTheTimeoutAreServed() throws Exception {
        HeldHandler h = new HeldHandler();
        server = new TerminalServer(List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 2)), h)
                .start();
        Socket s = connect(server.port("pos"));
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] frame = nac2(new byte[]{'A', 'B', 'C'});
        s.getOutputStream().write(frame, 0, 3); // a frame split over two writes
        s.getOutputStream().flush();
        s.getOutputStream().write(frame, 3, frame.length - 3);
        s.getOutputStream().flush();
        Call c = h.next();
        c.answer().complete(c.message());
        assertArrayEquals(new byte[]{'A', 'B', 'C'}, readFrame(in));
        assertEquals(0, server.stats("pos").closedForFrameTimeout());
    }

    /** One WARN line per listener every 10 s for frame-timeout closes (8,000 in one second wrote 8,000 lines: an audit). */
    @Test
    void frameTimeoutClosesAreWarnedOfOncePerTenSecondsPerListener() {
        ListenerStats stats = new ListenerStats("pos");
        assertTrue(stats.frameTimeoutWarningDue(), "the first is said");
        for (int i = 0; i < 1_000; i++) assertFalse(stats.frameTimeoutWarningDue(), "the next 10 s of them are not");
        assertTrue(new ListenerStats("other").frameTimeoutWarningDue(), "another listener's own");
        assertTrue(stats.badFrameWarningDue(), "bad frames are counted apart");
        assertFalse(stats.badFrameWarningDue());
    }

    static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("condition not met within 20 s");
            Thread.sleep(10);
        }
    }
}
