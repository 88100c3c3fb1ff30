package io.switchgate.bench.engine;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.JdbcTransactionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * What one sale costs the journal writer, without the engine or sockets: groups of {@code --group} change sets as
 * the engine makes them for an approved sale (the transaction row, the card's new balance, the terminal's batch:
 * random among 200 terminals and 1,000 cards) applied straight to {@link JdbcTransactionStore#apply} on one thread.
 * Prints microseconds of that thread per sale. The figures of hot spots 8 and 9 in docs/benchmarks.md come from it,
 * e.g. {@code store-apply --group 40} against {@code --url "jdbc:h2:file:/tmp/x/db;WRITE_DELAY=0"}.
 */
@Command(name = "store-apply", mixinStandardHelpOptions = true,
        description = "apply realistic sale change sets straight to the JDBC store and print µs per sale")
public final class StoreApplyCommand implements Callable<Integer> {
    @Option(names = "--url", description = "JDBC URL (default: a fresh H2 file under a temporary directory)") String url;
    @Option(names = "--user", defaultValue = "sa") String user;
    @Option(names = "--group", defaultValue = "40", description = "change sets per apply (per commit)") int group;
    @Option(names = "--sales", defaultValue = "100000", description = "measured sales (after 20 %% as many to warm up)") int sales;
    @Option(names = "--rows", defaultValue = "full", description = "full (sale + card + batch) or txn (the sale row only)") String rows;
    @Option(names = "--projected", description = "apply as the projection tailer does (applyProjected: unconditional,"
            + " the mark moved in the same transaction) instead of the versioned apply") boolean projected;

    @Override
    public Integer call() throws Exception {
        Path tmp = null;
        if (url == null) {
            tmp = Files.createTempDirectory("store-apply");
            url = "jdbc:h2:file:" + tmp.resolve("db").toAbsolutePath();
        }
        boolean full = !"txn".equals(rows);
        try (JdbcTransactionStore db = JdbcTransactionStore.open(url, user, "", 4)) {
            db.migrate();
            int terminals = 200;
            int cardCount = 1000;
            Instant now = Instant.now();
            String run = Long.toString(System.nanoTime() % 1_000_000, 36);
            CardAccount[] cards = new CardAccount[cardCount];
            BatchState[] batches = new BatchState[terminals];
            List<ChangeSet> seed = new ArrayList<>();
            for (int i = 0; i < cardCount; i++) {
                cards[i] = new CardAccount(hash(run, i), "621234******1232", "2812", null, 1_000_000_000_000L, 0, now, 1);
                seed.add(new ChangeSet().card(cards[i]));
            }
            for (int i = 0; i < terminals; i++) {
                batches[i] = BatchState.open(terminal(run, i), 1, now).plusSale(1);
                seed.add(new ChangeSet().batch(batches[i]));
            }
            for (RuntimeException e : db.apply(seed)) if (e != null) throw e;
            long mark = db.projectedSequence();

            Random rnd = new Random(1);
            int[] stans = new int[terminals];
            long n = 0;
            int warm = sales / 5;
            long t0 = 0;
            for (int done = 0; done < warm + sales; done += group) {
                if (done >= warm && t0 == 0) t0 = System.nanoTime();
                List<ChangeSet> g = new ArrayList<>(group);
                for (int i = 0; i < group; i++) {
                    int t = rnd.nextInt(terminals);
                    int c = rnd.nextInt(cardCount);
                    String term = terminal(run, t);
                    String stan = String.format("%06d", ++stans[t] % 999_999 + 1);
                    Instant at = Instant.now();
                    TxnRecord r = new TxnRecord(String.format("9%s%08d", run, n++), "01", TxnType.SALE, "0200", "000000", term,
                            "MERCHANT0000001", stan, "1125120000", term + "|2|" + stan + "|1125120000", "000000|000000000100|" + c,
                            100, "156", hash(run, c), "621234******1232", "00", null, "A1B2C3", TxnStatus.APPROVED, 0,
                            null, null, 1, "embedded", null, null, at, at, 1);
                    ChangeSet cs = new ChangeSet().txn(r);
                    if (full) {
                        cards[c] = cards[c].withBalance(cards[c].balance() - 100, at);
                        batches[t] = batches[t].plusSale(100);
                        cs.card(cards[c]).batch(batches[t]);
                    }
                    g.add(cs);
                }
                if (projected) {
                    if (!db.applyProjected(g, mark, mark + g.size())) throw new IllegalStateException("projection mark moved under the benchmark");
                    mark += g.size();
                } else {
                    for (RuntimeException e : db.apply(g)) if (e != null) throw e;
                }
            }
            double us = (System.nanoTime() - t0) / 1000.0 / sales;
            System.out.printf("store-apply: %s, group %d, rows %s, %s: %.1f µs per sale (%.0f sales/s on one thread)%n",
                    url.replaceAll(";.*", ""), group, full ? "sale+card+batch" : "sale only",
                    projected ? "projected" : "journal log " + (db.hasJournalLog() ? "on" : "off"), us, 1e6 / us);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
        return 0;
    }

    private static String terminal(String run, int i) {
        return String.format("T%s%03d", run, i);
    }

    private static String hash(String run, int card) {
        return "h" + run + "-" + card + "-0123456789abcdef0123456789abcdef0123456789abcdef";
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
