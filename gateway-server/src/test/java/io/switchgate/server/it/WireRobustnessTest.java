package io.switchgate.server.it;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real gateway behind the real listener, fed bad input: garbage, oversized length prefixes, truncated
 * messages, each mandatory field missing in turn. Each gets the right answer or a closed connection, never
 * a crash, and a good request on a new connection works afterwards. Also: 8 connections with pipelined
 * requests, every answer matched to its request.
 */
class WireRobustnessTest {
    static final Dialect D = Dialect.named("iso87binary");
    static Gateway gw;
    static TerminalServer server;
    static int port;
    static int stan = 500_000;

    @BeforeAll
    static void start() {
        gw = Gateway.start(TestConfigs.config("memory:"));
        server = new TerminalServer(gw.config().listeners(), gw).start();
        port = server.port("pos");
    }

    @AfterAll
    static void stop() {
        server.close();
        gw.close();
    }

    static synchronized String nextStan() {
        return String.format("%06d", ++stan);
    }

    static IsoMessage sale() {
        IsoMessage m = new IsoMessage("0200");
        m.set(2, TestConfigs.PAN_NOPIN);
        m.set(3, "000000");
        m.set(4, "000000000100");
        m.set(7, "1125120000");
        m.set(11, nextStan());
        m.set(12, "120000");
        m.set(13, "1125");
        m.set(14, "2812");
        m.set(22, "051");
        m.set(25, "00");
        m.set(41, "TERM0003");
        m.set(42, TestConfigs.MERCHANT);
        m.set(49, "156");
        return m;
    }

    static void write(DataOutputStream out, byte[] b) throws IOException {
        out.writeShort(b.length);
        out.write(b);
        out.flush();
    }

    static IsoMessage read(DataInputStream in) throws IOException {
        byte[] resp = new byte[in.readUnsignedShort()];
        in.readFully(resp);
        return D.unpack(resp);
    }

    static void aGoodSaleStillWorks() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            write(new DataOutputStream(s.getOutputStream()), D.pack(sale()));
            assertEquals("00", read(new DataInputStream(s.getInputStream())).getString(39));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 7, 11, 41, 42})
    void eachMandatoryFieldMissingIs30NamingIt(int field) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            IsoMessage m = sale();
            m.unset(field);
            write(new DataOutputStream(s.getOutputStream()), D.pack(m));
            IsoMessage r = read(new DataInputStream(s.getInputStream()));
            assertEquals("0210", r.getMti());
            assertEquals("30", r.getString(39));
            assertEquals("MISSING_FIELD_" + field, r.getString(44));
            // the connection stays open
            write(new DataOutputStream(s.getOutputStream()), D.pack(sale()));
            assertEquals("00", read(new DataInputStream(s.getInputStream())).getString(39));
        }
    }

    @Test
    void truncatedMessagesGet30AndTheConnectionStays() throws IOException {
        byte[] good = D.pack(sale());
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int cut = 4; cut < good.length; cut += 7) {
                byte[] part = java.util.Arrays.copyOf(good, cut);
                write(out, part);
                IsoMessage r = read(in);
                assertEquals("0210", r.getMti());
                assertEquals("30", r.getString(39), "cut at " + cut);
            }
            write(out, D.pack(sale()));
            assertEquals("00", read(in).getString(39));
        }
    }

    @Test
    void oversizedLengthPrefixClosesTheConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(60_000);
            out.write(new byte[1024]);
            out.flush();
            assertClosedByServer(s);
        } catch (SocketException reset) {
            // the write above was reset: the server had closed the connection already
        }
        aGoodSaleStillWorks();
    }

    /**
     * The server closed the connection: a read sees the end of the stream (or a reset). Silence (the read timing
     * out with the connection still open) is a failure, and so is any byte of an answer.
     */
    static void assertClosedByServer(Socket s) throws IOException {
        int b;
        try {
            b = s.getInputStream().read();
        } catch (java.net.SocketTimeoutException silence) {
            throw new AssertionError("the connection was left open (read timed out after "
                    + s.getSoTimeout() + " ms) instead of being closed", silence);
        } catch (SocketException reset) {
            return; // connection reset by the server: closed
        }
        assertEquals(-1, b, "closed (end of stream), not answered");
    }

    @Test
    void randomGarbageNeverCrashesTheServer() throws Exception {
        Random rnd = new Random(42);
        for (int i = 0; i < 40; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(250);
                byte[] junk = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(junk);
                write(new DataOutputStream(s.getOutputStream()), junk);
                try {
                    int len = new DataInputStream(s.getInputStream()).readUnsignedShort();
                    assertTrue(len > 0 && len < 8192);
                } catch (IOException noAnswerOrClosed) {
                    // an unreadable MTI gets no answer; fine
                }
            }
        }
        aGoodSaleStillWorks();
    }

    @Test
    void eightConnectionsPipelinedAllAnsweredAndMatched() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                results.add(pool.submit((Callable<Integer>) () -> {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(10_000);
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        Map<String, String> sent = new HashMap<>();
                        for (int i = 0; i < 50; i++) {
                            IsoMessage m = sale();
                            m.set(4, String.format("%012d", 100 + i));
                            sent.put(m.getString(11), m.getString(4));
                            out.writeShort(D.pack(m).length);
                            out.write(D.pack(m));
                        }
                        out.flush();
                        int ok = 0;
                        for (int i = 0; i < 50; i++) {
                            IsoMessage r = read(in);
                            assertEquals(sent.remove(r.getString(11)), r.getString(4), "answer matches its request");
                            if ("00".equals(r.getString(39))) ok++;
                        }
                        assertTrue(sent.isEmpty());
                        return ok;
                    }
                }));
            }
            for (Future<Integer> f : results) assertEquals(50, f.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
