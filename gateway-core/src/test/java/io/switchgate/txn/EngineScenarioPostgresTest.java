package io.switchgate.txn;

import io.switchgate.store.PostgresSupport;
import org.junit.jupiter.api.AfterEach;

/**
 * The same scenarios on PostgreSQL at 127.0.0.1:5432 (database {@code test}), each in a fresh schema.
 * Mandatory when {@code gateway.test.requirePostgres=true} (CI); skipped with a message otherwise when unreachable.
 */
class EngineScenarioPostgresTest extends EngineScenarioTest {
    private String schema;

    @Override
    String storeUrl() {
        schema = PostgresSupport.createSchema();
        return PostgresSupport.url(schema);
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) PostgresSupport.dropSchema(schema);
    }
}
