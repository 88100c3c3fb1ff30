package io.switchgate.saf;

import io.switchgate.store.JdbcTransactionStore;

import java.util.UUID;

class H2SafQueueTest extends SafQueueContract {
    private JdbcTransactionStore store;

    @Override
    SafQueue open() {
        store = JdbcTransactionStore.open("jdbc:h2:mem:saf" + UUID.randomUUID().toString().replace("-", ""), "sa", "", 4);
        store.migrate();
        return JdbcSafQueue.forStore(store);
    }

    @Override
    void cleanUp() {
        store.close();
    }
}
