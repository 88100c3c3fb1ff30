package io.switchgate.projection;

import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.TransactionStore;

/** The projection into H2 files (the gateway's default store), closed and reopened across the simulated crash. */
class H2FileProjectionTest extends ProjectionContract {
    @Override
    TransactionStore openStore(String name) {
        JdbcTransactionStore s = JdbcTransactionStore.open("jdbc:h2:file:" + dir.resolve(name), "sa", "", 4);
        s.migrate();
        return s;
    }
}
