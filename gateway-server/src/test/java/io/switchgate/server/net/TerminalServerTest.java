package io.switchgate.server.net;

import io.switchgate.config.GatewayConfig;
import io.switchgate.txn.MessageHandler;
import org.jpos.iso.BaseChannel;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.channel.ASCIIChannel;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminalServerTest {

    private TerminalServer server;
    private JposEchoHandler handler;
    private final List<BaseChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (BaseChannel c : channels) {
            try {
                c.disconnect();
            } catch (IOException ignored) {
                // already closed
            }
        }
        if (server != null) {
            server.close();
        }
        if (handler != null) {
            handler.close();
        }
    }

    static GatewayConfig.Listener listener(String name, String framing, String dialect, int maxFrame, int idle) {
        return new GatewayConfig.Listener(name, "127.0.0.1", 0, framing, dialect, maxFrame, idle);
    }

    private TerminalServer start(MessageHandler h, GatewayConfig.Listener... listeners) {
        server = new TerminalServer(List.of(listeners), h).start();
        return server;
    }

    private JposEchoHandler echo(java.util.function.ToLongFunction<ISOMsg> delay) {
        handler = new JposEchoHandler(Map.of("pos", JposEchoHandler.BINARY, "ascii", JposEchoHandler.ASCII,
                "tpdu", JposEchoHandler.BINARY), delay);
        return handler;
    }

    private <C extends BaseChannel> C connect(C c) throws IOException {
        c.setTimeout(10_000);
        c.connect();
        channels.add(c);
        return c;
    }

    private NACChannel nac(String listener) throws IOException {
        return connect(new NACChannel("127.0.0.1", server.port(listener), new ISO87BPackager(), null));
    }

    static ISOMsg sale(int stan) throws Exception {
        ISOMsg m = new ISOMsg("0200");
        m.set(3, "000000");
        m.set(4, String.format("%012d", 1000 + stan));
        m.set(7, "0102030405");
        m.set(11, String.format("%06d", stan));
        m.set(41, "TERM0001");
        m.set(42, "MERCHANT0000001");
        m.set(49, "156");
        return m;
    }

    @Test
    void pipelinedRequestsAreAnsweredAsTheyCompleteAndMatchedByStan() throws Exception {
        // the later the request, the sooner its answer: responses come back in reverse order
        start(echo(m -> (11 - Integer.parseInt(m.getString(11))) * 40L), listener("pos", "nac2", "iso87binary", 8192, 300));
        NACChannel c = nac("pos");
        for (int stan = 1; stan <= 10; stan++) {
            c.send(sale(stan));
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ISOMsg r = c.receive();
            assertEquals("0210", r.getMTI());
            assertEquals("00", r.getString(39));
            int stan = Integer.parseInt(r.getString(11));
            assertEquals(String.format("%012d", 1000 + stan), r.getString(4), "response matches its request");
            order.add(r.getString(11));
        }
        assertEquals(10, new HashSet<>(order).size());
        assertEquals("000010", order.get(0), "the fastest (last sent) is answered first: " + order);
        assertEquals("000001", order.get(9), order.toString());
        assertEquals(1, server.stats("pos").openConnections());
        waitFor(() -> server.stats("pos").responses() == 10 && server.inFlight() == 0);
    }

    /**
     * Answers that complete together on another thread (as a journal batch completes them): every
     * one reaches its terminal, and one with no response or a failure in between holds none of the others back.
     */
    @Test
    void answersCompletedTogetherOffTheEventLoopAllGoOut() throws Exception {
        List<Object[]> held = java.util.Collections.synchronizedList(new ArrayList<>());
        start((message, listenerName) -> {
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            held.add(new Object[] {message, f});
            return f;
        }, listener("pos", "nac2", "iso87binary", 8192, 300));
        NACChannel c = nac("pos");
        for (int stan = 1; stan <= 20; stan++) c.send(sale(stan));
        waitFor(() -> held.size() == 20);
        Thread journal = new Thread(() -> {
            org.jpos.iso.packager.ISO87BPackager p = new org.jpos.iso.packager.ISO87BPackager();
            for (Object[] h : held) {
                @SuppressWarnings("unchecked")
                CompletableFuture<byte[]> f = (CompletableFuture<byte[]>) h[1];
                try {
                    ISOMsg m = new ISOMsg();
                    m.setPackager(p);
                    m.unpack((byte[]) h[0]);
                    int stan = Integer.parseInt(m.getString(11));
                    if (stan == 7) {
                        f.complete(null); // nothing to answer
                    } else if (stan == 8) {
                        f.completeExceptionally(new IllegalStateException("failed"));
                    } else {
                        m.setResponseMTI();
                        m.set(39, "00");
                        f.complete(m.pack());
                    }
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            }
        }, "journal-like");
        journal.start();
        journal.join();
        Set<String> stans = new HashSet<>();
        for (int i = 0; i < 18; i++) stans.add(c.receive().getString(11));
        assertEquals(18, stans.size());
        assertFalse(stans.contains("000007"));
        assertFalse(stans.contains("000008"));
        waitFor(() -> server.stats("pos").responses() == 18 && server.inFlight() == 0);
    }

    @Test
    void manyConnectionsWithPipelinedRequests() throws Exception {
        start(echo(m -> new Random(Integer.parseInt(m.getString(11))).nextInt(20)), listener("pos", "nac2", "iso87binary", 8192, 300));
        List<CompletableFuture<Set<String>>> clients = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            NACChannel c = nac("pos");
            int base = k * 1000;
            clients.add(CompletableFuture.supplyAsync(() -> {
                try {
                    for (int i = 1; i <= 50; i++) {
                        c.send(sale(base + i));
                    }
                    Set<String> stans = new HashSet<>();
                    for (int i = 1; i <= 50; i++) {
                        stans.add(c.receive().getString(11));
                    }
                    return stans;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (int k = 0; k < 8; k++) {
            Set<String> stans = clients.get(k).get(30, TimeUnit.SECONDS);
            assertEquals(50, stans.size());
            for (int i = 1; i <= 50; i++) {
                assertTrue(stans.contains(String.format("%06d", k * 1000 + i)));
            }
        }
    }

    @Test
    void ascii4Framing() throws Exception {
        start(echo(m -> 0), listener("ascii", "ascii4", "iso87ascii", 8192, 300));
        ASCIIChannel c = connect(new ASCIIChannel("127.0.0.1", server.port("ascii"), JposEchoHandler.ASCII));
        c.send(sale(7));
        ISOMsg r = c.receive();
        assertEquals("0210", r.getMTI());
        assertEquals("000007", r.getString(11));
        // and on the wire: 4 ASCII digits
        try (Socket s = new Socket("127.0.0.1", server.port("ascii"))) {
            byte[] msg = packAscii(sale(8));
            s.getOutputStream().write(String.format("%04d", msg.length).getBytes());
            s.getOutputStream().write(msg);
            byte[] len = new DataInputStream(s.getInputStream()).readNBytes(4);
            String digits = new String(len);
            assertTrue(digits.matches("\\d{4}"), digits);
            byte[] body = s.getInputStream().readNBytes(Integer.parseInt(digits));
            assertEquals("0210", new String(body, 0, 4));
        }
    }

    private static byte[] packAscii(ISOMsg m) throws Exception {
        m.setPackager(JposEchoHandler.ASCII);
        return m.pack();
    }

    @Test
    void tpduIsStrippedAndSwappedOnTheResponse() throws Exception {
        byte[][] seen = new byte[1][];
        handler = null;
        JposEchoHandler echo = echo(m -> 0);
        start((msg, l) -> {
            seen[0] = msg;
            return echo.handle(msg, l);
        }, listener("tpdu", "nac2-tpdu", "iso87binary", 8192, 300));
        byte[] tpdu = {0x60, 0x00, 0x01, 0x00, 0x02};
        NACChannel c = connect(new NACChannel("127.0.0.1", server.port("tpdu"), new ISO87BPackager(), tpdu));
        c.send(sale(3));
        ISOMsg r = c.receive();
        assertEquals("0210", r.getMTI());
        assertEquals("000003", r.getString(11));
        assertArrayEquals(new byte[]{0x60, 0x00, 0x02, 0x00, 0x01}, r.getHeader(), "destination and source swapped");
        assertEquals(0x02, seen[0][0], "handler sees the message from its first MTI byte (BCD 02 00)");
        assertEquals(0x00, seen[0][1]);
    }

    /**
     * A frame shorter than its TPDU (an empty one too) has no MTI to answer, but its length prefix keeps the stream in
     * step: it is ignored and the connection goes on (contract section 3: only an oversized frame closes it).
     */
    @Test
    void tpduFrameShorterThanItsHeaderIsIgnoredAndTheConnectionGoesOn() throws Exception {
        start(echo(m -> 0), listener("tpdu", "nac2-tpdu", "iso87binary", 8192, 300));
        try (Socket s = socket("tpdu")) {
            s.setSoTimeout(10_000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(new byte[]{0, 0});
            out.write(new byte[]{0, 3, 0x60, 0, 1});
            out.write(new byte[]{0, 4, 0x60, 0, 1, 0});
            ISOMsg m = sale(7);
            m.setPackager(new ISO87BPackager());
            byte[] body = m.pack();
            byte[] frame = new byte[2 + 5 + body.length];
            frame[0] = (byte) ((5 + body.length) >> 8);
            frame[1] = (byte) (5 + body.length);
            System.arraycopy(new byte[]{0x60, 0x00, 0x01, 0x00, 0x02}, 0, frame, 2, 5);
            System.arraycopy(body, 0, frame, 7, body.length);
            out.write(frame);
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            byte[] resp = new byte[in.readUnsignedShort()];
            in.readFully(resp);
            assertArrayEquals(new byte[]{0x60, 0x00, 0x02, 0x00, 0x01}, java.util.Arrays.copyOf(resp, 5), "TPDU swapped");
            ISOMsg r = new ISOMsg();
            r.setPackager(new ISO87BPackager());
            r.unpack(java.util.Arrays.copyOfRange(resp, 5, resp.length));
            assertEquals("000007", r.getString(11), "the request after the short frames is answered");
        }
        assertEquals(0, server.stats("tpdu").closedForBadFrames());
    }

    @Test
    void oversizedFrameClosesTheConnectionAndANewConnectionWorks() throws Exception {
        start(echo(m -> 0), listener("pos", "nac2", "iso87binary", 64, 300));
        try (Socket s = socket("pos")) {
            s.getOutputStream().write(new byte[]{(byte) 0xFF, (byte) 0xFF, 1, 2, 3});
            assertEquals(-1, s.getInputStream().read(), "closed without an answer");
        }
        // a real message longer than the limit
        try (Socket s = socket("pos")) {
            ISOMsg big = sale(1);
            big.set(48, "X".repeat(80));
            big.setPackager(new ISO87BPackager());
            byte[] msg = big.pack();
            s.getOutputStream().write(new byte[]{(byte) (msg.length >> 8), (byte) msg.length});
            s.getOutputStream().write(msg);
            assertEquals(-1, s.getInputStream().read());
        }
        assertEquals(2, server.stats("pos").closedForBadFrames());
        NACChannel c = nac("pos");
        c.send(sale(2));
        assertEquals("00", c.receive().getString(39));
    }

    /**
     * Requests read before a bad frame were taken (with the embedded engine, decided and journaled): their answers go
     * out before the connection closes. A black-box audit saw 16 pipelined sales committed approved and the connection
     * closed before any answer, so the terminal reversed, or retried, sales it had been approved.
     */
    @Test
    void requestsTakenBeforeAnOversizedFrameAreAnsweredBeforeTheConnectionCloses() throws Exception {
        start(echo(m -> 150), listener("pos", "nac2", "iso87binary", 256, 300));
        try (Socket s = socket("pos")) {
            java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            burst.write(pipelinedSales(5));
            burst.write(new byte[]{(byte) 0xFF, (byte) 0xFF, 1, 2, 3}); // then a prefix over the limit, in the same write
            s.getOutputStream().write(burst.toByteArray());
            s.setSoTimeout(10_000);
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            java.util.Set<String> answered = stansAnswered(in, 5);
            assertEquals(java.util.Set.of("000001", "000002", "000003", "000004", "000005"), answered);
            assertEquals(-1, in.read(), "then closed");
        }
        assertEquals(1, server.stats("pos").closedForBadFrames());
    }

    /**
     * A terminal that sends its requests and shuts its sending side (TCP half-close) still reads: every request it sent
     * is answered, then the connection closes. A black-box audit: 10 sales pipelined at maxInFlight 2, then
     * shutdown(SHUT_WR): 4 answered, 6 approved and journaled; Netty closed the connection at the end of the input.
     */
    @Test
    void everyRequestSentBeforeAHalfCloseIsAnsweredThenTheConnectionCloses() throws Exception {
        start(echo(m -> 20), new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300, 100, 2));
        int sent = 10;
        try (Socket s = socket("pos")) {
            s.getOutputStream().write(pipelinedSales(sent));
            s.shutdownOutput();
            s.setSoTimeout(10_000);
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            java.util.Set<String> answered = stansAnswered(in, sent);
            assertEquals(sent, answered.size(), "every request answered: " + answered);
            assertEquals(-1, in.read(), "then closed");
        }
        assertEquals(sent, server.stats("pos").requests());
        assertEquals(0, server.stats("pos").unwrittenAnswers());
    }

    /** A frame the handler cannot answer (no request MTI) is counted, and the connection goes on. */
    @Test
    void aFrameLeftUnansweredIsCounted() throws Exception {
        start((message, listener) -> CompletableFuture.completedFuture(null), listener("pos", "nac2", "iso87binary", 8192, 300));
        try (Socket s = socket("pos")) {
            s.getOutputStream().write(new byte[]{0, 4, 'z', 'z', 'z', 'z'});
            s.getOutputStream().write(new byte[]{0, 4, 'z', 'z', 'z', 'z'});
            waitFor(() -> server.stats("pos").unansweredFrames() == 2);
            assertEquals(1, server.stats("pos").openConnections(), "still open");
        }
    }

    /** A connection whose peer shuts its sending side with nothing in flight is closed at once. */
    @Test
    void aHalfCloseWithNothingInFlightClosesTheConnection() throws Exception {
        start(echo(m -> 0), listener("pos", "nac2", "iso87binary", 8192, 300));
        try (Socket s = socket("pos")) {
            s.shutdownOutput();
            s.setSoTimeout(10_000);
            assertEquals(-1, s.getInputStream().read(), "closed");
        }
        waitFor(() -> server.stats("pos").openConnections() == 0);
    }

    /** Answers to a connection reset before they were written are counted (and only the first is logged at INFO). */
    @Test
    void answersToAConnectionResetBeforeThemAreCounted() throws Exception {
        start(echo(m -> 300), listener("pos", "nac2", "iso87binary", 8192, 300));
        try (Socket s = socket("pos")) {
            for (int stan = 1; stan <= 6; stan++) {
                ISOMsg m = sale(stan);
                m.setPackager(new ISO87BPackager());
                byte[] msg = m.pack();
                s.getOutputStream().write(new byte[]{(byte) (msg.length >> 8), (byte) msg.length});
                s.getOutputStream().write(msg);
            }
            waitFor(() -> server.stats("pos").requests() == 6);
            s.setSoLinger(true, 0); // a reset, as a terminal that gives up does
        }
        waitFor(() -> server.inFlight() == 0);
        assertEquals(6, server.stats("pos").unwrittenAnswers());
        assertEquals(0, server.stats("pos").responses());
    }

    /**
     * A client that sends and never reads: once its answers have waited to be written for the idle timeout, the
     * connection is closed (it was held forever: at maxInFlight it is not read, and the idle timer never closed a
     * connection with answers pending).
     */
    @Test
    void aClientThatNeverReadsItsAnswersIsClosedAfterTheIdleTimeout() throws Exception {
        start(echo(m -> 0), listener("pos", "nac2", "iso87binary", 8192, 1));
        ISOMsg m = sale(1);
        m.set(48, "X".repeat(900)); // large answers fill the socket buffers sooner
        m.setPackager(new ISO87BPackager());
        byte[] msg = m.pack();
        byte[] frame = new byte[msg.length + 2];
        frame[0] = (byte) (msg.length >> 8);
        frame[1] = (byte) msg.length;
        System.arraycopy(msg, 0, frame, 2, msg.length);
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port("pos")));
        Thread writer = new Thread(() -> {
            try {
                while (true) s.getOutputStream().write(frame); // blocks once the server stops reading
            } catch (IOException closed) {
                // the server closed it: what this test waits for
            }
        });
        writer.setDaemon(true);
        writer.start();
        try {
            waitFor(() -> server.stats("pos").requests() > 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (server.stats("pos").openConnections() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(0, server.stats("pos").openConnections(), "closed: it read none of "
                    + server.stats("pos").requests() + " answers");
        } finally {
            s.close();
        }
    }

    @Test
    void frameOfExactlyMaxFrameBytesIsAccepted() throws Exception {
        ISOMsg m = sale(5);
        m.setPackager(new ISO87BPackager());
        int size = m.pack().length;
        start(echo(x -> 0), listener("pos", "nac2", "iso87binary", size, 300));
        NACChannel c = nac("pos");
        c.send(sale(5));
        assertEquals("000005", c.receive().getString(11));
    }

    @Test
    void badAscii4LengthDigitsCloseTheConnection() throws Exception {
        start(echo(m -> 0), listener("ascii", "ascii4", "iso87ascii", 8192, 300));
        try (Socket s = socket("ascii")) {
            s.getOutputStream().write("00A9hello".getBytes());
            assertEquals(-1, s.getInputStream().read());
        }
        try (Socket s = socket("ascii")) {
            s.getOutputStream().write("99990200".getBytes()); // 9999 > 8192
            assertEquals(-1, s.getInputStream().read());
        }
        ASCIIChannel c = connect(new ASCIIChannel("127.0.0.1", server.port("ascii"), JposEchoHandler.ASCII));
        c.send(sale(9));
        assertEquals("000009", c.receive().getString(11));
    }

    @Test
    void garbageAndTruncatedFramesNeverCrashTheServer() throws Exception {
        start(echo(m -> 0), listener("pos", "nac2", "iso87binary", 8192, 300));
        Random rnd = new Random(42);
        for (int i = 0; i < 30; i++) {
            try (Socket s = socket("pos")) {
                OutputStream out = s.getOutputStream();
                int n = 1 + rnd.nextInt(300);
                byte[] junk = new byte[n];
                rnd.nextBytes(junk);
                out.write(new byte[]{(byte) (n >> 8), (byte) n});
                out.write(junk);
                if (i % 3 == 0) {
                    out.write(new byte[]{0, 50, 1, 2}); // truncated: announces 50, sends 2, then hangs up
                }
                out.flush();
            }
        }
        // empty frames, raw junk without a sensible prefix
        try (Socket s = socket("pos")) {
            s.getOutputStream().write(new byte[]{0, 0, 0, 0});
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
        }
        // the server still answers, on a new connection and on one that sent garbage first
        NACChannel c = nac("pos");
        c.send(sale(1));
        assertEquals("00", c.receive().getString(39));
        try (Socket s = socket("pos")) {
            s.getOutputStream().write(new byte[]{0, 4, 0x7F, 0x7F, 0x7F, 0x7F});
            ISOMsg m = sale(2);
            m.setPackager(new ISO87BPackager());
            byte[] msg = m.pack();
            s.getOutputStream().write(new byte[]{(byte) (msg.length >> 8), (byte) msg.length});
            s.getOutputStream().write(msg);
            DataInputStream in = new DataInputStream(s.getInputStream());
            int len = in.readUnsignedShort();
            ISOMsg r = new ISOMsg();
            r.setPackager(new ISO87BPackager());
            r.unpack(in.readNBytes(len));
            assertEquals("000002", r.getString(11), "garbage got no answer, the next request did");
        }
        assertTrue(handler.unparseable.get() > 0);
    }

    @Test
    void handlerFailuresAreContained() throws Exception {
        JposEchoHandler echo = echo(m -> 0);
        start((msg, l) -> {
            if (msg.length > 0 && msg[0] == 0x08) {
                throw new IllegalStateException("boom");
            }
            if (msg.length > 0 && msg[0] == 0x04) {
                return CompletableFuture.failedFuture(new IllegalStateException("async boom"));
            }
            return echo.handle(msg, l);
        }, listener("pos", "nac2", "iso87binary", 8192, 300));
        NACChannel c = nac("pos");
        ISOMsg echoReq = new ISOMsg("0800");
        echoReq.set(11, "000001");
        echoReq.set(70, "301");
        c.send(echoReq);
        ISOMsg rev = sale(2);
        rev.setMTI("0400");
        c.send(rev);
        c.send(sale(3));
        ISOMsg r = c.receive();
        assertEquals("000003", r.getString(11), "only the sale is answered; the connection stays open");
        waitFor(() -> server.inFlight() == 0);
    }

    @Test
    void idleConnectionIsClosed() throws Exception {
        start(echo(m -> 0), listener("pos", "nac2", "iso87binary", 8192, 1));
        try (Socket s = socket("pos")) {
            s.setSoTimeout(5000);
            long t0 = System.nanoTime();
            // closed by the server (end of stream), not a read timeout (that would throw)
            assertEquals(-1, s.getInputStream().read());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // not before its idle time; no upper bound: how late it is on a busy machine is not behaviour
            assertTrue(ms >= 800, "closed before its 1 s idle time: " + ms);
        }
        waitFor(() -> server.openConnections() == 0);
    }

    @Test
    void idleTimeoutDoesNotCutAPendingResponse() throws Exception {
        start(echo(m -> 1800), listener("pos", "nac2", "iso87binary", 8192, 1));
        NACChannel c = nac("pos");
        c.send(sale(4));
        assertEquals("000004", c.receive().getString(11));
    }

    @Test
    void twoListenersInOneServer() throws Exception {
        start(echo(m -> 0), listener("pos", "nac2", "iso87binary", 8192, 300),
                listener("ascii", "ascii4", "iso87ascii", 8192, 300),
                listener("tpdu", "nac2-tpdu", "iso87binary", 8192, 300));
        assertNotEquals(server.port("pos"), server.port("ascii"));
        NACChannel a = nac("pos");
        ASCIIChannel b = connect(new ASCIIChannel("127.0.0.1", server.port("ascii"), JposEchoHandler.ASCII));
        NACChannel t = connect(new NACChannel("127.0.0.1", server.port("tpdu"), new ISO87BPackager(), new byte[]{0x60, 0, 5, 0, 6}));
        a.send(sale(1));
        b.send(sale(2));
        t.send(sale(3));
        assertEquals("000001", a.receive().getString(11));
        assertEquals("000002", b.receive().getString(11));
        assertEquals("000003", t.receive().getString(11));
        assertEquals(1, server.stats("pos").openConnections());
        assertEquals(1, server.stats("ascii").openConnections());
        assertEquals(3, server.openConnections());
        b.disconnect();
        waitFor(() -> server.stats("ascii").openConnections() == 0);
    }

    @Test
    void gracefulShutdownAnswersInFlightRequests() throws Exception {
        start(echo(m -> 700), listener("pos", "nac2", "iso87binary", 8192, 300));
        int port = server.port("pos");
        NACChannel c = nac("pos");
        for (int i = 1; i <= 5; i++) {
            c.send(sale(i));
        }
        waitFor(() -> server.inFlight() == 5);
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)));
        Set<String> stans = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            stans.add(c.receive().getString(11));
        }
        assertEquals(Set.of("000001", "000002", "000003", "000004", "000005"), stans);
        assertTrue(stopped.get(10, TimeUnit.SECONDS), "drained");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    /**
     * While the server drains (listening sockets closed, a request still in flight), a connection is still read: a
     * request sent then reaches the handler and is answered, not left unread until the close cuts it off.
     */
    @Test
    void aRequestSentWhileTheServerDrainsIsAnswered() throws Exception {
        start(echo(m -> "000001".equals(m.getString(11)) ? 1_500 : 0), listener("pos", "nac2", "iso87binary", 8192, 300));
        int port = server.port("pos");
        NACChannel c = nac("pos");
        c.send(sale(1));
        waitFor(() -> server.inFlight() == 1);
        server.stopAcceptingConnections();
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        c.send(sale(2));
        Set<String> answered = new HashSet<>();
        answered.add(c.receive().getString(11));
        answered.add(c.receive().getString(11));
        assertEquals(Set.of("000001", "000002"), answered, "the one sent during the drain is answered too");
        assertTrue(server.awaitInFlight(Duration.ofSeconds(5)));
        server.close();
    }

    @Test
    void shutdownTimeoutIsBounded() throws Exception {
        start((msg, l) -> new CompletableFuture<>(), listener("pos", "nac2", "iso87binary", 8192, 300));
        NACChannel c = nac("pos");
        c.send(sale(1));
        waitFor(() -> server.inFlight() == 1);
        // returns (the class timeout fails a shutdown that waits for ever), saying it did not drain
        assertFalse(server.shutdown(Duration.ofMillis(300)));
        assertEquals(1, server.inFlight(), "the request that never completes is still in flight");
    }

    @Test
    void portInUseIsOneLineNamingHostAndPort() throws Exception {
        start(echo(m -> 0), listener("pos", "nac2", "iso87binary", 8192, 300));
        int port = server.port("pos");
        TerminalServer second = new TerminalServer(List.of(new GatewayConfig.Listener("other", "127.0.0.1", port, "nac2",
                "iso87binary", 8192, 300)), handler);
        ServerStartException e = assertThrows(ServerStartException.class, second::start);
        assertTrue(e.getMessage().startsWith("listener other: cannot listen on 127.0.0.1:" + port + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** Sales with STANs 1..{@code count}, each nac2-framed, in one burst. */
    private static byte[] pipelinedSales(int count) throws Exception {
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int stan = 1; stan <= count; stan++) {
            ISOMsg m = sale(stan);
            m.setPackager(new ISO87BPackager());
            byte[] msg = m.pack();
            burst.write(msg.length >> 8);
            burst.write(msg.length);
            burst.write(msg);
        }
        return burst.toByteArray();
    }

    /** The DE 11 of the next {@code count} nac2-framed answers. */
    private static java.util.Set<String> stansAnswered(java.io.DataInputStream in, int count) throws Exception {
        java.util.Set<String> answered = new java.util.TreeSet<>();
        for (int i = 0; i < count; i++) {
            byte[] resp = new byte[in.readUnsignedShort()];
            in.readFully(resp);
            ISOMsg r = new ISOMsg();
            r.setPackager(new ISO87BPackager());
            r.unpack(resp);
            answered.add(r.getString(11));
        }
        return answered;
    }

    private Socket socket(String listener) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port(listener));
        s.setSoTimeout(10_000);
        return s;
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met in 10 s");
            }
            Thread.sleep(10);
        }
    }
}
