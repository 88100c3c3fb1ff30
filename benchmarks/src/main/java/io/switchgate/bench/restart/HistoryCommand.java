package io.switchgate.bench.restart;

import io.switchgate.config.GatewayConfig;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.server.config.ConfigLoader;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.txn.PanHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code benchmarks.jar history --config bench.yaml}: fills the H2 file store the configuration names (made and
 * migrated as the gateway makes it) with a transaction history for its terminals, merchant and cards, so that a
 * gateway started on that configuration serves on it: what the restart figures of docs/benchmarks.md are measured on.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "fill the store of a bench-config configuration with N transactions over the last 180 days")
public final class HistoryCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "a configuration written by bench-config (H2 file store)") Path config;
    @Option(names = "--rows", defaultValue = "10000000") long rows;
    @Option(names = "--days", defaultValue = "180") int days;
    @Option(names = "--last-day-percent", defaultValue = "1", description = "share of the rows in the last 24 hours (the duplicate window)")
    double lastDayPercent;
    @Option(names = "--last-day-rows", description = "rows in the last 24 hours (instead of --last-day-percent)") Long lastDayRows;
    @Option(names = "--batch", defaultValue = "10000", description = "rows per JDBC batch and per database transaction") int batch;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--cache-mb", defaultValue = "512", description = "H2 page cache while generating (the gateway uses its own)") int cacheMb;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg = new ConfigLoader().load(config);
        String url = cfg.store().url();
        if (!url.startsWith("jdbc:h2:file:")) throw new IllegalArgumentException("store.url must be an H2 file store (jdbc:h2:file:...), not " + url);
        long inWindow = lastDayRows != null ? lastDayRows : Math.round(rows * lastDayPercent / 100);
        HistoryShape shape = new HistoryShape(rows, days, inWindow, seed, Instant.now(), ZoneId.systemDefault());

        var security = SoftwareSecurityModule.fromHex(cfg.security().masterKey());
        PanHasher hasher = new PanHasher(cfg.security().masterKey().getBytes(StandardCharsets.US_ASCII));
        List<GatewayConfig.Card> cardList = cfg.authorizer().cards();
        HistoryPlan.Card[] cards = new HistoryPlan.Card[cardList.size()];
        String[] panHashes = new String[cards.length];
        long[] opening = new long[cards.length];
        for (int i = 0; i < cards.length; i++) {
            String pan = cardList.get(i).pan();
            panHashes[i] = hasher.hash(pan);
            cards[i] = new HistoryPlan.Card(panHashes[i], io.switchgate.iso.PanMask.mask(pan));
            opening[i] = cardList.get(i).balance();
        }
        HistoryPlan.Terminal[] terminals = cfg.terminals().stream()
                .map(t -> new HistoryPlan.Terminal(t.id(), t.merchant())).toArray(HistoryPlan.Terminal[]::new);
        HistoryTotals totals = new HistoryTotals(shape, terminals.length, opening);
        HistoryPlan plan = new HistoryPlan(shape, terminals, cards, cfg.node().id(), totals);

        String genUrl = url.toUpperCase(Locale.ROOT).contains(";CACHE_SIZE=") ? url : url + ";CACHE_SIZE=" + cacheMb * 1024;
        try (JdbcTransactionStore store = JdbcTransactionStore.open(genUrl, cfg.store().user(), cfg.store().password(), 2)) {
            store.migrate();
            try (Connection c = store.dataSource().getConnection()) {
                if (count(c) > 0) throw new IllegalStateException("the store already holds transactions: give bench-config a fresh --store-url");
                long t0 = System.nanoTime();
                Progress progress = new Progress(t0);
                try (TxnRowInserter inserter = new TxnRowInserter(c, batch)) {
                    plan.run(t -> {
                        try {
                            inserter.add(t);
                        } catch (SQLException e) {
                            throw new IllegalStateException("insert failed: SQLState " + e.getSQLState() + ": " + e.getMessage(), e);
                        }
                        progress.tick();
                    });
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "history: %,d transaction rows in %.1f s (%,.0f rows/s), %,d in the last 24 h%n",
                        progress.count, s, progress.count / s, inWindow);
            }
            long t1 = System.nanoTime();
            ReferenceRows.write(store, cfg, security, totals, panHashes, shape.start());
            store.reserveSequence("rrn-" + cfg.node().id(), Math.toIntExact(plan.lastRrn()));
            store.makeDurable();
            System.out.printf(Locale.ROOT, "history: terminals, merchant, cards, batches, day totals and the RRN sequence written, checkpointed in %.1f s%n",
                    (System.nanoTime() - t1) / 1e9);
        }
        return 0;
    }

    private static long count(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM transactions")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Prints rows and rows/s every 10 seconds while generating. */
    private static final class Progress {
        private final long t0;
        private long count, lastCount, lastAt;

        Progress(long t0) {
            this.t0 = t0;
            this.lastAt = t0;
        }

        void tick() {
            count++;
            if ((count & 0x3FFF) != 0) return;
            long now = System.nanoTime();
            if (now - lastAt < 10_000_000_000L) return;
            System.out.printf(Locale.ROOT, "history: %,d rows, %,.0f rows/s now, %,.0f rows/s since the start%n", count,
                    (count - lastCount) / ((now - lastAt) / 1e9), count / ((now - t0) / 1e9));
            lastCount = count;
            lastAt = now;
        }
    }
}
