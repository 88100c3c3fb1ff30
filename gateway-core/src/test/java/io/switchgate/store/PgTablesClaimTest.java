package io.switchgate.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Who may use a PostgreSQL schema: one node that commits to its own file journal (its projection, overwriting rows by
 * key), or any number of nodes whose journal is the database; never both, and never the second kind on tables the
 * first left short of its records. Skipped without PostgreSQL unless {@code gateway.test.requirePostgres=true}.
 */
class PgTablesClaimTest {
    private String schema;
    private final List<JdbcTransactionStore> open = new ArrayList<>();
    private String waitBefore;

    @BeforeEach
    void setUp() {
        schema = PostgresSupport.createSchema();
        waitBefore = System.setProperty(PgTablesClaim.WAIT_PROPERTY, "300"); // refusals after 0.3 s, not 10
    }

    @AfterEach
    void tearDown() {
        for (JdbcTransactionStore s : open) s.close();
        if (waitBefore == null) System.clearProperty(PgTablesClaim.WAIT_PROPERTY);
        else System.setProperty(PgTablesClaim.WAIT_PROPERTY, waitBefore);
        PostgresSupport.dropSchema(schema);
    }

    private JdbcTransactionStore store() {
        JdbcTransactionStore s = JdbcTransactionStore.open(PostgresSupport.url(schema), PostgresSupport.USER, PostgresSupport.PASSWORD, 2);
        open.add(s);
        s.migrate();
        return s;
    }

    @Test
    void aProjectionTakesTheTablesForItselfAgainstAnotherProjectionAndAgainstSharingNodes() {
        JdbcTransactionStore first = store();
        assertFalse(first.exclusive(), "unclaimed PostgreSQL may be shared");
        first.claimProjection("node 01 with its journal in /j1");
        assertTrue(first.exclusive(), "claimed: what this node did not write is not there");

        StoreException second = assertThrows(StoreException.class, () -> store().claimProjection("node 02 with its journal in /j2"));
        assertTrue(second.getMessage().contains("is in use by another gateway node"), second.getMessage());
        assertTrue(second.getMessage().contains("schema " + schema), second.getMessage());

        StoreException shared = assertThrows(StoreException.class, () -> store().joinAsJournal());
        assertTrue(shared.getMessage().contains("taken by a gateway node that commits to its own file journal"), shared.getMessage());
    }

    @Test
    void sharingNodesKeepAProjectionOutAndMayBeMany() {
        store().joinAsJournal();
        store().joinAsJournal(); // any number of them
        StoreException e = assertThrows(StoreException.class, () -> store().claimProjection("node 01 with its journal in /j1"));
        assertTrue(e.getMessage().contains("is in use by another gateway node"), e.getMessage());
    }

    /**
     * A node alone killed before its records reached the tables: another node alone (another journal.dir or node id)
     * took the schema over, and the crashed node's approvals were gone (an audit). Refused now, the mark left as it
     * was, until the owner has started again and stopped cleanly.
     */
    @Test
    void tablesAProjectionLeftShortAreRefusedToAnotherNodeAloneUntilItStopsCleanly() {
        JdbcTransactionStore crashed = store();
        crashed.claimProjection("gateway node 01 with its journal in /j1");
        crashed.close();
        open.remove(crashed);

        StoreException e = assertThrows(StoreException.class, () -> store().claimProjection("gateway node 02 with its journal in /j2"));
        assertTrue(e.getMessage().contains("holds the projection of gateway node 01 with its journal in /j1"), e.getMessage());
        StoreException again = assertThrows(StoreException.class, () -> store().claimProjection("gateway node 01 with its journal in /j9"));
        assertTrue(again.getMessage().contains("holds the projection of gateway node 01 with its journal in /j1"),
                "the refused start left the mark as it was: " + again.getMessage());

        JdbcTransactionStore owner = store(); // the owner, as it was: it claims, recovers, stops cleanly
        owner.claimProjection("gateway node 01 with its journal in /j1");
        owner.releaseProjection();
        owner.close();
        open.remove(owner);
        JdbcTransactionStore next = store();
        next.claimProjection("gateway node 02 with its journal in /j2"); // after a clean stop: taken
    }

    @Test
    void tablesAProjectionLeftShortAreRefusedToSharingNodesUntilItStopsCleanly() {
        JdbcTransactionStore crashed = store();
        crashed.claimProjection("gateway node 01 with its journal in /j1");
        crashed.close(); // its session ends, as a kill's does; it never released: records may wait in its journal
        open.remove(crashed);

        StoreException e = assertThrows(StoreException.class, () -> store().joinAsJournal());
        assertTrue(e.getMessage().contains("holds the projection of gateway node 01 with its journal in /j1"), e.getMessage());
        assertTrue(e.getMessage().contains("stopped before its tables had every record"), e.getMessage());

        JdbcTransactionStore again = store(); // the lock went with the killed session
        again.claimProjection("gateway node 01 with its journal in /j1");
        again.releaseProjection(); // a clean stop: every record in the tables
        again.close();
        open.remove(again);

        JdbcTransactionStore sharing = store();
        sharing.joinAsJournal();
        assertFalse(sharing.exclusive());
    }
}
