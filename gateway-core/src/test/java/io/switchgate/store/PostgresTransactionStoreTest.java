package io.switchgate.store;

/** The contract on PostgreSQL, a fresh schema per test (see {@link PostgresSupport}). */
class PostgresTransactionStoreTest extends TransactionStoreContract {

    private String schema;

    @Override
    protected TransactionStore openFresh() {
        schema = PostgresSupport.createSchema();
        JdbcTransactionStore s = JdbcTransactionStore.open(PostgresSupport.url(schema), PostgresSupport.USER, PostgresSupport.PASSWORD, 4);
        s.migrate();
        return s;
    }

    @Override
    protected TransactionStore openAnother() {
        return JdbcTransactionStore.open(PostgresSupport.url(schema), PostgresSupport.USER, PostgresSupport.PASSWORD, 4);
    }

    @Override
    protected void cleanUp() {
        PostgresSupport.dropSchema(schema);
        schema = null;
    }
}
