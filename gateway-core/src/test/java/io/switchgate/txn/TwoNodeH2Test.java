package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.store.ForwardingStore;

import java.util.UUID;

/**
 * The two-node scenarios on one H2 in-memory database that both nodes open (two stores, two pools, two engines,
 * two writers in one JVM), so they run without PostgreSQL.
 *
 * <p>Two things differ from production, where only PostgreSQL may be shared ({@code ConfigLoader} refuses
 * {@code sharedByNodes} with H2): H2 does not always re-check a conditional UPDATE after waiting for a row lock,
 * so the JDBC store serialises H2 writers with one lock per database in the process ({@code H2WriteLock}), which
 * both nodes here share, as they would need to; and an H2 store says it is {@code exclusive()} (nobody else
 * writes it), which is untrue here, so each node sees its store through a view that says it is not.
 */
class TwoNodeH2Test extends TwoNodeContract {
    String url;

    @Override
    String sharedUrl() {
        url = "jdbc:h2:mem:twonode" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        return url;
    }

    @Override
    io.switchgate.store.TransactionStore openStore(GatewayConfig config) {
        return new ForwardingStore(Gateway.Stores.open(config.store())) {
            @Override
            public boolean exclusive() {
                return false; // the other node writes it too
            }
        };
    }

    @Override
    void dropShared() {
        if (url == null) return;
        try (var c = java.sql.DriverManager.getConnection(url, "sa", ""); var s = c.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        } catch (java.sql.SQLException e) {
            System.err.println("could not drop test database " + url + ": " + e.getMessage());
        }
    }
}
