package io.switchgate.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.server.admin.Operations;
import io.switchgate.server.host.HostPostgres;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.txn.Gateway;
import io.switchgate.txn.PanHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The file journal under kill -9, in both durabilities: one H2 store (its tables the journal's projection), a gateway
 * process killed hard {@value #KILLS} times in the middle of pipelined sales and refunds, restarted on the same files
 * each time. Every sale and refund a terminal saw approved, in any run, is there at the end; every sale's refunded
 * amount is exactly the sum of its approved refunds and never more than the sale; the card's balance is the opening
 * balance minus every approved sale plus every approved refund the store holds (answers the kill swallowed included);
 * a second card, debited once in the first run and never after, keeps that debit through every later start (a replay
 * of the start's own writes once took it back: the projection's last batch no longer held that card);
 * a retransmitted approved sale gets its first answer again; and the admin API, started on the same files after the
 * last kill (which, like the others, may have landed between the journal and its projection), shows every one of
 * them. With {@code write} the kill loses nothing the operating system had; with {@code fsync} nothing was answered
 * before its force anyway (a power loss is not simulated here).
 */
class FileJournalKillTest {
    static final long OPENING = 100_000_000;
    static final int KILLS = 20;
    static final int POSTGRES_KILLS = 10;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "journal.durability: {0}")
    @ValueSource(strings = {"write", "fsync"})
    void everyAnsweredTransactionSurvivesTwentyKills(String durability) throws Exception {
        survivesKills("jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath(), durability, null, KILLS);
    }

    /**
     * The same on PostgreSQL taken for one node ({@code sharedByNodes: false}: the file journal commits, the tables
     * are its projection), {@value #POSTGRES_KILLS} kills with {@code write}; each restart also claims the tables the
     * killed node's session held. Skipped without PostgreSQL unless {@code gateway.test.requirePostgres=true}.
     */
    @Test
    void onPostgresForOneNodeEveryAnsweredTransactionSurvivesKills() throws Exception {
        String schema = HostPostgres.createSchema();
        try {
            survivesKills(HostPostgres.url(schema), "write", dir.resolve("journal"), POSTGRES_KILLS);
        } finally {
            HostPostgres.dropSchema(schema);
        }
    }

    /** @param journalDir null: an H2 file store with its journal beside it; else PostgreSQL alone, journal there */
    private void survivesKills(String url, String durability, Path journalDir, int kills) throws Exception {
        try {
            killAndCheck(url, durability, journalDir, kills);
        } catch (AssertionError e) {
            // What each start recovered, for the one failing run in many: the children's logs go with the directory.
            System.out.println("[journal kill, " + durability + "] failed; what the children logged at their starts:\n" + startLines());
            throw e;
        }
    }

    /** The recovery lines of every child's log (journal, journal log, store, projection), run by run. */
    private String startLines() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().matches("port.*\\.log")).sorted().toList()) {
                out.append("-- ").append(log.getFileName()).append('\n');
                for (String line : Files.readAllLines(log)) {
                    if (line.contains("FileJournal") || line.contains("journal log") || line.contains("WARN")
                            || line.contains("ERROR") || line.contains("ProjectionTailer")) {
                        out.append(line.length() > 400 ? line.substring(0, 400) : line).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private void killAndCheck(String url, String durability, Path journalDir, int kills) throws Exception {
        GatewayConfig config = journalDir == null ? TestConfigs.config(url, durability)
                : TestConfigs.configAlone(url, durability, journalDir);
        Map<String, Long> sales = new ConcurrentHashMap<>();          // approved sale RRN -> amount
        Map<String, IsoMessage> saleRequests = new ConcurrentHashMap<>();
        Map<String, long[]> refunds = new ConcurrentHashMap<>();      // approved refund RRN -> {amount}
        Map<String, String> refundOf = new ConcurrentHashMap<>();     // approved refund RRN -> sale RRN
        AtomicInteger stanBase = new AtomicInteger();
        long secondCardDebit = 0;
        for (int run = 1; run <= kills; run++) {
            Path portFile = dir.resolve("port" + run);
            Process child = startChild(url, portFile, durability, journalDir);
            int port = awaitPort(portFile, child);
            if (run == 1) {
                IsoMessage once = CrashDurabilityTest.exchange(port, CrashDurabilityTest.sale(TestConfigs.PAN_NOPIN_2, "999999", 4_321));
                assertEquals("00", once.getString(39), "the second card's one sale");
                secondCardDebit = 4_321;
            }
            int salesBefore = sales.size();
            int refundsBefore = refunds.size();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> lanes = new ArrayList<>();
            // Every run its own STANs (DE 7 is fixed, so a STAN used again would be a retransmission, rightly answered
            // with the first answer): 50,000 per run, 10,000 per lane (a lane sends a few hundred before the kill), and
            // 20 runs stay below the STAN's 1,000,000.
            int base = stanBase.getAndAdd(50_000);
            for (int lane = 0; lane < 3; lane++) {
                int l = lane;
                lanes.add(start(() -> CrashDurabilityTest.sendSales(port, base + l * 10_000, sales, saleRequests, stop)));
            }
            lanes.add(start(() -> sendRefunds(port, base + 40_000, sales, refunds, refundOf, stop)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((sales.size() - salesBefore < 150 || refunds.size() - refundsBefore < 5) && System.nanoTime() < deadline) {
                if (!child.isAlive()) fail("gateway died on its own in run " + run + ": " + log(portFile));
                Thread.sleep(5);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(50)); // land the kill anywhere in the stream
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread t : lanes) t.join(10_000);
            int runSales = sales.size() - salesBefore;
            int runRefunds = refunds.size() - refundsBefore;
            if (runSales < 150 || runRefunds < 5) {
                String log = log(portFile);
                fail("run " + run + " was not running: " + runSales + " sales, " + runRefunds
                        + " refunds approved before the kill; the gateway's log ends with:\n"
                        + log.substring(Math.max(0, log.length() - 6000)));
            }
        }

        // One more start recovers the last run; a retransmission of an approved sale is answered as it was.
        Process again = startChild(url, dir.resolve("port-final"), durability, journalDir);
        try {
            int port = awaitPort(dir.resolve("port-final"), again);
            var any = saleRequests.entrySet().iterator().next();
            IsoMessage r = CrashDurabilityTest.exchange(port, any.getValue());
            assertEquals("00", r.getString(39));
            assertEquals(any.getKey(), r.getString(37), "the first answer, not a second sale");
        } finally {
            again.destroyForcibly();
            again.waitFor(20, TimeUnit.SECONDS);
        }
        assertTrue(Files.isDirectory(dir.resolve("journal")), "the journal lives beside the database file, or where configured");
        assertTheAdminApiShowsEveryOne(config, durability, sales, refunds);

        try (JdbcTransactionStore store = JdbcTransactionStore.open(url, config.store().user(), config.store().password(), 2)) {
            // Stopped cleanly by then (the admin API's gateway), the projection holds every record: nodes may share it.
            if (journalDir != null) store.joinAsJournal();
            for (var e : sales.entrySet()) {
                TxnRecord rec = store.findByRrn(e.getKey()).orElse(null);
                assertNotNull(rec, "approved sale " + e.getKey() + " is in the store");
                assertEquals(e.getValue(), rec.amount());
            }
            for (var e : refunds.entrySet()) {
                TxnRecord rec = store.findByRrn(e.getKey()).orElse(null);
                assertNotNull(rec, "approved refund " + e.getKey() + " is in the store");
                assertEquals(TxnStatus.APPROVED, rec.status());
                assertEquals(refundOf.get(e.getKey()), rec.originalRrn());
            }
            long debited = 0;
            long credited = 0;
            List<TxnRecord> all = new ArrayList<>();
            List<String> scanned = new ArrayList<>();
            store.forEachDupKeySince(java.time.Instant.EPOCH, (k, rrn) -> scanned.add(rrn));
            // Each transaction once: a kill can leave an H2 index with a stale entry beside the row's own (the mirror
            // of the index short of a row that RecoveryRepairs mends), and this scan reads only that index, so it may
            // name an RRN twice (CI, fifteenth session: the card's trail whole, the balance one sale "short").
            java.util.Set<String> keyed = new java.util.LinkedHashSet<>(scanned);
            if (keyed.size() != scanned.size()) {
                System.out.println("[journal kill, " + durability + "] the store's created_at index named "
                        + (scanned.size() - keyed.size()) + " RRN(s) twice (a stale index entry a kill left)");
            }
            for (String rrn : keyed) {
                all.add(store.findByRrn(rrn).orElseThrow(() -> new AssertionError("RRN '" + rrn + "' has a duplicate key but findByRrn finds nothing")));
            }
            String hash = new PanHasher(TestConfigs.MASTER.getBytes(StandardCharsets.US_ASCII)).hash(TestConfigs.PAN_NOPIN);
            String second = new PanHasher(TestConfigs.MASTER.getBytes(StandardCharsets.US_ASCII)).hash(TestConfigs.PAN_NOPIN_2);
            List<String> notTheFirstCard = new ArrayList<>();
            for (TxnRecord t : all) {
                if (!t.approved()) continue;
                if (second.equals(t.panHash())) continue; // the second card's one sale, checked below
                if (!hash.equals(t.panHash())) {
                    notTheFirstCard.add(t.type() + " " + t.rrn() + " " + t.amount() + " pan hash " + (t.panHash() == null ? "none" : "other"));
                }
                if (t.type() == TxnType.SALE) {
                    debited += t.amount();
                    long refunded = 0;
                    for (TxnRecord c : store.findByOriginalRrn(t.rrn())) {
                        if (c.type() == TxnType.REFUND && c.approved()) refunded += c.amount();
                    }
                    assertEquals(refunded, t.refundedAmount(), "sale " + t.rrn() + ": refunded amount = its approved refunds");
                    assertTrue(refunded <= t.amount(), "sale " + t.rrn() + " refunded beyond its amount");
                } else if (t.type() == TxnType.REFUND) {
                    credited += t.amount();
                }
            }
            long balance = store.findCard(hash).orElseThrow().balance();
            // The journal's own trail of the card, record by record: where it went astray, if it did.
            String trail = JournalCardTrail.follow(journalDir == null ? dir.resolve("journal") : journalDir, hash, OPENING);
            System.out.println("[journal kill, " + durability + "] card 1: " + trail);
            assertEquals(OPENING - debited + credited, balance,
                    "the card's balance matches the stored sales and refunds (approved records of neither card: "
                            + notTheFirstCard + "; " + durability + "; " + trail + ")");
            assertEquals(OPENING - secondCardDebit, store.findCard(second).orElseThrow().balance(),
                    "the second card keeps its one debit of the first run through every start after it");
            System.out.printf("[journal kill, %s%s] %d kills: %d sales and %d refunds answered approved, all there%n",
                    durability, journalDir == null ? "" : ", PostgreSQL alone", kills, sales.size(), refunds.size());
        }
    }

    /** GET /api/transactions/{rrn} of every approved sale and refund, on a gateway started in this JVM on the same files. */
    private static void assertTheAdminApiShowsEveryOne(GatewayConfig c, String durability, Map<String, Long> sales,
                                                       Map<String, long[]> refunds) throws Exception {
        String token = "kill-test-admin-token";
        GatewayConfig cfg = new GatewayConfig(c.node(), c.listeners(), new GatewayConfig.Admin("127.0.0.1", 0, token),
                c.store(), c.security(), c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging(),
                c.journal());
        Map<String, Long> expected = new java.util.HashMap<>(sales);
        refunds.forEach((rrn, amount) -> expected.put(rrn, amount[0]));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ObjectMapper json = new ObjectMapper();
        try (Gateway gw = Gateway.start(cfg); TerminalServer server = new TerminalServer(cfg.listeners(), gw).start();
             Operations ops = Operations.start(gw, cfg, server)) {
            int shown = 0;
            for (var e : expected.entrySet()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + ops.adminPort() + "/api/transactions/" + e.getKey()))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), "the admin API shows approved " + e.getKey() + ": " + r.body());
                JsonNode t = json.readTree(r.body());
                assertEquals(e.getKey(), t.path("rrn").asText(), r.body());
                assertEquals(e.getValue().longValue(), t.path("amount").asLong(), r.body());
                shown++;
            }
            System.out.printf("[journal kill, %s] the admin API shows all %d approved transactions%n", durability, shown);
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    /** One refund at a time, of small amounts, against sales approved so far (also those of earlier runs). */
    private static void sendRefunds(int port, int stanBase, Map<String, Long> sales, Map<String, long[]> approved,
                                    Map<String, String> refundOf, AtomicBoolean stop) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000); // a force on a busy shared disk can take seconds: only the kill ends a lane
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            int n = 0;
            while (!stop.get()) {
                List<String> rrns = new ArrayList<>(sales.keySet());
                if (rrns.isEmpty()) {
                    Thread.sleep(2);
                    continue;
                }
                String sale = rrns.get(ThreadLocalRandom.current().nextInt(rrns.size()));
                long amount = 1 + ThreadLocalRandom.current().nextInt(40);
                IsoMessage m = CrashDurabilityTest.sale(String.format("%06d", (stanBase + ++n) % 1_000_000), amount);
                m.set(3, "200000");
                m.set(37, sale);
                write(out, m);
                out.flush();
                IsoMessage r = read(in);
                if ("00".equals(r.getString(39))) {
                    approved.put(r.getString(37), new long[] {amount});
                    refundOf.put(r.getString(37), sale);
                }
            }
        } catch (IOException expectedWhenKilled) {
            // the process died under us
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(DataOutputStream out, IsoMessage m) throws IOException {
        byte[] b = CrashDurabilityTest.D.pack(m);
        out.writeShort(b.length);
        out.write(b);
    }

    private static IsoMessage read(DataInputStream in) throws IOException {
        byte[] resp = new byte[in.readUnsignedShort()];
        in.readFully(resp);
        return CrashDurabilityTest.D.unpack(resp);
    }

    private static Process startChild(String url, Path portFile, String durability, Path journalDir) throws IOException {
        Path log = portFile.resolveSibling(portFile.getFileName() + ".log");
        return journalDir == null ? ChildJvm.start(log, ChildGateway.class, url, portFile.toString(), durability)
                : ChildJvm.start(log, ChildGateway.class, url, portFile.toString(), durability, journalDir.toString());
    }

    private static String log(Path portFile) throws IOException {
        Path log = portFile.resolveSibling(portFile.getFileName() + ".log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private static int awaitPort(Path portFile, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile)) return Integer.parseInt(Files.readString(portFile).trim());
            if (!p.isAlive()) fail("child gateway exited: " + log(portFile));
            Thread.sleep(20);
        }
        throw new AssertionError("child gateway did not start in 60 s");
    }
}
