package io.switchgate.store;

import java.util.UUID;

/** The contract on an in-memory H2 database (one per test). */
class H2MemTransactionStoreTest extends TransactionStoreContract {

    private String url;

    @Override
    protected TransactionStore openFresh() {
        url = "jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "");
        JdbcTransactionStore s = JdbcTransactionStore.open(url, "sa", "", 4);
        s.migrate();
        return s;
    }

    @Override
    protected TransactionStore openAnother() {
        return JdbcTransactionStore.open(url, "sa", "", 4);
    }

    @Override
    protected TransactionStore[] openEmptyPair() {
        String empty = "jdbc:h2:mem:e" + java.util.UUID.randomUUID().toString().replace("-", "");
        return new TransactionStore[]{JdbcTransactionStore.open(empty, "sa", "", 2), JdbcTransactionStore.open(empty, "sa", "", 2)};
    }
}
