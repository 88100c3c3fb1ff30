package io.switchgate.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code LISTEN gateway_status} on a PostgreSQL connection of its own, on a daemon thread: every notification of this
 * store's schema calls {@code onChange}. The store sends it ({@link JdbcTransactionStore}, {@code pg_notify} in the
 * transaction of a group that writes terminal or merchant rows; PostgreSQL delivers it on commit, to every listener,
 * the sender's node included).
 *
 * <p>The connection is not one of the pool's: it is held for as long as the store is open and sits in
 * {@code getNotifications} all the time, so a pool of {@code poolSize} connections would have one less for the
 * journal writer and the reads (none at {@code poolSize: 1}), and the pool's lifetime and leak rules do not suit a
 * connection that is never returned. It costs one backend per node.
 *
 * <p>A lost connection (the server restarted, the backend was terminated, a check every
 * {@value #CHECK_MILLIS} ms that it still answers failed) is logged as a warning (the URL without its parameters,
 * the driver's message with the password masked) and re-opened after a back-off from {@value #MIN_BACKOFF_MILLIS} ms
 * doubling up to {@value #MAX_BACKOFF_MILLIS} ms. {@link #listening()} is false meanwhile. Each time it starts
 * listening it calls {@code onChange} once: a change may have committed while nobody listened.
 */
final class PgStatusListener implements StatusSubscription {

    static final String CHANNEL = "gateway_status";
    /** The connection's {@code application_name}, followed by the schema. */
    static final String APPLICATION_NAME = "switchgate-status-listener";
    /** How long one {@code getNotifications} call waits; also bounds how long {@link #close()} waits for the thread. */
    static final int WAIT_MILLIS = 250;
    static final long CHECK_MILLIS = 5_000;
    static final long MIN_BACKOFF_MILLIS = 250;
    static final long MAX_BACKOFF_MILLIS = 30_000;

    private static final Logger log = LoggerFactory.getLogger(PgStatusListener.class);

    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final String safeUrl;
    private final String password;
    private final Runnable onChange;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean listening;

    private PgStatusListener(Connector connector, String safeUrl, String password, Runnable onChange) {
        this.connector = connector;
        this.safeUrl = safeUrl;
        this.password = password;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "status-listener");
        thread.setDaemon(true);
    }

    static PgStatusListener start(Connector connector, String safeUrl, String password, Runnable onChange) {
        PgStatusListener l = new PgStatusListener(connector, safeUrl, password, java.util.Objects.requireNonNull(onChange));
        l.thread.start();
        return l;
    }

    @Override
    public boolean listening() {
        return listening;
    }

    private boolean closed() {
        return stop.getCount() == 0;
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        int failures = 0;
        while (!closed()) {
            Connection c = null;
            try {
                c = connector.connect();
                PGConnection pg = c.unwrap(PGConnection.class);
                String schema;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                    try (ResultSet rs = s.executeQuery("SELECT coalesce(current_schema(), '')")) {
                        rs.next();
                        schema = rs.getString(1);
                    }
                }
                try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                    ps.setString(1, APPLICATION_NAME + " " + schema); // what pg_stat_activity shows (63 bytes at most)
                    ps.executeQuery().close();
                }
                listening = true;
                if (failures > 0) log.info("status change listener on {}: listening again", safeUrl);
                failures = 0;
                backoff = MIN_BACKOFF_MILLIS;
                fire(); // whatever committed while nobody listened
                long lastCheck = System.nanoTime();
                while (!closed()) {
                    PGNotification[] ns = pg.getNotifications(WAIT_MILLIS);
                    boolean ours = false;
                    if (ns != null) {
                        for (PGNotification n : ns) ours |= CHANNEL.equals(n.getName()) && schema.equals(n.getParameter());
                    }
                    if (ours) fire();
                    if (System.nanoTime() - lastCheck > CHECK_MILLIS * 1_000_000L) {
                        if (!c.isValid(2)) throw new SQLException("the connection does not answer", "08006");
                        lastCheck = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed()) break;
                failures++;
                log.warn("status change listener on {}: {} (SQLState {}: {}); other nodes' status changes are polled"
                                + " meanwhile; reconnecting in {} ms", safeUrl, e.getClass().getSimpleName(),
                        e instanceof SQLException s ? s.getSQLState() : "-", masked(e.getMessage()), backoff);
            } finally {
                listening = false;
                closeQuietly(c);
            }
            try {
                if (stop.await(backoff, TimeUnit.MILLISECONDS)) break;
            } catch (InterruptedException e) {
                break;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private void fire() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            log.warn("status change listener on {}: the handler failed: {}", safeUrl, e.toString());
        }
    }

    private String masked(String message) {
        if (message == null) return "";
        return password == null || password.isEmpty() ? message : message.replace(password, "***");
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // lost anyway
        }
    }

    /** Stops listening; returns once the thread has closed its connection (or after a few seconds if it is stuck connecting). */
    @Override
    public void close() {
        stop.countDown();
        if (Thread.currentThread() == thread) return;
        try {
            thread.join(WAIT_MILLIS + 5_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean stopped() {
        return !thread.isAlive();
    }
}
