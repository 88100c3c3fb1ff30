package io.switchgate.txn;

import io.switchgate.store.PostgresSupport;
import org.junit.jupiter.api.AfterEach;

/** The same on PostgreSQL (a fresh schema per test); see EngineScenarioPostgresTest. */
class EveryResponsePostgresTest extends EveryResponseTest {
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
