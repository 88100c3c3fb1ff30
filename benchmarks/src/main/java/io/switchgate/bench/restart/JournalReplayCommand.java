package io.switchgate.bench.restart;

import io.switchgate.journal.Durability;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalWriter;
import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.projection.ChangeSetCodec;
import io.switchgate.projection.FileJournal;
import io.switchgate.projection.PayloadWriter;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.JdbcTransactionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code benchmarks.jar journal-replay}: what a restart after a crash adds at most. Journals {@code --records} sale
 * change sets (the row, the card's new balance, the terminal's batch: as the engine commits an approved sale, over
 * 200 terminals and 1,000 cards), then times {@link FileJournal#open} on a store whose tables have none of them: the
 * journal's recovery plus the projection's catch-up, the part of a start that replays what the tables lack. The
 * engine refuses new requests past 200,000 records of lag, so that is the most a crash can leave.
 *
 * <p>Each run opens a fresh copy of {@code --store} (an H2 database file, e.g. one {@code history} filled: the
 * rows then go into a big table) or an empty store.
 */
@Command(name = "journal-replay", mixinStandardHelpOptions = true,
        description = "time FileJournal.open applying N journaled sale change sets to an H2 store")
public final class JournalReplayCommand implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "200000") int records;
    @Option(names = "--runs", defaultValue = "3") int runs;
    @Option(names = "--store", description = "an H2 database file (*.mv.db) to copy for each run (default: an empty store)") Path store;
    @Option(names = "--work", description = "directory for the journal and the copies (default: a new temporary one)") Path work;

    @Override
    public Integer call() throws Exception {
        if (work == null) work = Files.createTempDirectory("journal-replay");
        Path journal = work.resolve("journal");
        long t0 = System.nanoTime();
        writeJournal(journal);
        System.out.printf(Locale.ROOT, "journal-replay: %,d sale change sets journaled in %s (%.1f s)%n", records, journal,
                (System.nanoTime() - t0) / 1e9);
        double[] ms = new double[runs];
        for (int run = 0; run < runs; run++) {
            Path db = work.resolve("run" + run);
            Files.createDirectories(db);
            if (store != null) Files.copy(store, db.resolve("db.mv.db"), StandardCopyOption.REPLACE_EXISTING);
            try (JdbcTransactionStore tables = JdbcTransactionStore.open("jdbc:h2:file:" + db.resolve("db").toAbsolutePath(), "sa", "", 4)) {
                tables.migrate();
                long t = System.nanoTime();
                try (FileJournal fj = FileJournal.open(JournalOptions.of(journal, Durability.FSYNC), tables)) {
                    ms[run] = (System.nanoTime() - t) / 1e6;
                    if (fj.projectedSequence() != records) throw new IllegalStateException("applied up to " + fj.projectedSequence());
                }
            }
            System.out.printf(Locale.ROOT, "journal-replay: run %d: FileJournal.open applied %,d records in %.0f ms (%,.0f records/s)%n",
                    run + 1, records, ms[run], records / (ms[run] / 1000));
            deleteTree(db);
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "journal-replay: median %.0f ms for %,d records (%,.0f records/s), runs %s%n", ms[runs / 2], records,
                records / (ms[runs / 2] / 1000), Arrays.toString(Arrays.stream(ms).mapToLong(Math::round).toArray()));
        return 0;
    }

    /** Approved sales as the engine commits them: one change set each, with the card and batch rows they change. */
    private void writeJournal(Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        Instant now = Instant.now();
        CardAccount[] cards = new CardAccount[1000];
        for (int i = 0; i < cards.length; i++) {
            cards[i] = new CardAccount(String.format(Locale.ROOT, "%032x", 0x5eedL * 1_000_003L + i), "621234******0000", "2812", null,
                    1_000_000_000_000_000L, 0, now, 1);
        }
        BatchState[] batches = new BatchState[200];
        for (int i = 0; i < batches.length; i++) batches[i] = BatchState.open(String.format(Locale.ROOT, "RP%06d", i), 1, now);
        PayloadWriter payload = new PayloadWriter();
        try (JournalWriter w = JournalWriter.open(JournalOptions.of(dir, Durability.WRITE), seq -> { })) {
            long last = 0;
            for (int i = 1; i <= records; i++) {
                int c = random.nextInt(cards.length);
                int b = random.nextInt(batches.length);
                long amount = 100 + random.nextInt(50_000);
                Instant at = now.plusMillis(i);
                cards[c] = cards[c].withBalance(cards[c].balance() - amount, at);
                batches[b] = batches[b].plusSale(amount);
                String stan = String.format(Locale.ROOT, "%06d", i % 999_999 + 1);
                String rrn = String.format(Locale.ROOT, "02%010d", i);
                String de7 = HistoryPlan.de7(at);
                TxnRecord sale = new TxnRecord(rrn, "02", TxnType.SALE, "0200", "000000", batches[b].terminalId(), "MERCHANT0000001",
                        stan, de7, batches[b].terminalId() + "|2|" + stan + '|' + de7,
                        "000000|" + String.format(Locale.ROOT, "%012d", amount) + '|' + cards[c].panHash(), amount, "156",
                        cards[c].panHash(), cards[c].maskedPan(), "00", null, "123456", TxnStatus.APPROVED, 0, null, null, 1,
                        "embedded", null, null, at, at, 1);
                payload.reset();
                ChangeSetCodec.encode(new ChangeSet().txn(sale).card(cards[c]).batch(batches[b]), payload);
                last = w.append(ChangeSetCodec.RECORD_TYPE, payload.array(), 0, payload.length());
            }
            w.awaitDurable(last);
        }
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
