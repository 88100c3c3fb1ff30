package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.store.PostgresSupport;

/** The two-node scenarios on one PostgreSQL schema (skipped with a message, or failed in CI, without PostgreSQL). */
class TwoNodePostgresTest extends TwoNodeContract {
    String schema;

    @Override
    String sharedUrl() {
        schema = PostgresSupport.createSchema();
        return PostgresSupport.url(schema);
    }

    @Override
    io.switchgate.store.TransactionStore openStore(GatewayConfig config) {
        return Gateway.Stores.open(config.store());
    }

    @Override
    void dropShared() {
        if (schema != null) PostgresSupport.dropSchema(schema);
    }
}
