package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.journal.Durability;
import io.switchgate.journal.JournalOptions;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.TransactionStore;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Decides where the engine commits, from the configuration and the store it opened.
 *
 * <ul>
 *   <li>One node on an H2 file ({@code jdbc:h2:file:...} or {@code jdbc:h2:./path}, not {@code sharedByNodes}): the
 *       file journal in {@code journal.dir} is the commit point, with {@code journal.durability}; the H2 tables are
 *       its projection. Without {@code journal.dir}, the journal lives beside the database file, in
 *       {@code <its directory>/journal} ({@code ./data/journal} for the default {@code ./data/gateway}).</li>
 *   <li>One node on PostgreSQL that says so ({@code store.sharedByNodes: false}, in so many words): the file journal
 *       in {@code journal.dir} ({@code ./data/journal} by default) commits, with {@code journal.durability}; the
 *       PostgreSQL tables are its projection, taken for this node alone (see
 *       {@link io.switchgate.store.TransactionStore#claimProjection}).</li>
 *   <li>PostgreSQL otherwise, an H2 store several nodes share, an in-memory database ({@code jdbc:h2:mem:}, {@code memory:}),
 *       or a store handed to {@link Gateway#start} by the embedding program: the database is the journal (group
 *       commit with version checks, which is how several nodes decide against each other); the {@code journal}
 *       settings do not apply. PostgreSQL's own {@code fsync} makes it power-loss safe.</li>
 * </ul>
 */
public record JournalPlacement(JournalOptions options) {

    /** The file journal's placement, or null when the database is the journal. */
    public static JournalPlacement of(GatewayConfig config, TransactionStore store) {
        if (!(store instanceof JdbcTransactionStore)) return null;
        GatewayConfig.Store s = config.store();
        if (s != null && s.sharedByNodes()) return null;
        boolean postgres = s != null && s.postgresProjection();
        Path database = postgres ? null
                : io.switchgate.config.H2Urls.databaseFile(s == null || s.url() == null ? "jdbc:h2:file:./data/gateway" : s.url());
        if (database == null && !postgres) return null;
        GatewayConfig.Journal j = config.journal() == null ? GatewayConfig.Journal.DEFAULT : config.journal();
        Path dir;
        if (j.dir() != null && !j.dir().isBlank()) {
            dir = Path.of(j.dir().trim());
        } else if (postgres) {
            dir = Path.of("data", "journal");
        } else {
            Path parent = database.toAbsolutePath().normalize().getParent();
            dir = parent == null ? Path.of("journal") : parent.resolve("journal");
        }
        Durability durability = switch (j.durability() == null ? "fsync" : j.durability().trim().toLowerCase(Locale.ROOT)) {
            case "fsync" -> Durability.FSYNC;
            case "write" -> Durability.WRITE;
            default -> throw new InvalidConfigException("journal.durability", "'" + j.durability() + "' is not one of fsync | write");
        };
        return new JournalPlacement(JournalOptions.of(dir, durability));
    }

    /**
     * For nodes that share a PostgreSQL store (the database their journal, the {@code journal} section not used): refuses
     * the start if {@code journal.dir}, said in the configuration, holds records the store's tables lack. A black-box
     * audit moved an H2 node to a new PostgreSQL schema in shared mode, its {@code journal.dir} kept: the start said only
     * that the journal was not used, and served from empty tables (its sales' retransmissions approved again, their RRNs
     * handed out again). The records are the answered transactions; the node that owned them (one node on its file
     * journal, H2 or {@code sharedByNodes: false}) must apply them before its store changes mode.
     *
     * @throws io.switchgate.store.StoreException naming the directory and what to do
     */
    static void refuseRecordsTheSharedStoreLacks(GatewayConfig config, TransactionStore store) throws java.io.IOException {
        GatewayConfig.Store s = config.store();
        if (!(store instanceof JdbcTransactionStore) || s == null || s.url() == null || !s.url().startsWith("jdbc:postgresql:")) return;
        GatewayConfig.Journal j = config.journal();
        if (j == null || j.dir() == null || j.dir().isBlank()) return;
        Path dir = Path.of(j.dir().trim());
        if (!java.nio.file.Files.isDirectory(dir)) return;
        long mark = store.projectedSequence();
        String left;
        try (io.switchgate.journal.JournalReader r = io.switchgate.journal.JournalReader.open(dir, mark + 1)) {
            if (!r.next()) return;
            left = "record " + r.sequence() + " and maybe more";
        } catch (io.switchgate.journal.JournalException e) {
            left = "records from sequence " + io.switchgate.journal.JournalReader.firstSequence(dir) + " on";
        }
        throw new io.switchgate.store.StoreException("journal.dir " + dir.toAbsolutePath().normalize() + " holds " + left
                + " that the tables of " + s.url().replaceAll("[?;].*", "") + " lack (they hold records up to " + mark
                + "), and nodes that share a PostgreSQL store do not read a file journal: start the node that wrote it"
                + " on its own store once (one node: H2, or PostgreSQL with store.sharedByNodes: false) so that its"
                + " tables get every record, or, to start afresh, move the directory away and remove journal.dir");
    }
}
