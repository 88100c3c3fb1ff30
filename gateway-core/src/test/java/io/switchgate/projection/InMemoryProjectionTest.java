package io.switchgate.projection;

import io.switchgate.store.ForwardingStore;
import io.switchgate.store.InMemoryTransactionStore;
import io.switchgate.store.TransactionStore;

import java.util.HashMap;
import java.util.Map;

/** The projection into the in-memory store; "closing" it keeps its contents, as a reopened database would. */
class InMemoryProjectionTest extends ProjectionContract {
    private final Map<String, InMemoryTransactionStore> stores = new HashMap<>();

    @Override
    TransactionStore openStore(String name) {
        return new ForwardingStore(stores.computeIfAbsent(name, n -> new InMemoryTransactionStore())) {
            @Override
            public void close() {
                // the contents outlive the "process"
            }
        };
    }
}
