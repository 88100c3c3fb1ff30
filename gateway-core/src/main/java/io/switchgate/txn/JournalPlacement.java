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
        Durability durability = switch (j.durability() == null ? "fsync" : j.durability().toLowerCase(Locale.ROOT)) {
            case "fsync" -> Durability.FSYNC;
            case "write" -> Durability.WRITE;
            default -> throw new InvalidConfigException("journal.durability", "'" + j.durability() + "' is not one of fsync | write");
        };
        return new JournalPlacement(JournalOptions.of(dir, durability));
    }
}
