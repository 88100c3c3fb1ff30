package io.switchgate.store;

import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.switchgate.store.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * PostgreSQL LISTEN/NOTIFY for status changes: the store notifies {@code gateway_status} exactly when a committed
 * group writes terminal or merchant rows, and its listener calls back on them, also after its connection was lost.
 * Notifications of one session arrive in commit order, so once a group's notification is here, any of an earlier
 * group would be here too: counting them needs no quiet period.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresStatusNotifyTest {
    static final long GENEROUS_NANOS = 30_000_000_000L;

    String schema;
    String url;
    JdbcTransactionStore store;
    JdbcTransactionStore other;

    @BeforeEach
    void open() {
        TestLogging.quiet();
        schema = PostgresSupport.createSchema();
        url = PostgresSupport.url(schema);
        store = JdbcTransactionStore.open(url, PostgresSupport.USER, PostgresSupport.PASSWORD, 2);
        store.migrate();
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
        if (other != null) other.close();
        PostgresSupport.dropSchema(schema);
    }

    static RuntimeException applyOne(TransactionStore s, ChangeSet... sets) {
        List<RuntimeException> r = s.apply(List.of(sets));
        return r.stream().filter(e -> e != null).findFirst().orElse(null);
    }

    /** Collects this schema's notifications into {@code seen} until there are at least {@code n}. */
    int awaitNotifications(PGConnection pg, int seen, int n) throws SQLException {
        long deadline = System.nanoTime() + GENEROUS_NANOS;
        while (seen < n) {
            PGNotification[] ns = pg.getNotifications(200);
            if (ns != null) {
                for (PGNotification x : ns) if (x.getName().equals("gateway_status") && schema.equals(x.getParameter())) seen++;
            }
            if (System.nanoTime() > deadline) fail("only " + seen + " notification(s), expected " + n);
        }
        return seen;
    }

    @Test
    void notifiesOnlyWhenACommittedGroupWritesTerminalOrMerchantRows() throws Exception {
        try (Connection c = PostgresSupport.connect(PostgresSupport.URL); Statement s = c.createStatement()) {
            s.execute("LISTEN gateway_status");
            PGConnection pg = c.unwrap(PGConnection.class);
            String m = id("M", 15);
            String t = id("T", 8);

            // transactions, cards, batches, day totals: no notification
            assertNull(applyOne(store, new ChangeSet().txn(sale(rrn(), t, m, "000001", 100, now())),
                    new ChangeSet().card(card("hash-" + rrn(), 1_000))));
            assertNull(applyOne(store, new ChangeSet().batch(batch(t, 1)),
                    new ChangeSet().dayTotal(dayTotal(m, java.time.LocalDate.of(2026, 1, 1), 5))));
            // a terminal and a merchant in one group with a sale: one notification
            assertNull(applyOne(store, new ChangeSet().merchant(merchant(m)), new ChangeSet().terminal(terminal(t, m)),
                    new ChangeSet().txn(sale(rrn(), t, m, "000002", 100, now()))));
            assertEquals(1, awaitNotifications(pg, 0, 1), "the groups without status rows notified");

            // a merchant row that is rejected (stale version) while the sale beside it commits: no notification
            MerchantState stale = new MerchantState(m, MerchantStatus.FROZEN, 180, 500_000, 2_000_000, now(), 7);
            List<RuntimeException> r = store.apply(List.of(new ChangeSet().merchant(stale),
                    new ChangeSet().txn(sale(rrn(), t, m, "000003", 100, now()))));
            assertInstanceOf(ConcurrentUpdateException.class, r.get(0));
            assertNull(r.get(1));
            // a status change (version 2 of the merchant): one notification
            MerchantState frozen = new MerchantState(m, MerchantStatus.FROZEN, 180, 500_000, 2_000_000, now(), 2);
            assertNull(applyOne(store, new ChangeSet().merchant(frozen)));
            assertEquals(2, awaitNotifications(pg, 1, 2), "the group whose only status row was rejected notified");
        }
    }

    @Test
    void theListenerCallsBackOnEveryNodesChangesAndAfterALostConnection() throws Exception {
        assertSame(StatusSubscription.NONE, JdbcTransactionStore.open("jdbc:h2:mem:notify" + schema, "sa", "", 1)
                .onStatusChange(() -> { }), "H2 cannot notify");

        Semaphore calls = new Semaphore(0);
        StatusSubscription sub = store.onStatusChange(calls::release);
        await(sub::listening, "listening");
        assertTrue(calls.tryAcquire(30, TimeUnit.SECONDS), "one call on starting to listen (anything missed before)");
        calls.drainPermits();

        // another node (another store on the same schema) changes a merchant: a call
        other = JdbcTransactionStore.open(PostgresSupport.url(schema), PostgresSupport.USER, PostgresSupport.PASSWORD, 2);
        String m = id("M", 15);
        assertNull(applyOne(other, new ChangeSet().merchant(merchant(m))));
        assertTrue(calls.tryAcquire(30, TimeUnit.SECONDS), "no call for another node's merchant change");

        // the listener's backend is terminated: it reconnects (a new backend), calls once, and hears changes again
        int killed = listenerPid();
        try (Connection c = PostgresSupport.connect(PostgresSupport.URL); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + killed + ")");
        }
        await(() -> {
            int pid = listenerPid();
            return pid != 0 && pid != killed && sub.listening();
        }, "a new listening connection");
        assertTrue(calls.tryAcquire(30, TimeUnit.SECONDS), "no call after reconnecting");
        calls.drainPermits();
        MerchantState frozen = new MerchantState(m, MerchantStatus.FROZEN, 180, 500_000, 2_000_000, now(), 2);
        assertNull(applyOne(other, new ChangeSet().merchant(frozen)));
        assertTrue(calls.tryAcquire(30, TimeUnit.SECONDS), "no call for a change after reconnecting");

        // closed: its connection goes
        sub.close();
        assertFalse(sub.listening());
        await(() -> listenerPid() == 0, "the listener's connection closed");
    }

    /** The backend of this test's listener, 0 if none. */
    int listenerPid() {
        try (Connection c = PostgresSupport.connect(PostgresSupport.URL);
             PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, PgStatusListener.APPLICATION_NAME + " " + schema); // this test's only
            try (ResultSet rs = ps.executeQuery()) {
                int pid = rs.next() ? rs.getInt(1) : 0;
                assertFalse(rs.next(), "more than one listener connection");
                return pid;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + GENEROUS_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("not " + what + " after 30 s");
            Thread.sleep(20);
        }
    }
}
