package io.switchgate.saf;

import io.switchgate.store.H2WriteLock;
import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.LoggedRows;
import io.switchgate.store.StoreException;
import io.switchgate.store.TransactionStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The queue in the gateway's database (table {@code saf_messages}, created by store migration V3), through the
 * store's own pool.
 *
 * <p>Leasing: on PostgreSQL, one transaction selects due rows {@code FOR UPDATE SKIP LOCKED} and writes
 * {@code lease_owner}/{@code lease_until} on them, so two nodes polling at once take disjoint rows without
 * waiting for each other. On H2 (one process per database) each candidate is claimed with a conditional
 * {@code UPDATE ... WHERE id = ? AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < now)}: an update
 * count of 1 means this node got it; the same claim is portable and also correct on PostgreSQL.
 * {@code markDone}/{@code reschedule} only update the row while this node holds the lease.
 */
public final class JdbcSafQueue implements SafQueue {
    private static final String COLUMNS = "id, host, kind, mti, stan, rrn, transmission_time, processing_code, amount, currency, "
            + "acquirer_id, terminal_id, merchant_id, original_data, txn_rrn, reason, status, attempts, next_attempt_at, "
            + "lease_owner, lease_until, last_result, created_at, updated_at";

    private final DataSource dataSource;
    private final boolean postgres;
    /** Run after an enqueue: the reversal must survive a crash before the terminal hears 91 (see JdbcTransactionStore#makeDurable). */
    private final Runnable makeDurable;
    /** Where new messages go when the store logs them durably itself; null: insert, then {@link #makeDurable}. */
    private final Consumer<LoggedRows> durableInsert;

    public JdbcSafQueue(DataSource dataSource, boolean postgres) {
        this(dataSource, postgres, () -> { });
    }

    public JdbcSafQueue(DataSource dataSource, boolean postgres, Runnable makeDurable) {
        this(dataSource, postgres, makeDurable, null);
    }

    /**
     * @param durableInsert where new messages go when the store can make rows durable through its journal log
     *                      ({@link JdbcTransactionStore#insertDurably}: an append and an fdatasync instead of a
     *                      checkpoint of the whole H2 file); null: insert, then {@code makeDurable}
     */
    public JdbcSafQueue(DataSource dataSource, boolean postgres, Runnable makeDurable,
                        Consumer<LoggedRows> durableInsert) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.makeDurable = makeDurable;
        this.durableInsert = durableInsert;
    }

    /** The queue that goes with a store: in its database for a JDBC store, in memory otherwise. */
    public static SafQueue forStore(TransactionStore store) {
        if (store instanceof JdbcTransactionStore j) {
            return new JdbcSafQueue(j.dataSource(), j.isPostgres(), j::makeDurable, j.hasJournalLog() ? j::insertDurably : null);
        }
        return new InMemorySafQueue();
    }

    @Override
    public void enqueue(SafMessage m) {
        enqueueAll(List.of(m));
    }

    /** One transaction for all, then one {@code makeDurable} (an H2 file's checkpoint) for all: a group commit. */
    @Override
    public void enqueueAll(List<SafMessage> messages) {
        enqueueAll(messages, java.util.Map.of());
    }

    /** As above, with {@code keptBeside}'s text in column {@code held_request} (store migration V13). */
    @Override
    public void enqueueAll(List<SafMessage> messages, java.util.Map<String, String> keptBeside) {
        if (messages.isEmpty()) return;
        boolean keep = !keptBeside.isEmpty();
        if (durableInsert != null) {
            List<Object[]> rows = new ArrayList<>(messages.size());
            for (SafMessage m : messages) {
                Object[] v = values(m);
                if (keep) {
                    v = Arrays.copyOf(v, v.length + 1);
                    v[v.length - 1] = keptBeside.get(m.id());
                }
                rows.add(v);
            }
            durableInsert.accept(new LoggedRows("saf_messages", keep ? COLUMN_LIST_KEPT : COLUMN_LIST, rows));
            return;
        }
        String sql = keep
                ? "INSERT INTO saf_messages (" + COLUMNS + ", held_request) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                : "INSERT INTO saf_messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            try {
                for (SafMessage m : messages) {
                    bindInsert(ps, m);
                    if (keep) ps.setString(COLUMN_LIST.size() + 1, keptBeside.get(m.id()));
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken: nothing was committed
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw fail("enqueue " + messages.get(0).id() + (messages.size() > 1 ? " and " + (messages.size() - 1) + " more" : ""), e);
        }
        makeDurable.run();
    }

    private static final List<String> COLUMN_LIST = Arrays.stream(COLUMNS.split(",")).map(String::trim).toList();
    private static final List<String> COLUMN_LIST_KEPT = java.util.stream.Stream.concat(COLUMN_LIST.stream(),
            java.util.stream.Stream.of("held_request")).toList();

    @Override
    public String keptBeside(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT held_request FROM saf_messages WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw fail("read what is kept beside " + id, e);
        }
    }

    /** A message's values in {@link #COLUMNS} order (strings, numbers, instants, null). */
    private static Object[] values(SafMessage m) {
        return new Object[] {m.id(), m.host(), m.kind().name(), m.mti(), m.stan(), m.rrn(), m.transmissionTime(),
                m.processingCode(), m.amount(), m.currency(), m.acquirerId(), m.terminalId(), m.merchantId(),
                m.originalData(), m.txnRrn(), m.reason(), m.status().name(), m.attempts(), m.nextAttemptAt(),
                m.leaseOwner(), m.leaseUntil(), m.lastResult(), m.createdAt(), m.updatedAt()};
    }

    private static void bindInsert(PreparedStatement ps, SafMessage m) throws SQLException {
        int i = 1;
        ps.setString(i++, m.id());
        ps.setString(i++, m.host());
        ps.setString(i++, m.kind().name());
        ps.setString(i++, m.mti());
        ps.setString(i++, m.stan());
        ps.setString(i++, m.rrn());
        ps.setString(i++, m.transmissionTime());
        ps.setString(i++, m.processingCode());
        ps.setLong(i++, m.amount());
        ps.setString(i++, m.currency());
        ps.setString(i++, m.acquirerId());
        ps.setString(i++, m.terminalId());
        ps.setString(i++, m.merchantId());
        ps.setString(i++, m.originalData());
        ps.setString(i++, m.txnRrn());
        ps.setString(i++, m.reason());
        ps.setString(i++, m.status().name());
        ps.setInt(i++, m.attempts());
        time(ps, i++, m.nextAttemptAt());
        ps.setString(i++, m.leaseOwner());
        time(ps, i++, m.leaseUntil());
        ps.setString(i++, m.lastResult());
        time(ps, i++, m.createdAt());
        time(ps, i, m.updatedAt());
    }

    @Override
    public List<SafMessage> lease(String node, Instant now, int max, Duration lease) {
        try (Connection c = dataSource.getConnection()) {
            if (postgres) return leaseSkipLocked(c, node, now, max, lease);
            var h2 = H2WriteLock.of(c.getMetaData().getURL()); // claims are conditional updates
            h2.lock();
            try {
                return leaseByClaim(c, node, now, max, lease);
            } finally {
                h2.unlock();
            }
        } catch (SQLException e) {
            throw fail("lease", e);
        }
    }

    private static final String DUE = " FROM saf_messages WHERE status = 'PENDING' AND next_attempt_at <= ? "
            + "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at, created_at";

    private List<SafMessage> leaseSkipLocked(Connection c, String node, Instant now, int max, Duration lease) throws SQLException {
        c.setAutoCommit(false);
        try {
            List<SafMessage> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + DUE + " LIMIT ? FOR UPDATE SKIP LOCKED")) {
                time(ps, 1, now);
                time(ps, 2, now);
                ps.setInt(3, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(row(rs));
                }
            }
            Instant until = now.plus(lease);
            if (!out.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE saf_messages SET lease_owner = ?, lease_until = ?, updated_at = ? WHERE id = ?")) {
                    for (SafMessage m : out) {
                        ps.setString(1, node);
                        time(ps, 2, until);
                        time(ps, 3, now);
                        ps.setString(4, m.id());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            c.commit();
            List<SafMessage> leased = new ArrayList<>(out.size());
            for (SafMessage m : out) leased.add(m.leased(node, until, now));
            return leased;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private List<SafMessage> leaseByClaim(Connection c, String node, Instant now, int max, Duration lease) throws SQLException {
        if (!c.getAutoCommit()) c.setAutoCommit(true);
        List<SafMessage> candidates = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + DUE + " LIMIT ?")) {
            time(ps, 1, now);
            time(ps, 2, now);
            ps.setInt(3, max * 2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) candidates.add(row(rs));
            }
        }
        Instant until = now.plus(lease);
        List<SafMessage> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE saf_messages SET lease_owner = ?, lease_until = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < ?)")) {
            for (SafMessage m : candidates) {
                if (out.size() >= max) break;
                ps.setString(1, node);
                time(ps, 2, until);
                time(ps, 3, now);
                ps.setString(4, m.id());
                time(ps, 5, now);
                if (ps.executeUpdate() == 1) out.add(m.leased(node, until, now));
            }
        }
        return out;
    }

    @Override
    public boolean markDone(String id, String node, Instant now, String result) {
        return settle("DONE", id, node, now, result);
    }

    @Override
    public boolean markRefused(String id, String node, Instant now, String result) {
        return settle("REFUSED", id, node, now, result);
    }

    /** A leased message answered for good: {@code status} DONE or REFUSED, only while this node holds its lease. */
    private boolean settle(String status, String id, String node, Instant now, String result) {
        return update("UPDATE saf_messages SET status = '" + status + "', attempts = attempts + 1, lease_owner = NULL,"
                + " lease_until = NULL, last_result = ?, updated_at = ? WHERE id = ? AND status = 'PENDING' AND lease_owner = ?", ps -> {
            ps.setString(1, cut(result));
            time(ps, 2, now);
            ps.setString(3, id);
            ps.setString(4, node);
        });
    }

    @Override
    public List<SafMessage> listRefused(int limit) {
        return select("SELECT " + COLUMNS + " FROM saf_messages WHERE status = 'REFUSED' ORDER BY created_at, id LIMIT ?", ps -> ps.setInt(1, limit));
    }

    @Override
    public long refusedCount() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM saf_messages WHERE status = 'REFUSED'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new io.switchgate.store.StoreException("cannot count refused SAF messages: SQLState " + e.getSQLState(), e);
        }
    }

    @Override
    public boolean reschedule(String id, String node, Instant next, Instant now, String result) {
        return releaseForLater(id, node, next, now, result, true);
    }

    @Override
    public boolean postpone(String id, String node, Instant next, Instant now, String result) {
        return releaseForLater(id, node, next, now, result, false);
    }

    /** Gives the lease back with a new due time; a send attempt (reschedule) counts, a postponement does not. */
    private boolean releaseForLater(String id, String node, Instant next, Instant now, String result, boolean attempted) {
        return update("UPDATE saf_messages SET " + (attempted ? "attempts = attempts + 1, " : "")
                + "next_attempt_at = ?, lease_owner = NULL, lease_until = NULL, "
                + "last_result = ?, updated_at = ? WHERE id = ? AND status = 'PENDING' AND lease_owner = ?", ps -> {
            time(ps, 1, next);
            ps.setString(2, cut(result));
            time(ps, 3, now);
            ps.setString(4, id);
            ps.setString(5, node);
        });
    }

    @Override
    public int releaseLeases(String node, Instant now) {
        return rowsChanged("release leases",
                "UPDATE saf_messages SET lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE status = 'PENDING' AND lease_owner = ?",
                ps -> {
                    time(ps, 1, now);
                    ps.setString(2, node);
                });
    }

    @Override
    public boolean releaseHeld(String id, Instant now, String why) {
        return update("UPDATE saf_messages SET status = 'PENDING', reason = ?, next_attempt_at = ?, lease_owner = NULL, "
                + "lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'HELD'", ps -> {
            ps.setString(1, cut(why));
            time(ps, 2, now);
            time(ps, 3, now);
            ps.setString(4, id);
        });
    }

    @Override
    public boolean cancelHeld(String id, Instant now, String result) {
        return update("UPDATE saf_messages SET status = 'DONE', lease_owner = NULL, last_result = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'HELD'", ps -> {
            ps.setString(1, cut(result));
            time(ps, 2, now);
            ps.setString(3, id);
        });
    }

    @Override
    public List<SafMessage> held(String node) {
        return select("SELECT " + COLUMNS + " FROM saf_messages WHERE status = 'HELD' AND lease_owner = ? ORDER BY created_at, id",
                ps -> ps.setString(1, node));
    }

    @Override
    public long depth() {
        return count("SELECT COUNT(*) FROM saf_messages WHERE status = 'PENDING'", null);
    }

    @Override
    public long depth(String host) {
        return count("SELECT COUNT(*) FROM saf_messages WHERE status = 'PENDING' AND host = ?", host);
    }

    @Override
    public java.util.Map<String, Long> depthByHost() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT host, COUNT(*) FROM saf_messages WHERE status = 'PENDING' GROUP BY host");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            return out;
        } catch (SQLException e) {
            throw fail("depth by host", e);
        }
    }

    @Override
    public Optional<Instant> oldestPending() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT MIN(created_at) FROM saf_messages WHERE status = 'PENDING'");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) return Optional.empty();
            return Optional.ofNullable(instant(rs, 1));
        } catch (SQLException e) {
            throw fail("oldest", e);
        }
    }

    @Override
    public List<SafMessage> listPending(int limit) {
        return select("SELECT " + COLUMNS + " FROM saf_messages WHERE status = 'PENDING' ORDER BY created_at, id LIMIT ?", ps -> ps.setInt(1, limit));
    }

    @Override
    public Optional<SafMessage> find(String id) {
        return select("SELECT " + COLUMNS + " FROM saf_messages WHERE id = ?", ps -> ps.setString(1, id)).stream().findFirst();
    }

    /**
     * One statement: the ids chosen by a bounded subquery (PostgreSQL has no {@code DELETE ... LIMIT}), through the
     * {@code (status, ...)} index. Several nodes may prune at once: a row another node deleted first is simply not
     * counted. Not logged: a delete a crash loses leaves the row DONE, for a later round.
     */
    @Override
    public int deleteDone(Instant before, int max) {
        return rowsChanged("delete done",
                "DELETE FROM saf_messages WHERE id IN (SELECT id FROM saf_messages WHERE status = 'DONE' AND updated_at < ? LIMIT ?)",
                ps -> {
                    time(ps, 1, before);
                    ps.setInt(2, max);
                });
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private boolean update(String sql, Binder b) {
        return rowsChanged("update", sql, b) == 1;
    }

    /** One statement on its own (autocommit); the rows it changed. */
    private int rowsChanged(String what, String sql, Binder b) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (!c.getAutoCommit()) c.setAutoCommit(true);
            b.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw fail(what, e);
        }
    }

    private long count(String sql, String arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw fail("count", e);
        }
    }

    private List<SafMessage> select(String sql, Binder b) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            b.bind(ps);
            List<SafMessage> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw fail("select", e);
        }
    }

    private static SafMessage row(ResultSet rs) throws SQLException {
        return new SafMessage(rs.getString(1), rs.getString(2), SafMessage.Kind.valueOf(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getString(10),
                rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16),
                SafMessage.Status.valueOf(rs.getString(17)), rs.getInt(18), instant(rs, 19), rs.getString(20), instant(rs, 21),
                rs.getString(22), instant(rs, 23), instant(rs, 24));
    }

    private static void time(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    private static Instant instant(ResultSet rs, int i) throws SQLException {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String cut(String s) {
        return s == null || s.length() <= 64 ? s : s.substring(0, 64);
    }

    /** Messages name the operation and the SQLState only, never row values. */
    private static StoreException fail(String op, SQLException e) {
        return new StoreException("SAF queue " + op + " failed: SQLState " + e.getSQLState() + ": " + e.getMessage(), e);
    }
}
