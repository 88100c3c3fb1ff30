package io.switchgate.saf;

import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.PostgresSupport;

/** The same contract on PostgreSQL (FOR UPDATE SKIP LOCKED leasing), in a fresh schema; skipped unless PostgreSQL is there or required. */
class PostgresSafQueueTest extends SafQueueContract {
    private JdbcTransactionStore store;
    private String schema;

    @Override
    SafQueue open() {
        schema = PostgresSupport.createSchema();
        store = JdbcTransactionStore.open(PostgresSupport.url(schema), PostgresSupport.USER, PostgresSupport.PASSWORD, 4);
        store.migrate();
        return JdbcSafQueue.forStore(store);
    }

    @Override
    void cleanUp() {
        if (store != null) store.close();
        PostgresSupport.dropSchema(schema);
    }
}
