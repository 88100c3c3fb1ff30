package io.switchgate.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.OrphanReversal;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The {@link TransactionStore} on a SQL database through a HikariCP pool: embedded H2 (the default,
 * {@code jdbc:h2:file:./data/gateway}) or PostgreSQL, with the same portable SQL.
 *
 * <p>{@link #apply}: one database transaction for the whole group. It first tries the fast way: every
 * row of every set in JDBC batches (one batch per table and statement kind), all update counts checked.
 * If any row conflicts or fails, it rolls back and redoes the group set by set, each under its own
 * savepoint: a set that conflicts is rolled back to its savepoint and reported, the others commit.
 * Either way the group commits once.
 *
 * <p>Row rule: version 1 inserts (an existing key is a {@link ConcurrentUpdateException}); version
 * n > 1 is {@code UPDATE ... SET ..., version = n WHERE key = ? AND version = n - 1} (no row updated is
 * a {@link ConcurrentUpdateException}). Times are stored as TIMESTAMP WITH TIME ZONE, to the microsecond.
 *
 * <p>Error messages name the table and the key (cards by their masked PAN), and the SQLState, never
 * the values of a row, so no card data can leak into a log through them.
 *
 * <p>Durability on an H2 file ({@code jdbc:h2:file:...} without a {@code WRITE_DELAY} of its own): every committed
 * group is appended to a {@link JournalLog} next to the database file before {@link #apply} returns (so before any
 * of its responses is released), and H2 writes its pages in the background (its default {@code WRITE_DELAY}),
 * instead of re-serializing every page a commit touched on every commit, which cost half the journal writer's time.
 * Each group also records its log sequence number in {@code journal_mark} in the same transaction, so
 * {@link #migrate()} after a crash replays exactly the groups the database file does not have. A checkpoint every
 * {@value #CHECKPOINT_MILLIS} ms empties the log. Writes outside the journal that must survive a crash (a reserved
 * RRN block, a store-and-forward reversal) call {@link #makeDurable()}. With {@code WRITE_DELAY=0} in the URL, H2
 * writes each commit itself and there is no log.
 */
public final class JdbcTransactionStore implements TransactionStore {

    public static final String DEFAULT_URL = "jdbc:h2:file:./data/gateway";
    public static final int DEFAULT_POOL_SIZE = 8;

    private final HikariDataSource dataSource;
    private final boolean postgres;
    private final String safeUrl;

    private final java.util.concurrent.locks.ReentrantLock writeLock;

    /** A checkpoint (H2 writes every page, the log starts empty) at least this often, in milliseconds. */
    static final long CHECKPOINT_MILLIS = 2000;
    /** ... or when the log is this big. */
    private static final long CHECKPOINT_BYTES = 64L << 20;
    /** {@link #CHECKPOINT_BYTES}, smaller in tests. */
    private long checkpointBytes = CHECKPOINT_BYTES;

    /**
     * The write-ahead log of an H2 file store (null otherwise), shared by the stores on its database; guarded by its
     * own {@link JournalLog#lock}, taken after {@link #writeLock} where both are held.
     */
    private final JournalLog journalLog;

    /**
     * How long an H2 write waits for a row lock during the start's recovery ({@link #recovering}): nothing else uses
     * the store then, so a lock timeout can only be a damaged index ({@link H2IndexRepair}), and a batch whose rows
     * meet one fails in a fraction of a second per row rather than LOCK_TIMEOUT (10 s) per row.
     */
    static final long RECOVERY_LOCK_TIMEOUT_MILLIS = 20;
    /** The URL's LOCK_TIMEOUT (ours by default, see {@link #h2Url}), restored after a recovery write. */
    private final long lockTimeoutMillis;
    private volatile boolean recovering;
    /** This boot of the system, for unforced saves ({@link BootId}; another in tests, to play a power loss). */
    private volatile Supplier<Optional<String>> bootId = BootId::current;

    private JdbcTransactionStore(HikariDataSource dataSource, boolean postgres, String safeUrl, JournalLog journalLog) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.safeUrl = safeUrl;
        this.writeLock = postgres ? null : H2WriteLock.of(dataSource.getJdbcUrl()); // see H2WriteLock
        this.journalLog = journalLog;
        this.lockTimeoutMillis = postgres ? 0 : lockTimeoutOf(dataSource.getJdbcUrl());
    }

    /** The LOCK_TIMEOUT an H2 URL sets (h2Url always sets one), else H2's own default of 1 s. */
    static long lockTimeoutOf(String url) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i);LOCK_TIMEOUT=(\\d{1,9})").matcher(url);
        return m.find() ? Long.parseLong(m.group(1)) : 1000;
    }

    /** See {@link TransactionStore#recovering}: on H2, recovery's writes wait {@link #RECOVERY_LOCK_TIMEOUT_MILLIS} for a lock. */
    @Override
    public void recovering(boolean on) {
        recovering = on && !postgres;
    }

    /**
     * Shortens {@code c}'s lock timeout while {@link #recovering}.
     *
     * @return true if it did: the caller then calls {@link #restoreLockTimeout} before the connection goes back to the pool
     */
    private boolean shortenLockTimeout(Connection c) throws SQLException {
        if (!recovering) return false;
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCK_TIMEOUT " + Math.min(RECOVERY_LOCK_TIMEOUT_MILLIS, lockTimeoutMillis));
        }
        return true;
    }

    private void restoreLockTimeout(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCK_TIMEOUT " + lockTimeoutMillis);
        }
    }


    /** Opens a pool of {@link #DEFAULT_POOL_SIZE} connections. Does not migrate: call {@link #migrate()}. */
    public static JdbcTransactionStore open(String url, String user, String password) {
        return open(url, user, password, DEFAULT_POOL_SIZE);
    }

    /**
     * Opens a pool on {@code url} (H2 or PostgreSQL; null means {@link #DEFAULT_URL}). For H2 it adds
     * the settings that make a commit durable and the database safe to share between threads and pools,
     * unless the URL sets them itself (see {@link #h2Url}). Does not migrate: call {@link #migrate()}.
     */
    public static JdbcTransactionStore open(String url, String user, String password, int poolSize) {
        return open(url, user, password, poolSize, io.switchgate.journal.ChannelFactory.FILES);
    }

    /** As {@link #open(String, String, String, int)}, an H2 file's journal log opened through {@code logChannels}. */
    static JdbcTransactionStore open(String url, String user, String password, int poolSize,
                                     io.switchgate.journal.ChannelFactory logChannels) {
        if (url == null || url.isBlank()) url = DEFAULT_URL;
        if (poolSize < 1) throw new IllegalArgumentException("poolSize must be >= 1");
        boolean pg = url.startsWith("jdbc:postgresql:");
        boolean h2 = url.startsWith("jdbc:h2:");
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(h2 ? h2Url(url) : url);
        cfg.setUsername(user);
        cfg.setPassword(password == null ? "" : password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(Math.min(2, poolSize));
        cfg.setConnectionTimeout(10_000);
        cfg.setPoolName("switchgate-store");
        cfg.setAutoCommit(true);
        cfg.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (h2) cfg.setExceptionOverrideClassName(H2ClosedEvicts.class.getName());
        if (pg) {
            if (!url.contains("reWriteBatchedInserts")) cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
            if (!url.contains("ApplicationName")) cfg.addDataSourceProperty("ApplicationName", "switchgate");
        }
        String safe = safeUrl(url);
        if (h2) createDirectoryOwnerOnly(url);
        java.nio.file.Path logPath = h2 ? journalLogPath(url) : null;
        JournalLog log = null;
        try {
            if (logPath != null) log = JournalLog.acquire(logPath, logChannels);
            return new JdbcTransactionStore(new HikariDataSource(cfg), pg, safe, log);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot open the journal log " + logPath + ": " + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            closeQuietly(log);
            String why = rootMessage(e);
            if (h2 && why != null && why.contains("The file is locked")) {
                // H2's own words ("MVStoreException: The file is locked: ... [2.3.232/7]") do not say what to do
                why = "it is in use by another process (another gateway on the same data directory?)";
            }
            throw new StoreException("cannot open store " + safe + ": " + why, e);
        }
    }

    /**
     * Creates the directory of an H2 file store, readable by its owner only, if it does not exist yet: its files hold
     * masked PANs, keyed PAN hashes, encrypted keys and amounts, and H2 makes them world-readable under the usual umask
     * (a newcomer audit). A directory that exists is left as the operator made it; a file system without POSIX
     * permissions gets none here (H2 makes a plain one, or says why it cannot).
     */
    static void createDirectoryOwnerOnly(String url) {
        java.nio.file.Path database = io.switchgate.config.H2Urls.databaseFile(url);
        java.nio.file.Path dir = database == null ? null : database.toAbsolutePath().normalize().getParent();
        if (dir == null || java.nio.file.Files.exists(dir)) return;
        try {
            if (dir.getParent() != null) java.nio.file.Files.createDirectories(dir.getParent());
            java.nio.file.Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException | java.io.IOException e) {
            // H2 makes it, or says why it cannot, when it opens the store
        }
    }

    /**
     * Where an H2 file store keeps its write-ahead log ({@code <database path>.journal}), or null when H2 is to
     * write every commit itself: a memory or remote database, or a URL that sets {@code WRITE_DELAY}.
     */
    static java.nio.file.Path journalLogPath(String url) {
        String prefix = "jdbc:h2:file:";
        if (!url.startsWith(prefix) || url.toUpperCase(Locale.ROOT).contains(";WRITE_DELAY=")) return null;
        int semi = url.indexOf(';');
        String db = semi < 0 ? url.substring(prefix.length()) : url.substring(prefix.length(), semi);
        if (db.startsWith("~")) db = System.getProperty("user.home") + db.substring(1);
        return java.nio.file.Path.of(db + ".journal");
    }

    /** True when H2 writes pages in the background and the {@link JournalLog} makes commits durable. */
    public boolean hasJournalLog() {
        return journalLog != null;
    }

    /**
     * The H2 URL with our defaults added where the URL does not set them:
     * {@code WRITE_DELAY=0} (each commit is written to the file before it returns; H2's default delays
     * writes by up to 500 ms, which a crash would lose), {@code LOCK_TIMEOUT=10000} (wait for a row
     * another transaction holds instead of failing after 1 s), {@code DB_CLOSE_ON_EXIT=FALSE} (the
     * gateway closes the store itself after draining, not a JVM shutdown hook before that) and, for
     * {@code jdbc:h2:mem:}, {@code DB_CLOSE_DELAY=-1} (the database lives as long as the JVM, not as long
     * as its last pooled connection).
     */
    static String h2Url(String url) {
        String upper = url.toUpperCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(url);
        boolean mem = upper.startsWith("JDBC:H2:MEM:");
        // A file database of this process gets the journal log and keeps H2's default (background writes);
        // anything else that is not memory writes each commit.
        if (!mem && journalLogPath(url) == null && !upper.contains(";WRITE_DELAY=")) sb.append(";WRITE_DELAY=0");
        // A bigger page cache (KB) keeps the journal's index pages in memory between group commits.
        if (!upper.contains(";CACHE_SIZE=")) sb.append(";CACHE_SIZE=65536");
        if (!upper.contains(";LOCK_TIMEOUT=")) sb.append(";LOCK_TIMEOUT=10000");
        if (!mem && !upper.contains(";DB_CLOSE_ON_EXIT=")) sb.append(";DB_CLOSE_ON_EXIT=FALSE");
        if (mem && !upper.contains(";DB_CLOSE_DELAY=")) sb.append(";DB_CLOSE_DELAY=-1");
        return sb.toString();
    }

    private static String safeUrl(String url) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        int semi = base.startsWith("jdbc:h2:") ? base.indexOf(';') : -1;
        return semi < 0 ? base : base.substring(0, semi);
    }

    public boolean isPostgres() {
        return postgres;
    }

    /**
     * The pool. Public for components that keep their own tables in the same database through the same pool
     * (the store-and-forward queue, {@code io.switchgate.saf.JdbcSafQueue}); nothing may write the store's own
     * tables through it.
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /** H2 (a file or memory database of this process), or PostgreSQL this node claimed for its file journal. */
    @Override
    public boolean exclusive() {
        return !postgres || projectionClaim != null;
    }

    /** PostgreSQL: the advisory lock this store holds on its tables ({@link PgTablesClaim}), or null. */
    private volatile PgTablesClaim projectionClaim;
    private volatile PgTablesClaim sharedClaim;

    /** Set by {@link #claimProjection}: this store marked its tables as its file journal's projection. */
    private volatile boolean projectionOwned;

    @Override
    public void claimProjection(String owner) {
        if (projectionOwned) return;
        if (postgres) {
            try {
                projectionClaim = PgTablesClaim.take(connectForListening(), true, safeUrl);
            } catch (SQLException e) {
                throw new StoreException("cannot claim the tables of " + safeUrl + ": SQLState " + e.getSQLState(), e);
            }
        }
        // An H2 file too: another process cannot open it, but another store in this JVM can, and one that made these
        // tables its journal (sharedByNodes) decided beside this node, whose projection then wrote its card rows over
        // the other's debits (an embedding audit). The mark makes that start refuse them (joinAsJournal); and a second
        // node with a journal of its own (another journal.dir) is refused here: it started whenever the tables held
        // no projected record yet, and the two decided on one set of tables (a re-audit). On PostgreSQL the claim's
        // lock keeps a second node out while the first runs; the mark keeps it out after the first crashed, before its
        // journal's records reached the tables (an audit: a node with another journal.dir took the schema over, and the
        // crashed node's approvals were gone). Checked before the mark is written: a refused start leaves it as it was.
        String held = journalOwner();
        if (held != null && !held.equals(owner)) {
            PgTablesClaim claim = projectionClaim;
            projectionClaim = null;
            if (claim != null) claim.close(); // refused: hold nothing the owner will need to start again
            throw new StoreException("store " + safeUrl + " holds the projection of " + held + ", which is running or"
                    + " stopped before its tables had every record it journaled: stop it, or start it again as it was"
                    + " (same node id and journal.dir) and stop it cleanly, before another node uses these tables");
        }
        setJournalOwner(owner);
        projectionOwned = true;
    }

    @Override
    public void releaseProjection() {
        if (!projectionOwned) return;
        setJournalOwner(null);
    }

    @Override
    public void joinAsJournal() {
        if (postgres && sharedClaim == null) {
            try {
                sharedClaim = PgTablesClaim.take(connectForListening(), false, safeUrl);
            } catch (SQLException e) {
                throw new StoreException("cannot claim the tables of " + safeUrl + ": SQLState " + e.getSQLState(), e);
            }
        }
        String owner = journalOwner();
        if (owner != null) {
            PgTablesClaim claim = sharedClaim;
            sharedClaim = null;
            if (claim != null) claim.close(); // refused: hold nothing the node alone will need to start again
            throw new StoreException("store " + safeUrl + " holds the projection of " + owner + ", which is running or"
                    + " stopped before its tables had every record it journaled: stop it, or start it again (store.sharedByNodes:"
                    + " false) and stop it cleanly, before nodes share this store");
        }
    }

    private String journalOwner() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT journal_owner FROM projection_mark WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new StoreException("cannot read projection_mark on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    private void setJournalOwner(String owner) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE projection_mark SET journal_owner = ? WHERE id = 1")) {
            ps.setString(1, owner);
            if (ps.executeUpdate() != 1) throw new StoreException("projection_mark has no row: run migrate()");
        } catch (SQLException e) {
            throw new StoreException("cannot write projection_mark on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    @Override
    public void migrate() {
        new SchemaMigrator(dataSource, postgres).migrate();
        if (journalLog != null) {
            writeLock.lock();
            // Not with the short lock wait of recovering(): several stores of this process may share this database
            // (nodes on one H2 file), so another may hold a row lock for a moment; a damaged index costs LOCK_TIMEOUT.
            try {
                RecoveryRepairs.run(this, () -> { // the log is applied again after a repair: it is idempotent
                    recover();
                    return null;
                });
            } finally {
                writeLock.unlock();
            }
        }
    }

    /**
     * Brings the database file up to its journal log, then checkpoints and empties the log. The log holds every group
     * committed since the last checkpoint, in commit order, each as complete rows; the file holds the groups up to its
     * {@code journal_mark}, but H2 writes its pages in the background and a kill can catch it mid-commit (seen: a
     * group's rows in the file without its move of the mark), so the file may also hold part of the group after its
     * mark, or lack part of the one at it. So every group of the log is applied again, in order, by overwriting rows
     * by key and inserting the status events the file lacks ({@link JdbcProjectionWriter}, idempotent): the file ends
     * exactly as the live store was. A log that does not start right after the mark means the file
     * lacks groups the log no longer has: the store refuses to start rather than lose or invent money.
     */
    private void recover() {
        journalLog.lock.lock();
        try {
            long mark = readJournalMark();
            List<JournalLog.Entry> entries = journalLog.readAll();
            for (JournalLog.Entry e : entries) {
                if (e.seq() <= mark) continue;
                if (e.seq() != mark + 1) {
                    throw new StoreException("journal log " + journalLog.path() + ": the database file holds groups up to "
                            + mark + " but the log goes on from " + e.seq() + ": groups " + (mark + 1) + ".." + (e.seq() - 1)
                            + " are in neither (the file lacks what a checkpoint had written before the log was emptied)");
                }
                break;
            }
            long last = mark;
            int replayed = 0;
            for (JournalLog.Entry e : entries) {
                if (e.rows() != null) {
                    insertLoggedInTransaction(e.rows(), Math.max(e.seq(), mark));
                } else if (e.floor() != null) {
                    // The mark moves with the block, as it did when the block was reserved: the checkpoint below then
                    // writes it, and a group appended after this start follows it without a gap.
                    raiseSequence(e.floor(), Math.max(e.seq(), mark));
                } else {
                    overwriteInTransaction(e.sets(), Math.max(e.seq(), mark));
                }
                if (e.seq() > mark) replayed++;
                last = Math.max(last, e.seq());
            }
            journalLog.seq = last;
            if (!entries.isEmpty()) {
                org.slf4j.LoggerFactory.getLogger(JdbcTransactionStore.class).info(
                        "journal log: applied its {} group(s) again, {} of them past the database file's mark (up to {})",
                        entries.size(), replayed, last);
            }
            checkpoint();
        } catch (java.io.IOException e) {
            throw new StoreException("cannot read the journal log " + journalLog.path() + ": " + e.getMessage());
        } catch (SQLException e) {
            throw new StoreException("journal log " + journalLog.path() + ": replay failed on " + safeUrl + ": SQLState "
                    + e.getSQLState() + " (" + e.getClass().getSimpleName() + ")", e);
        } finally {
            journalLog.lock.unlock();
        }
    }

    /**
     * Rows overwritten by key and missing events inserted ({@link JdbcProjectionWriter}), in one transaction; with
     * {@code seq >= 0} that transaction also moves {@code journal_mark} to it.
     */
    private void overwriteInTransaction(List<ChangeSet> sets, long seq) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean shortened = shortenLockTimeout(c);
            try {
                c.setAutoCommit(false);
                try {
                    JdbcProjectionWriter.write(c, sets, true);
                    if (seq >= 0) moveJournalMark(c, seq);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } finally {
                if (shortened) restoreLockTimeout(c);
            }
        }
    }

    private static void moveJournalMark(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE journal_mark SET seq = ? WHERE id = 1")) {
            ps.setLong(1, seq);
            if (ps.executeUpdate() != 1) throw new StoreException("journal_mark has no row: run migrate()");
        }
    }

    /**
     * Inserts {@code rows} where their key is not there yet and, with the journal log, makes them durable as a group
     * is: committed with a move of {@code journal_mark}, appended to the log and forced (one fdatasync), instead of a
     * checkpoint that writes every page of the file (the store-and-forward queue's reversals, held before each host
     * request: a checkpoint each cost about a millisecond at the median and a quarter of the host path's rate).
     * Without a journal log (PostgreSQL, an H2 file that writes every commit) one committed transaction.
     */
    public void insertDurably(LoggedRows rows) {
        if (journalLog == null) {
            try {
                insertLoggedInTransaction(rows, -1);
            } catch (SQLException e) {
                throw new StoreException("cannot insert into " + rows.table() + " on " + safeUrl + ": SQLState " + e.getSQLState(), e);
            }
            return;
        }
        if (journalLog.seq < 0) recoverUnderWriteLock(); // a store used without migrate(): never write on top of an unreplayed log
        boolean full;
        // The log's lock alone: these rows are no projected table's, so they need not wait for the projection's batch.
        journalLog.lock.lock();
        try {
            long seq = journalLog.seq + 1;
            try {
                insertLoggedInTransaction(rows, seq);
            } catch (SQLException e) {
                throw new StoreException("cannot insert into " + rows.table() + " on " + safeUrl + ": SQLState " + e.getSQLState(), e);
            }
            journalLog.seq = seq;
            try {
                journalLog.append(seq, rows);
                journalLog.force();
            } catch (java.io.IOException e) {
                org.slf4j.LoggerFactory.getLogger(JdbcTransactionStore.class).error(
                        "journal log {}: append failed ({}); checkpointing instead", journalLog.path(), e.getClass().getSimpleName());
                checkpoint();
            }
            full = journalLog.size() > checkpointBytes;
        } finally {
            journalLog.lock.unlock();
        }
        // With the file journal nothing else checkpoints: without this the log would grow with every held reversal,
        // and every start would replay all of them.
        if (full) makeDurable();
    }

    /** Tests: a smaller log before a checkpoint. */
    void checkpointBytes(long bytes) {
        checkpointBytes = bytes;
    }

    private void recoverUnderWriteLock() {
        writeLock.lock();
        try {
            if (journalLog.seq < 0) recover();
        } finally {
            writeLock.unlock();
        }
    }

    /** The rows where their key (first column) is not there, in one transaction; with {@code seq >= 0} the mark moves too. */
    private void insertLoggedInTransaction(LoggedRows rows, long seq) throws SQLException {
        String sql = LOGGED_INSERTS.computeIfAbsent(rows.table() + " " + rows.columns(), k -> insertIfAbsent(rows));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (Object[] r : rows.rows()) {
                        for (int i = 0; i < r.length; i++) bindLogged(ps, i + 1, r[i]);
                        bindLogged(ps, r.length + 1, r[0]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                if (seq >= 0) moveJournalMark(c, seq);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    /** The insert-if-absent statement of each table and column list logged so far (one or two in practice). */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> LOGGED_INSERTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String insertIfAbsent(LoggedRows rows) {
        return "INSERT INTO " + rows.table() + " (" + String.join(", ", rows.columns()) + ") SELECT " + String.join(", ",
                java.util.Collections.nCopies(rows.columns().size(), "?")) + " WHERE NOT EXISTS (SELECT 1 FROM "
                + rows.table() + " WHERE " + rows.columns().get(0) + " = ?)";
    }

    private static void bindLogged(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v instanceof Instant t) {
            ps.setObject(i, java.time.OffsetDateTime.ofInstant(t, java.time.ZoneOffset.UTC), java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else if (v == null) {
            ps.setNull(i, java.sql.Types.VARCHAR);
        } else {
            ps.setObject(i, v);
        }
    }

    /**
     * Replays a reserved block: the sequence goes up to its end if it is below (a no-op if the file has it), and
     * {@code journal_mark} to {@code seq} in the same transaction. Without the mark a start that replayed a block the
     * file lacked checkpointed the old mark, and the next group after it looked like a gap after a crash (seen once
     * in a kill test: "groups 15..15 are in neither").
     */
    private void raiseSequence(JournalLog.SequenceFloor f, long seq) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                raiseSequence(c, f);
                moveJournalMark(c, seq);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("journal log: cannot replay sequence " + f.name() + ": SQLState " + e.getSQLState(), e);
        }
    }

    private static void raiseSequence(Connection c, JournalLog.SequenceFloor f) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE sequences SET next_value = ? WHERE name = ? AND next_value < ?")) {
            ps.setLong(1, f.nextValue());
            ps.setString(2, f.name());
            ps.setLong(3, f.nextValue());
            n = ps.executeUpdate();
        }
        if (n == 0) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sequences (name, next_value) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sequences WHERE name = ?)")) {
                ps.setString(1, f.name());
                ps.setLong(2, f.nextValue());
                ps.setString(3, f.name());
                ps.executeUpdate();
            }
        }
    }

    private long readJournalMark() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq FROM journal_mark WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StoreException("cannot read journal_mark on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    /**
     * H2 writes every page now; then the log can start empty. Under the log's lock; callers that write projected rows
     * hold {@link #writeLock} too (taken first). Only the checkpoint
     * can fail the caller: a log that cannot be emptied holds groups the file now has, which a replay skips.
     */
    private void checkpoint() {
        journalLog.lock.lock();
        try {
            checkpointLocked();
        } finally {
            journalLog.lock.unlock();
        }
    }

    /** Under the log's lock: a commit between the checkpoint and the log's reset would be in neither. */
    private void checkpointLocked() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
            // Then forced, before the log they make redundant is emptied, so what a checkpoint covers (a stored
            // reversal through makeDurable) survives a power loss too: one fdatasync per checkpoint (every 2 s at most
            // under load). Not CHECKPOINT SYNC alone: in H2 that only syncs the file, it does not write the pages.
            st.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new StoreException("checkpoint failed on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
        journalLog.lastCheckpointNanos = System.nanoTime();
        try {
            journalLog.reset();
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(JdbcTransactionStore.class).error(
                    "cannot empty the journal log {} ({}); what it holds is in the database file", journalLog.path(),
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Before the projection writes rows: a journal log that holds rows (the seeder's, written at the start) is
     * checkpointed and emptied first. A replay after a crash rewrites every row of the log whatever the file holds, so
     * a seeded card the projection debited later would otherwise go back to its opening balance (and only the rows of
     * the projection's last batch are written again after it). Caller holds {@link #writeLock}; a checkpoint that
     * fails fails the projected write, which the tailer retries.
     */
    private void checkpointLoggedRows() {
        if (journalLog != null && journalLog.holdsRows()) checkpoint();
    }

    /**
     * Makes every write committed so far survive a crash: for an H2 file store with a journal log, a checkpoint
     * (for writes that do not go through {@link #apply}: a reserved sequence block, a store-and-forward reversal);
     * otherwise nothing, every commit already is.
     */
    public void makeDurable() {
        if (journalLog == null) return;
        writeLock.lock();
        try {
            checkpoint();
        } finally {
            writeLock.unlock();
        }
    }

    // ====================================================================== writes

    /** The versioned tables in the order a change set's rows are written (the projection writes in the same order). */
    static final JdbcTable<?>[] TABLES = {JdbcTable.TRANSACTIONS, JdbcTable.CARDS, JdbcTable.TERMINALS,
            JdbcTable.MERCHANTS, JdbcTable.BATCHES, JdbcTable.DAY_TOTALS};

    @SuppressWarnings("unchecked")
    static List<Object> rows(ChangeSet s, int table) {
        return (List<Object>) (List<?>) switch (table) {
            case 0 -> s.txns;
            case 1 -> s.cards;
            case 2 -> s.terminals;
            case 3 -> s.merchants;
            case 4 -> s.batches;
            default -> s.dayTotals;
        };
    }

    @Override
    public List<RuntimeException> apply(List<ChangeSet> group) {
        if (writeLock == null) return applyUnlocked(group);
        writeLock.lock();
        try {
            return applyUnlocked(group);
        } finally {
            writeLock.unlock();
        }
    }

    private List<RuntimeException> applyUnlocked(List<ChangeSet> group) {
        if (journalLog == null) return applyInTransaction(group, -1);
        journalLog.lock.lock();
        try {
            return applyLogged(group);
        } finally {
            journalLog.lock.unlock();
        }
    }

    /** A group committed with a move of {@code journal_mark}, then appended to the log; caller holds both locks. */
    private List<RuntimeException> applyLogged(List<ChangeSet> group) {
        if (journalLog.seq < 0) recover(); // a store used without migrate(): never write on top of an unreplayed log
        long seq = journalLog.seq + 1;
        List<RuntimeException> result = applyInTransaction(group, seq);
        journalLog.seq = seq;
        List<ChangeSet> committed = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) if (result.get(i) == null && !group.get(i).isEmpty()) committed.add(group.get(i));
        if (committed.isEmpty()) return result;
        try {
            journalLog.append(seq, committed);
        } catch (java.io.IOException e) {
            // Committed in H2's memory but not in the log: have H2 write it now, or fail the whole group.
            org.slf4j.LoggerFactory.getLogger(JdbcTransactionStore.class).error(
                    "journal log {}: append failed ({}); checkpointing instead", journalLog.path(), e.getClass().getSimpleName());
            checkpoint();
            return result;
        }
        if (System.nanoTime() - journalLog.lastCheckpointNanos > CHECKPOINT_MILLIS * 1_000_000L || journalLog.size() > checkpointBytes) {
            try {
                checkpoint();
            } catch (StoreException e) {
                // The group is committed and in the log: its answers stand. The log keeps growing until a checkpoint
                // succeeds (the next try is 2 s later), and a restart replays it.
                journalLog.lastCheckpointNanos = System.nanoTime();
                org.slf4j.LoggerFactory.getLogger(JdbcTransactionStore.class).error("{}; the journal log keeps the groups", e.getMessage());
            }
        }
        return result;
    }

    /** The group in one database transaction; with {@code seq >= 0} it also records that sequence number in {@code journal_mark}. */
    private List<RuntimeException> applyInTransaction(List<ChangeSet> group, long seq) {
        int n = group.size();
        RuntimeException[] result = new RuntimeException[n];
        if (n == 0) return List.of();
        // rows that cannot be right whatever the database holds
        boolean any = false;
        java.util.Set<Long> failedLineages = new java.util.HashSet<>(0);
        for (int i = 0; i < n; i++) {
            result[i] = validate(group.get(i));
            if (result[i] == null && group.get(i).restsOnFailed(failedLineages)) result[i] = ChangeSets.restsOnFailed();
            if (result[i] != null && group.get(i).lineage != 0) failedLineages.add(group.get(i).lineage);
            if (result[i] == null && !group.get(i).isEmpty()) any = true;
        }
        if (!any) return Arrays.asList(result);

        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                checkClaims(c, group, result);
                boolean fast = applyBatched(c, group, result);
                if (!fast) {
                    c.rollback(); // (the claims' locks with it: taken again)
                    checkClaims(c, group, result);
                    applySetBySet(c, group, result);
                }
                if (postgres && changesStatus(group, result)) notifyStatusChange(c);
                if (seq >= 0) moveJournalMark(c, seq);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("journal commit failed on " + safeUrl + ": SQLState " + e.getSQLState()
                    + " (" + e.getClass().getSimpleName() + ")", e);
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreException("journal commit failed on " + safeUrl + ": " + e.getClass().getSimpleName(), e);
        }
        return Arrays.asList(result);
    }

    /**
     * Several nodes decide on this store ({@link #claimDecisionsAcrossNodes}): sets whose new records another node's
     * commit contradicts are rejected ({@link DecisionClaims}), and with them the later sets of their lineage.
     */
    private void checkClaims(Connection c, List<ChangeSet> group, RuntimeException[] result) throws SQLException {
        if (!decidesAcrossNodes) return;
        DecisionClaims.check(c, postgres, group, result);
        java.util.Set<Long> failedLineages = new java.util.HashSet<>(0);
        for (int i = 0; i < group.size(); i++) {
            if (result[i] == null && group.get(i).restsOnFailed(failedLineages)) result[i] = ChangeSets.restsOnFailed();
            if (result[i] != null && group.get(i).lineage != 0) failedLineages.add(group.get(i).lineage);
        }
    }

    /** Set once several nodes decide on this store: see {@link DecisionClaims}. */
    private volatile boolean decidesAcrossNodes;

    @Override
    public void claimDecisionsAcrossNodes() {
        decidesAcrossNodes = true;
    }

    /** True if a set that goes into the commit ({@code result[i]} null) writes terminal or merchant rows. */
    static boolean changesStatus(List<ChangeSet> group, RuntimeException[] result) {
        for (int i = 0; i < group.size(); i++) {
            ChangeSet s = group.get(i);
            if (result[i] == null && (!s.terminals.isEmpty() || !s.merchants.isEmpty())) return true;
        }
        return false;
    }

    /**
     * One notification on {@value PgStatusListener#CHANNEL} for the group, in its transaction: PostgreSQL delivers
     * it to every node's {@link PgStatusListener} when (and only if) the transaction commits. The payload is the
     * schema, so that stores in other schemas of the same database ignore it.
     */
    private static void notifyStatusChange(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, coalesce(current_schema(), ''))")) {
            ps.setString(1, PgStatusListener.CHANNEL);
            ps.executeQuery().close();
        }
    }

    private static RuntimeException validate(ChangeSet s) {
        for (int t = 0; t < TABLES.length; t++) {
            for (Object r : rows(s, t)) {
                if (r == null) return new StoreException(TABLES[t].name + ": null row");
                @SuppressWarnings("unchecked") JdbcTable<Object> table = (JdbcTable<Object>) TABLES[t];
                if (table.version(r) < 1) return new StoreException(table.describe(r) + ": version " + table.version(r) + " is not >= 1");
            }
        }
        for (StatusEvent e : s.events) {
            if (e == null || e.subjectKind() == null || e.subjectId() == null || e.at() == null) {
                return new StoreException("status_events: subject kind, id and time are required");
            }
        }
        return null;
    }

    /**
     * Every row of every (valid) set in batches. True if all of it went in as asked; false if anything
     * conflicted or failed (the caller rolls back and goes set by set).
     */
    @SuppressWarnings("unchecked")
    private boolean applyBatched(Connection c, List<ChangeSet> group, RuntimeException[] rejected) {
        try {
            for (int t = 0; t < TABLES.length; t++) {
                JdbcTable<Object> table = (JdbcTable<Object>) TABLES[t];
                List<Object> inserts = null;
                List<Object> updates = null;
                for (int i = 0; i < group.size(); i++) {
                    if (rejected[i] != null) continue;
                    for (Object r : rows(group.get(i), t)) {
                        if (table.version(r) == 1) {
                            if (inserts == null) inserts = new ArrayList<>();
                            inserts.add(r);
                        } else {
                            if (updates == null) updates = new ArrayList<>();
                            updates.add(r);
                        }
                    }
                }
                if (inserts != null) {
                    try (PreparedStatement ps = c.prepareStatement(table.insertSql)) {
                        for (Object r : inserts) {
                            table.bindInsert(ps, r);
                            ps.addBatch();
                        }
                        int[] counts = ps.executeBatch();
                        for (int k : counts) if (k == 0) return false;
                    }
                }
                if (updates != null) {
                    try (PreparedStatement ps = c.prepareStatement(table.updateSql)) {
                        for (Object r : updates) {
                            table.bindUpdate(ps, r);
                            ps.addBatch();
                        }
                        int[] counts = ps.executeBatch();
                        if (counts.length != updates.size()) return false;
                        for (int k : counts) if (k != 1) return false;
                    }
                }
            }
            boolean anyEvent = false;
            for (int i = 0; i < group.size() && !anyEvent; i++) anyEvent = rejected[i] == null && !group.get(i).events.isEmpty();
            if (anyEvent) {
                try (PreparedStatement ps = c.prepareStatement(JdbcTable.EVENT_INSERT)) {
                    for (int i = 0; i < group.size(); i++) {
                        if (rejected[i] != null) continue;
                        for (StatusEvent e : group.get(i).events) {
                            JdbcTable.bindEvent(ps, e);
                            ps.addBatch();
                        }
                    }
                    ps.executeBatch();
                }
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Each set under its own savepoint: a set that fails is rolled back to it and reported. */
    @SuppressWarnings("unchecked")
    private void applySetBySet(Connection c, List<ChangeSet> group, RuntimeException[] result) throws SQLException {
        PreparedStatement[] inserts = new PreparedStatement[TABLES.length];
        PreparedStatement[] updates = new PreparedStatement[TABLES.length];
        PreparedStatement events = null;
        java.util.Set<Long> failedLineages = new java.util.HashSet<>();
        try {
            for (int i = 0; i < group.size(); i++) {
                ChangeSet s = group.get(i);
                if (result[i] == null && s.restsOnFailed(failedLineages)) result[i] = ChangeSets.restsOnFailed();
                if (result[i] != null) {
                    if (s.lineage != 0) failedLineages.add(s.lineage);
                    continue;
                }
                if (s.isEmpty()) continue;
                Savepoint sp = c.setSavepoint();
                Object current = null;
                JdbcTable<Object> currentTable = null;
                try {
                    for (int t = 0; t < TABLES.length; t++) {
                        JdbcTable<Object> table = (JdbcTable<Object>) TABLES[t];
                        currentTable = table;
                        for (Object r : rows(s, t)) {
                            current = r;
                            if (table.version(r) == 1) {
                                if (inserts[t] == null) inserts[t] = c.prepareStatement(table.insertSql);
                                table.bindInsert(inserts[t], r);
                                if (inserts[t].executeUpdate() != 1) {
                                    throw new ConcurrentUpdateException(table.describe(r) + ": not inserted");
                                }
                            } else {
                                if (updates[t] == null) updates[t] = c.prepareStatement(table.updateSql);
                                table.bindUpdate(updates[t], r);
                                if (updates[t].executeUpdate() != 1) {
                                    throw new ConcurrentUpdateException(table.describe(r) + ": expected version "
                                            + (table.version(r) - 1) + ", changed or missing");
                                }
                            }
                        }
                    }
                    currentTable = null;
                    for (StatusEvent e : s.events) {
                        if (events == null) events = c.prepareStatement(JdbcTable.EVENT_INSERT);
                        JdbcTable.bindEvent(events, e);
                        events.executeUpdate();
                    }
                    c.releaseSavepoint(sp);
                } catch (ConcurrentUpdateException e) {
                    c.rollback(sp);
                    result[i] = e;
                } catch (SQLException e) {
                    c.rollback(sp); // if this throws, the connection is gone: the whole group fails
                    result[i] = classify(e, currentTable == null ? "status_events"
                            : current == null ? currentTable.name : currentTable.describe(current));
                }
                if (result[i] != null && s.lineage != 0) failedLineages.add(s.lineage);
            }
        } finally {
            for (PreparedStatement ps : inserts) closeQuietly(ps);
            for (PreparedStatement ps : updates) closeQuietly(ps);
            closeQuietly(events);
        }
    }

    /** A row-level failure as the exception its set is rejected with. Never the driver's message (it may quote values). */
    static StoreException classify(SQLException e, String what) {
        SQLException first = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String state = first.getSQLState() == null ? "" : first.getSQLState();
        int code = first.getErrorCode();
        if (state.equals("23505")) return new ConcurrentUpdateException(what + ": already exists");
        if (state.equals("40001") || state.equals("40P01") || state.equals("HYT00") || code == 90131 || code == 50200) {
            return new ConcurrentUpdateException(what + ": concurrent update (SQLState " + state + ")");
        }
        return new StoreException(what + ": rejected by the database, SQLState " + state + " code " + code);
    }

    // ====================================================================== projection (issue 14)

    /**
     * See {@link TransactionStore#applyProjected} and {@link JdbcProjectionWriter}. One transaction: the mark's
     * compare-and-set, then the rows. On an H2 file this bypasses the journal log on purpose: the file journal is the
     * source, so a crash that loses the last projected commits (H2 writes its pages in the background) loses their
     * mark with them, and the tailer applies them again.
     */
    @Override
    public boolean applyProjected(List<ChangeSet> sets, long afterSeq, long lastSeq) {
        if (lastSeq <= afterSeq || afterSeq < 0) {
            throw new IllegalArgumentException("a projected batch covers sequences after " + afterSeq + " up to " + lastSeq
                    + ": the last must be greater than the first");
        }
        if (writeLock != null) writeLock.lock();
        try (Connection c = dataSource.getConnection()) {
            checkpointLoggedRows();
            boolean shortened = shortenLockTimeout(c);
            try {
                c.setAutoCommit(false);
                try {
                    if (!JdbcProjectionWriter.moveMark(c, afterSeq, lastSeq)) {
                        c.rollback();
                        return false;
                    }
                    JdbcProjectionWriter.write(c, sets);
                    c.commit();
                    return true;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } finally {
                if (shortened) restoreLockTimeout(c);
            }
        } catch (SQLException e) {
            throw new StoreException("projection of journal records " + (afterSeq + 1) + ".." + lastSeq + " failed on "
                    + safeUrl + ": SQLState " + e.getSQLState() + " (" + e.getClass().getSimpleName() + ")" + underlying(e), e);
        } finally {
            if (writeLock != null) writeLock.unlock();
        }
    }

    /**
     * What a batch's failure hides: JDBC chains each failed statement's own exception as the "next" one, which a stack
     * trace does not print. H2 reports a row it cannot find in an index (error 90112, a damaged file) as a lock timeout
     * after retrying for LOCK_TIMEOUT, so the code underneath tells a damaged file from a real lock. The message's first
     * line only (H2 quotes index keys: terminal, STAN, RRN, never a PAN, which no index holds).
     */
    static String underlying(SQLException e) {
        SQLException deepest = e;
        for (SQLException n = e.getNextException(); n != null && n != deepest; n = n.getNextException()) deepest = n;
        Throwable root = deepest;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root == e) return "";
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl);
        if (m.length() > 300) m = m.substring(0, 300) + "...";
        return "; underneath: " + (root instanceof SQLException s ? "error " + s.getErrorCode() + " " : "") + m;
    }

    /** See {@link TransactionStore#reapplyProjectedRows}: an H2 file mends its commits since the last save; PostgreSQL has nothing to. */
    @Override
    public void reapplyProjectedRows(List<ChangeSet> sets) {
        if (postgres || sets.isEmpty()) return;
        if (writeLock != null) writeLock.lock();
        try {
            checkpointLoggedRows();
            overwriteInTransaction(sets, -1);
        } catch (SQLException e) {
            throw new StoreException("projection: writing the rows of records since the last save again failed on " + safeUrl + ": SQLState "
                    + e.getSQLState() + " (" + e.getClass().getSimpleName() + ")", e);
        } finally {
            if (writeLock != null) writeLock.unlock();
        }
    }

    /** See {@link TransactionStore#repairAfter}: an H2 file's index that lost a row ({@link H2IndexRepair}). */
    @Override
    public String repairAfter(RuntimeException failure) {
        if (postgres) return null;
        H2IndexRepair.DamagedIndex damaged = H2IndexRepair.damagedIndex(failure);
        if (damaged == null) return null;
        if (writeLock != null) writeLock.lock();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            String rebuilt = String.join(", ", H2IndexRepair.rebuildTable(c, damaged));
            try (Statement st = c.createStatement()) {
                st.execute("CHECKPOINT SYNC"); // the mended index on disk before anything is written through it
            }
            return rebuilt;
        } catch (SQLException e) {
            throw new StoreException("index " + damaged.schema() + "." + damaged.name() + " of " + safeUrl
                    + " lost a row (H2 error " + H2IndexRepair.ROW_NOT_FOUND_IN_INDEX + ") and could not be rebuilt: SQLState "
                    + e.getSQLState() + " " + e.getMessage(), e);
        } finally {
            if (writeLock != null) writeLock.unlock();
        }
    }

    /**
     * On H2 the projection's commits stay in memory until H2 writes its pages ({@code WRITE_DELAY}; they bypass the
     * journal log): the mark is read first, then {@code CHECKPOINT} writes every page committed so far, the mark's row
     * included, and {@code CHECKPOINT SYNC} forces the file (in H2 the latter alone writes nothing).
     */
    @Override
    public long saveProjection() {
        return saveProjection(true);
    }

    /**
     * See {@link TransactionStore#saveProjection(boolean)}. Without {@code force} ({@code CHECKPOINT} only: the pages
     * handed to the operating system) the save is recorded beside the boot it was made in ({@link BootId}) and counts
     * at a start in that boot only, when the system still holds every page it was handed; {@code batch_from} is the
     * forced saves' alone, for a start after a power loss. Where the boot is unknown an unforced save records nothing.
     */
    @Override
    public long saveProjection(boolean force) {
        long mark = projectedSequence();
        if (postgres) return mark;
        Optional<String> boot = force ? Optional.empty() : bootId.get();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
            if (force) st.execute("CHECKPOINT SYNC");
            // The file holds every record up to the mark whole now: the next start writes again only those after it
            // (batches that landed meanwhile included). Never lowered: a save that read an older mark says less.
            if (force) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE projection_mark SET batch_from = ? WHERE id = 1 AND (batch_from IS NULL OR batch_from < ?)")) {
                    ps.setLong(1, mark + 1);
                    ps.setLong(2, mark + 1);
                    ps.executeUpdate();
                }
            } else if (boot.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE projection_mark SET unforced_from = ?, unforced_boot = ?"
                        + " WHERE id = 1 AND (unforced_from IS NULL OR unforced_from < ? OR unforced_boot IS NULL OR unforced_boot <> ?)")) {
                    ps.setLong(1, mark + 1);
                    ps.setString(2, boot.get());
                    ps.setLong(3, mark + 1);
                    ps.setString(4, boot.get());
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("checkpoint failed on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
        return mark;
    }

    /** Tests: the boot this store says it runs in, instead of the system's. */
    void bootIdForTests(Supplier<Optional<String>> bootId) {
        this.bootId = bootId;
    }

    @Override
    public long projectedBatchFrom() {
        try (Connection c = dataSource.getConnection()) {
            // PostgreSQL commits a batch whole or not at all: nothing of it to write again at start
            if (postgres) return JdbcProjectionWriter.readMark(c) + 1;
            return JdbcProjectionWriter.readBatchFrom(c, bootId.get());
        } catch (SQLException e) {
            throw new StoreException("cannot read projection_mark on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    @Override
    public long projectedSequence() {
        try (Connection c = dataSource.getConnection()) {
            return JdbcProjectionWriter.readMark(c);
        } catch (SQLException e) {
            throw new StoreException("cannot read projection_mark on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    // ====================================================================== sequences

    @Override
    public long reserveSequence(String name, int count) {
        if (journalLog == null) return reserveSequenceCommitted(name, count, -1);
        // The block must outlive a crash before any number of it is used (a replayed journal may hold them): it goes
        // into the journal log like a group, under the same lock, so that the log's order is the commit order.
        writeLock.lock();
        journalLog.lock.lock();
        try {
            if (journalLog.seq < 0) recover();
            long seq = journalLog.seq + 1;
            long first = reserveSequenceCommitted(name, count, seq);
            try {
                journalLog.append(seq, new JournalLog.SequenceFloor(name, first + count));
                journalLog.seq = seq;
                // Forced: after a power loss the block must not be handed out again while a forced journal holds
                // records with its numbers (one fdatasync per block, mostly on the background reserver's thread).
                journalLog.force();
            } catch (java.io.IOException e) {
                checkpoint();
            }
            return first;
        } finally {
            journalLog.lock.unlock();
            writeLock.unlock();
        }
    }

    /** The block in one transaction; with {@code seq >= 0} that transaction also moves {@code journal_mark} to it. */
    private long reserveSequenceCommitted(String name, int count, long seq) {
        if (name == null || count < 1) throw new IllegalArgumentException("sequence name and a count >= 1 are required");
        SQLException last = null;
        int conflicts = 0;
        boolean repaired = false;
        for (int attempt = 0; attempt < 10; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    int updated;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE sequences SET next_value = next_value + ? WHERE name = ?")) {
                        ps.setLong(1, count);
                        ps.setString(2, name);
                        updated = ps.executeUpdate();
                    }
                    long first;
                    if (updated == 0) {
                        // A new sequence (or one whose row a kill took: see SequenceRepair) starts past what was used.
                        first = SequenceRepair.firstFree(c, name);
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sequences (name, next_value) VALUES (?, ?)")) {
                            ps.setString(1, name);
                            ps.setLong(2, first + count);
                            ps.executeUpdate();
                        }
                    } else {
                        try (PreparedStatement ps = c.prepareStatement("SELECT next_value FROM sequences WHERE name = ?")) {
                            ps.setString(1, name);
                            try (ResultSet rs = ps.executeQuery()) {
                                if (!rs.next()) throw new SQLException("sequence row vanished", "02000");
                                first = rs.getLong(1) - count;
                            }
                        }
                        first = SequenceRepair.pastStoredRrns(c, name, first, count);
                    }
                    if (seq >= 0) moveJournalMark(c, seq);
                    c.commit();
                    return first;
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    String state = e.getSQLState() == null ? "" : e.getSQLState();
                    // another node created the row first, or a lock / serialization conflict: try again
                    if (!(state.equals("23505") || state.equals("40001") || state.equals("40P01")
                            || state.equals("HYT00") || e.getErrorCode() == 90131)) throw e;
                    last = e;
                    // On an H2 file nobody else writes the row: a conflict that comes back is a kill's damage to the
                    // table (SequenceRepair). Mended once, then tried again.
                    if (!postgres && !repaired && SequenceRepair.isDamage(e, ++conflicts)) {
                        repairSequences(name, e);
                        repaired = true;
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("sequence " + name + ": SQLState " + e.getSQLState() + " on " + safeUrl, e);
            }
        }
        throw new StoreException("sequence " + name + ": gave up after 10 conflicting attempts (SQLState "
                + (last == null ? "?" : last.getSQLState()) + ")");
    }

    /** See {@link SequenceRepair}: the {@code sequences} table's indexes rebuilt from its rows, once per damage seen. */
    private void repairSequences(String name, SQLException seen) {
        if (writeLock != null) writeLock.lock();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            String rebuilt = SequenceRepair.rebuildIndexes(c);
            org.slf4j.LoggerFactory.getLogger(JdbcTransactionStore.class).warn(
                    "sequence {}: the sequences table's index and rows disagree (what a kill can leave in an H2 file: {});"
                            + " its indexes rebuilt from its rows: {}", name, SequenceRepair.describe(seen), rebuilt);
        } catch (SQLException e) {
            throw new StoreException("sequence " + name + ": the sequences table of " + safeUrl
                    + " is damaged and could not be rebuilt: SQLState " + e.getSQLState() + " " + e.getMessage(), e);
        } finally {
            if (writeLock != null) writeLock.unlock();
        }
    }

    // ====================================================================== reads

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(mapper.map(rs));
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException("query failed on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    private static <T> Optional<T> first(List<T> l) {
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private static final String TXN_SELECT = JdbcTable.TRANSACTIONS.selectSql;

    @Override
    public Optional<TxnRecord> findByRrn(String rrn) {
        if (rrn == null) return Optional.empty();
        return first(query(TXN_SELECT + " WHERE rrn = ?", ps -> ps.setString(1, rrn), JdbcTable::txn));
    }

    @Override
    public Optional<TxnRecord> findByDupKey(String terminalId, String stan, String dupKey) {
        if (terminalId == null || stan == null || dupKey == null) return Optional.empty();
        return first(query(TXN_SELECT + " WHERE terminal_id = ? AND stan = ? AND dup_key = ?"
                        + " ORDER BY created_at DESC, rrn DESC FETCH FIRST 1 ROWS ONLY",
                ps -> {
                    ps.setString(1, terminalId);
                    ps.setString(2, stan);
                    ps.setString(3, dupKey);
                }, JdbcTable::txn));
    }

    /** Keys per query of {@link #findByDupKeys}: a bounded statement text, few distinct plans. */
    static final int DUP_KEYS_PER_QUERY = 64;

    /**
     * One query per {@value #DUP_KEYS_PER_QUERY} keys through the (terminal, STAN) index, as a row-value IN list (H2
     * and PostgreSQL both use the index for it; an OR of conditions would be a table scan in H2); the rows of each
     * pair are few (a STAN comes round again after a million requests of its terminal), the key is checked here.
     */
    @Override
    public Map<String, TxnRecord> findByDupKeys(java.util.Collection<DupKeyLookup> keys) {
        Map<String, TxnRecord> found = new java.util.HashMap<>();
        List<DupKeyLookup> wanted = new ArrayList<>(keys.size());
        java.util.Set<String> wantedKeys = new java.util.HashSet<>();
        for (DupKeyLookup k : keys) {
            if (k.terminalId() != null && k.stan() != null && k.dupKey() != null && wantedKeys.add(k.dupKey())) wanted.add(k);
        }
        for (int from = 0; from < wanted.size(); from += DUP_KEYS_PER_QUERY) {
            List<DupKeyLookup> chunk = wanted.subList(from, Math.min(wanted.size(), from + DUP_KEYS_PER_QUERY));
            StringBuilder sql = new StringBuilder(TXN_SELECT).append(" WHERE (terminal_id, stan) IN (");
            for (int i = 0; i < chunk.size(); i++) sql.append(i == 0 ? "(?, ?)" : ", (?, ?)");
            sql.append(')');
            List<TxnRecord> rows = query(sql.toString(), ps -> {
                int at = 1;
                for (DupKeyLookup k : chunk) {
                    ps.setString(at++, k.terminalId());
                    ps.setString(at++, k.stan());
                }
            }, JdbcTable::txn);
            for (TxnRecord t : rows) {
                if (t.dupKey() == null || !wantedKeys.contains(t.dupKey())) continue;
                found.merge(t.dupKey(), t, JdbcTransactionStore::newer);
            }
        }
        return found;
    }

    /** {@link #readKeys}'s reversals (the engine thread's read when the prefetch stage's failed): one statement. */
    @Override
    public Map<String, Long> findOrphanReversals(java.util.Collection<DupKeyLookup> keys, Instant since) {
        return readKeys(keys, since).orphans();
    }

    /**
     * Both reads of {@link TransactionStore#readKeys} in one statement per {@value #DUP_KEYS_PER_QUERY} keys (a UNION
     * ALL): with several nodes each batch of requests asks both, and a second round trip per batch cost a tenth of the
     * throughput on PostgreSQL at 10 x 8. The reversals' half goes on PostgreSQL through the partial index of V12 (only
     * reversals that found no original are in it, and its predicate is written out here as literals, so the planner can
     * prove the query implies it); H2 has no such index (a node alone never asks) and reads by terminal, with the CASE
     * that keeps its planner off ix_transactions_original_rrn (see {@link #findOrphanReversals(Instant)}).
     */
    @Override
    public KeysRead readKeys(java.util.Collection<DupKeyLookup> keys, Instant orphansSince) {
        if (orphansSince == null) return new KeysRead(findByDupKeys(keys), null);
        Map<String, TxnRecord> found = new java.util.HashMap<>();
        Map<String, Long> orphans = new java.util.HashMap<>();
        List<DupKeyLookup> wanted = new ArrayList<>(keys.size());
        java.util.Set<String> wantedKeys = new java.util.HashSet<>();
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (DupKeyLookup k : keys) {
            if (k.terminalId() == null || k.stan() == null) continue;
            boolean newPair = pairs.add(k.terminalId() + '|' + k.stan());
            boolean newKey = k.dupKey() != null && wantedKeys.add(k.dupKey());
            if (newPair || newKey) wanted.add(k);
        }
        String orphan = postgres ? "txn_type = 'REVERSAL' AND original_rrn IS NULL"
                : "txn_type = 'REVERSAL' AND CASE WHEN original_rrn IS NULL THEN 1 ELSE 0 END = 1";
        for (int from = 0; from < wanted.size(); from += DUP_KEYS_PER_QUERY) {
            List<DupKeyLookup> chunk = wanted.subList(from, Math.min(wanted.size(), from + DUP_KEYS_PER_QUERY));
            StringBuilder in = new StringBuilder("(");
            for (int i = 0; i < chunk.size(); i++) in.append(i == 0 ? "(?, ?)" : ", (?, ?)");
            in.append(')');
            String sql = TXN_SELECT + " WHERE (terminal_id, stan) IN " + in + " UNION ALL " + TXN_SELECT + " WHERE "
                    + orphan + " AND created_at >= ? AND (terminal_id, original_stan) IN " + in;
            List<TxnRecord> rows = query(sql, ps -> {
                int at = 1;
                for (DupKeyLookup k : chunk) {
                    ps.setString(at++, k.terminalId());
                    ps.setString(at++, k.stan());
                }
                JdbcTable.bind(ps, at++, JdbcTable.Kind.TS, orphansSince);
                for (DupKeyLookup k : chunk) {
                    ps.setString(at++, k.terminalId());
                    ps.setString(at++, k.stan());
                }
            }, JdbcTable::txn);
            for (TxnRecord t : rows) {
                if (t.dupKey() != null && wantedKeys.contains(t.dupKey())) found.merge(t.dupKey(), t, JdbcTransactionStore::newer);
                if (t.type() == TxnType.REVERSAL && t.originalRrn() == null && t.originalStan() != null
                        && !t.createdAt().isBefore(orphansSince)) {
                    String pair = t.terminalId() + '|' + t.originalStan();
                    if (pairs.contains(pair)) orphans.merge(pair, t.createdAt().toEpochMilli(), Math::max);
                }
            }
        }
        return new KeysRead(found, orphans);
    }

    /** The newer of two rows, as findByDupKey orders them (created_at, then RRN). */
    private static TxnRecord newer(TxnRecord a, TxnRecord b) {
        int c = a.createdAt().compareTo(b.createdAt());
        if (c == 0) c = a.rrn().compareTo(b.rrn());
        return c >= 0 ? a : b;
    }

    @Override
    public List<TxnRecord> findByTerminalAndStan(String terminalId, String stan) {
        if (terminalId == null || stan == null) return List.of();
        return onePerRrn(query(TXN_SELECT + " WHERE terminal_id = ? AND stan = ? ORDER BY created_at DESC, rrn DESC",
                ps -> {
                    ps.setString(1, terminalId);
                    ps.setString(2, stan);
                }, JdbcTable::txn));
    }

    @Override
    public List<TxnRecord> findByOriginalRrn(String originalRrn) {
        if (originalRrn == null) return List.of();
        return onePerRrn(query(TXN_SELECT + " WHERE original_rrn = ? ORDER BY created_at, rrn",
                ps -> ps.setString(1, originalRrn), JdbcTable::txn));
    }

    @Override
    public void forEachDupKeySince(Instant since, java.util.function.BiConsumer<String, String> sink) {
        forEachRecent(since, sink, orphan -> { });
    }

    /**
     * One scan of the window through the created_at index for both: on a store of 10 million transactions the two
     * queries each looked up every row of the last 24 hours (docs/benchmarks.md, "Restart"). Streams the rows
     * (PostgreSQL fetches 1000 at a time inside a read transaction) instead of loading a day of keys at once.
     */
    @Override
    public void forEachRecent(Instant since, java.util.function.BiConsumer<String, String> dupKeys,
                              java.util.function.Consumer<OrphanReversal> orphans) {
        if (since == null) return;
        String reversal = TxnType.REVERSAL.name();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT dup_key, rrn, txn_type, original_rrn, terminal_id,"
                    + " original_stan, created_at FROM transactions WHERE created_at >= ?")) {
                ps.setFetchSize(1000);
                JdbcTable.bind(ps, 1, JdbcTable.Kind.TS, since);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String dupKey = rs.getString(1);
                        if (dupKey != null) dupKeys.accept(dupKey, rs.getString(2));
                        if (reversal.equals(rs.getString(3)) && rs.getString(4) == null) {
                            orphans.accept(new OrphanReversal(rs.getString(5), rs.getString(6),
                                    JdbcTable.instant(rs, 7)));
                        }
                    }
                }
            } finally {
                rollbackQuietly(c);
            }
        } catch (SQLException e) {
            throw new StoreException("query failed on " + safeUrl + ": SQLState " + e.getSQLState(), e);
        }
    }

    @Override
    public List<TxnRecord> findOrphanReversals(Instant since) {
        // original_rrn IS NULL is written as a CASE so that no planner takes ix_transactions_original_rrn for it: every
        // sale has a null original_rrn, so that index scans nearly the whole table (H2 chose it, and a restart on a
        // million transactions spent ~9 s here); the created_at index reads the last 24 hours only.
        return onePerRrn(query(TXN_SELECT + " WHERE created_at >= ? AND txn_type = ?"
                        + " AND CASE WHEN original_rrn IS NULL THEN 1 ELSE 0 END = 1 ORDER BY created_at, rrn",
                ps -> {
                    JdbcTable.bind(ps, 1, JdbcTable.Kind.TS, since);
                    ps.setString(2, TxnType.REVERSAL.name());
                }, JdbcTable::txn));
    }

    @Override
    public RefundPage refundsPage(String merchantId, Instant from, Instant to, int limit) {
        if (merchantId == null || from == null || to == null) return new RefundPage(List.of(), 0, 0, 0, new java.util.TreeMap<>());
        String where = " WHERE merchant_id = ? AND txn_type = ? AND created_at >= ? AND created_at < ?";
        Binder range = ps -> {
            ps.setString(1, merchantId);
            ps.setString(2, TxnType.REFUND.name());
            JdbcTable.bind(ps, 3, JdbcTable.Kind.TS, from);
            JdbcTable.bind(ps, 4, JdbcTable.Kind.TS, to);
        };
        List<TxnRecord> page = onePerRrn(query(TXN_SELECT + where + " ORDER BY created_at, rrn LIMIT ?", ps -> {
            range.bind(ps);
            ps.setInt(5, limit);
        }, JdbcTable::txn));
        // by currency: a refund is in its sale's currency, and one sum over several means nothing (a re-audit)
        List<Object[]> rows = query("SELECT currency, COUNT(*), COUNT(CASE WHEN response_code = '00' AND status = '"
                + io.switchgate.model.TxnStatus.APPROVED.name() + "' THEN 1 END),"
                + " COALESCE(SUM(CASE WHEN response_code = '00' AND status = '" + io.switchgate.model.TxnStatus.APPROVED.name()
                + "' THEN amount ELSE 0 END), 0) FROM transactions" + where + " GROUP BY currency", range,
                rs -> new Object[]{rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
        long count = 0;
        long approvedCount = 0;
        long approvedAmount = 0;
        java.util.SortedMap<String, Long> byCurrency = new java.util.TreeMap<>();
        for (Object[] r : rows) {
            count += (Long) r[1];
            approvedCount += (Long) r[2];
            approvedAmount += (Long) r[3];
            if ((Long) r[2] > 0) byCurrency.merge(r[0] == null ? "156" : (String) r[0], (Long) r[3], Long::sum);
        }
        return new RefundPage(page, count, approvedCount, approvedAmount, byCurrency);
    }

    @Override
    public List<TxnRecord> findRefunds(String merchantId, Instant from, Instant to) {
        if (merchantId == null || from == null || to == null) return List.of();
        return onePerRrn(query(TXN_SELECT + " WHERE merchant_id = ? AND txn_type = ? AND created_at >= ? AND created_at < ?"
                        + " ORDER BY created_at, rrn",
                ps -> {
                    ps.setString(1, merchantId);
                    ps.setString(2, TxnType.REFUND.name());
                    JdbcTable.bind(ps, 3, JdbcTable.Kind.TS, from);
                    JdbcTable.bind(ps, 4, JdbcTable.Kind.TS, to);
                }, JdbcTable::txn));
    }

    /**
     * Each transaction once, in the order read. A kill can leave an H2 secondary index with a stale entry beside the
     * row's own (docs/store.md, the journal log, item 7); a scan through it returns the row twice, and a listing or a report's
     * total (refunds of a merchant) would count it twice. The RRN is the primary key, so a second row with the same
     * RRN is that entry, never another transaction. A list with nothing twice is returned as it is.
     */
    static List<TxnRecord> onePerRrn(List<TxnRecord> rows) {
        if (rows.size() < 2) return rows;
        Map<String, TxnRecord> byRrn = new LinkedHashMap<>(rows.size() * 2);
        for (TxnRecord t : rows) byRrn.putIfAbsent(t.rrn(), t);
        return byRrn.size() == rows.size() ? rows : new ArrayList<>(byRrn.values());
    }

    @Override
    public Optional<TerminalState> findTerminal(String id) {
        if (id == null) return Optional.empty();
        return first(query(JdbcTable.TERMINALS.selectSql + " WHERE id = ?", ps -> ps.setString(1, id), JdbcTable::terminal));
    }

    @Override
    public List<TerminalState> listTerminals() {
        List<TerminalState> l = query(JdbcTable.TERMINALS.selectSql, ps -> { }, JdbcTable::terminal);
        l.sort((a, b) -> a.id().compareTo(b.id())); // Java order, whatever the database's collation
        return l;
    }

    @Override
    public Optional<MerchantState> findMerchant(String id) {
        if (id == null) return Optional.empty();
        return first(query(JdbcTable.MERCHANTS.selectSql + " WHERE id = ?", ps -> ps.setString(1, id), JdbcTable::merchant));
    }

    @Override
    public List<MerchantState> listMerchants() {
        List<MerchantState> l = query(JdbcTable.MERCHANTS.selectSql, ps -> { }, JdbcTable::merchant);
        l.sort((a, b) -> a.id().compareTo(b.id()));
        return l;
    }

    @Override
    public Optional<CardAccount> findCard(String panHash) {
        if (panHash == null) return Optional.empty();
        return first(query(JdbcTable.CARDS.selectSql + " WHERE pan_hash = ?", ps -> ps.setString(1, panHash), JdbcTable::card));
    }

    @Override
    public Optional<BatchState> findBatch(String terminalId, long batchNo) {
        if (terminalId == null) return Optional.empty();
        return first(query(JdbcTable.BATCHES.selectSql + " WHERE terminal_id = ? AND batch_no = ?",
                ps -> {
                    ps.setString(1, terminalId);
                    ps.setLong(2, batchNo);
                }, JdbcTable::batch));
    }

    @Override
    public Optional<MerchantDayTotal> findDayTotal(String merchantId, LocalDate day) {
        if (merchantId == null || day == null) return Optional.empty();
        return first(query(JdbcTable.DAY_TOTALS.selectSql + " WHERE merchant_id = ? AND total_day = ?",
                ps -> {
                    ps.setString(1, merchantId);
                    JdbcTable.bind(ps, 2, JdbcTable.Kind.DATE, day);
                }, JdbcTable::dayTotal));
    }

    @Override
    public List<StatusEvent> events(String subjectKind, String subjectId) {
        if (subjectKind == null || subjectId == null) return List.of();
        return query(JdbcTable.EVENT_SELECT, ps -> {
            ps.setString(1, subjectKind);
            ps.setString(2, subjectId);
        }, JdbcTable::event);
    }

    // ====================================================================== status changes of other nodes

    private final java.util.Set<StatusSubscription> subscriptions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * On PostgreSQL, a {@link PgStatusListener} on a connection of its own (see there why not the pool's); H2 cannot
     * notify another process or pool, so there it is {@link StatusSubscription#NONE}. Closed with the store.
     */
    @Override
    public StatusSubscription onStatusChange(Runnable onChange) {
        if (!postgres || dataSource.isClosed()) return StatusSubscription.NONE;
        PgStatusListener l = PgStatusListener.start(this::connectForListening, safeUrl, dataSource.getPassword(), onChange);
        StatusSubscription sub = new StatusSubscription() {
            @Override
            public boolean listening() {
                return l.listening();
            }

            @Override
            public void close() {
                subscriptions.remove(this);
                l.close();
            }
        };
        subscriptions.add(sub);
        return sub;
    }

    /** A connection outside the pool, with the pool's URL, user, password and driver properties. */
    private Connection connectForListening() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.putAll(dataSource.getDataSourceProperties());
        if (dataSource.getUsername() != null) p.setProperty("user", dataSource.getUsername());
        if (dataSource.getPassword() != null) p.setProperty("password", dataSource.getPassword());
        p.setProperty("tcpKeepAlive", "true");
        return java.sql.DriverManager.getConnection(dataSource.getJdbcUrl(), p);
    }

    // ====================================================================== lifecycle

    @Override
    public boolean isHealthy() {
        if (dataSource.isClosed()) return false;
        // Connection.isValid, not Statement.setQueryTimeout: H2 keeps a statement's timeout on its connection, which
        // then went back to the pool and cancelled the next long query on it (a restart's first sale answered 96).
        // Then a read of one row: an H2 database that closed itself (its disk full) still had valid connections, and
        // /health said UP while every request was answered 96 (a black-box audit).
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(2)) return false;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM projection_mark")) {
                return rs.next();
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (journalLog != null && !dataSource.isClosed()) {
            try {
                makeDurable();
            } catch (RuntimeException e) {
                // the log stays; the next start replays it
            }
        }
        for (StatusSubscription sub : List.copyOf(subscriptions)) sub.close();
        PgTablesClaim claim = projectionClaim;
        if (claim != null) claim.close();
        claim = sharedClaim;
        if (claim != null) claim.close();
        dataSource.close();
        closeQuietly(journalLog);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }

    @Override
    public String toString() {
        return "JdbcTransactionStore[" + safeUrl + "]";
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool will drop it
        }
    }

    private static void closeQuietly(Statement s) {
        if (s == null) return;
        try {
            s.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
