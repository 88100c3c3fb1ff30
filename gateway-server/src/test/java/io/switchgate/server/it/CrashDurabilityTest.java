package io.switchgate.server.it;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.txn.PanHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills the gateway process hard (destroyForcibly = SIGKILL) in the middle of a stream of pipelined sales,
 * restarts it on the same H2 file, and checks that every sale the terminal saw approved is in the store,
 * that the card balance equals its opening balance minus exactly the approved sales in the store, and that
 * a retransmission of an approved sale after the restart gets the same answer, not a second debit.
 */
class CrashDurabilityTest {
    static final Dialect D = Dialect.named("iso87binary");
    static final long OPENING = 100_000_000;

    @TempDir
    Path dir;

    @Test
    void everyApprovedSaleSurvivesKillMinus9() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath();
        Process child = startChild(url, dir.resolve("port1"));
        int port = awaitPort(dir.resolve("port1"), child);

        Map<String, Long> approved = new ConcurrentHashMap<>();   // rrn -> amount, as the terminal saw
        Map<String, IsoMessage> approvedRequests = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int lane = t;
            Thread th = new Thread(() -> sendSales(port, lane * 100_000, approved, approvedRequests, stop));
            th.start();
            senders.add(th);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (approved.size() < 400 && System.nanoTime() < deadline) Thread.sleep(10);
        child.destroyForcibly();
        child.waitFor(20, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread th : senders) th.join(10_000);
        assertTrue(approved.size() >= 400, "stream was running: " + approved.size() + " approvals before the kill");

        // Restart on the same store: a retransmitted approved sale gets its first answer again.
        Process again = startChild(url, dir.resolve("port2"));
        try {
            int port2 = awaitPort(dir.resolve("port2"), again);
            IsoMessage retransmit = approvedRequests.values().iterator().next();
            IsoMessage r = exchange(port2, retransmit);
            assertEquals("00", r.getString(39));
            assertTrue(approved.containsKey(r.getString(37)), "same RRN as before the crash");
        } finally {
            again.destroyForcibly();
            again.waitFor(20, TimeUnit.SECONDS);
        }

        try (JdbcTransactionStore store = JdbcTransactionStore.open(url, "sa", "", 2)) {
            long approvedInStore = 0;
            for (var e : approved.entrySet()) {
                TxnRecord rec = store.findByRrn(e.getKey()).orElse(null);
                assertNotNull(rec, "approved sale " + e.getKey() + " is in the store");
                assertEquals(TxnStatus.APPROVED, rec.status());
                assertEquals(e.getValue(), rec.amount());
            }
            // The balance is off by nothing: opening balance minus every approved sale the store holds
            // (including ones committed whose answer the kill swallowed).
            List<TxnRecord> all = new ArrayList<>();
            store.forEachDupKeySince(java.time.Instant.EPOCH, (k, rrn) -> all.add(store.findByRrn(rrn).orElseThrow()));
            for (TxnRecord t : all) if (t.type() == TxnType.SALE && t.status() == TxnStatus.APPROVED) approvedInStore += t.amount();
            String hash = new PanHasher(TestConfigs.MASTER.getBytes(StandardCharsets.US_ASCII)).hash(TestConfigs.PAN_NOPIN);
            assertEquals(OPENING - approvedInStore, store.findCard(hash).orElseThrow().balance());
        }
    }

    /** Pipelined sales (4 at a time, STANs from {@code stanBase}) until stopped or the gateway dies; approvals noted. */
    static void sendSales(int port, int stanBase, Map<String, Long> approved, Map<String, IsoMessage> requests, AtomicBoolean stop) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000); // a force on a busy shared disk can take seconds: only the kill ends a lane
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            Map<String, IsoMessage> inFlight = new ConcurrentHashMap<>();
            int n = 0;
            while (!stop.get()) {
                // pipeline 4 at a time
                for (int i = 0; i < 4; i++) {
                    String stan = String.format("%06d", (stanBase + ++n) % 1_000_000);
                    IsoMessage m = sale(stan, 100 + n % 50);
                    inFlight.put(stan, m);
                    byte[] b = D.pack(m);
                    out.writeShort(b.length);
                    out.write(b);
                }
                out.flush();
                for (int i = 0; i < 4; i++) {
                    byte[] resp = new byte[in.readUnsignedShort()];
                    in.readFully(resp);
                    IsoMessage r = D.unpack(resp);
                    IsoMessage req = inFlight.remove(r.getString(11));
                    if ("00".equals(r.getString(39))) {
                        approved.put(r.getString(37), Long.parseLong(r.getString(4)));
                        requests.put(r.getString(37), req);
                    }
                }
            }
        } catch (IOException expectedWhenKilled) {
            // the process died under us: that is the point
        }
    }

    static IsoMessage sale(String stan, long amount) {
        return sale(TestConfigs.PAN_NOPIN, stan, amount);
    }

    static IsoMessage sale(String pan, String stan, long amount) {
        IsoMessage m = new IsoMessage("0200");
        m.set(2, pan);
        m.set(3, "000000");
        m.set(4, String.format("%012d", amount));
        m.set(7, "1125120000");
        m.set(11, stan);
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

    static IsoMessage exchange(int port, IsoMessage m) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] b = D.pack(m);
            out.writeShort(b.length);
            out.write(b);
            out.flush();
            byte[] resp = new byte[in.readUnsignedShort()];
            in.readFully(resp);
            return D.unpack(resp);
        }
    }

    private static Process startChild(String url, Path portFile) throws IOException {
        return ChildJvm.start(portFile.resolveSibling(portFile.getFileName() + ".log"), ChildGateway.class, url, portFile.toString());
    }

    private static int awaitPort(Path portFile, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile)) return Integer.parseInt(Files.readString(portFile).trim());
            if (!p.isAlive()) fail("child gateway exited: " + Files.readString(portFile.resolveSibling(portFile.getFileName() + ".log")));
            Thread.sleep(50);
        }
        throw new AssertionError("child gateway did not start in 60 s");
    }
}
