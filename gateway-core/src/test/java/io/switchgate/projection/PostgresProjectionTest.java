package io.switchgate.projection;

import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.PostgresSupport;
import io.switchgate.store.TransactionStore;
import org.junit.jupiter.api.AfterEach;

import java.util.HashMap;
import java.util.Map;

/**
 * The projection into PostgreSQL, one fresh schema per store name; skipped without PostgreSQL unless
 * {@code gateway.test.requirePostgres=true} (CI), see {@link PostgresSupport}.
 */
class PostgresProjectionTest extends ProjectionContract {
    private final Map<String, String> schemas = new HashMap<>();

    @Override
    TransactionStore openStore(String name) {
        String schema = schemas.computeIfAbsent(name, n -> PostgresSupport.createSchema());
        JdbcTransactionStore s = JdbcTransactionStore.open(PostgresSupport.url(schema), PostgresSupport.USER,
                PostgresSupport.PASSWORD, 4);
        s.migrate();
        return s;
    }

    @AfterEach
    void dropSchemas() throws Exception {
        closeAll();
        for (String schema : schemas.values()) PostgresSupport.dropSchema(schema);
    }
}
