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

    private String emptySchema;

    @Override
    protected TransactionStore[] openEmptyPair() {
        emptySchema = PostgresSupport.createSchema();
        String url = PostgresSupport.url(emptySchema);
        return new TransactionStore[]{
                JdbcTransactionStore.open(url, PostgresSupport.USER, PostgresSupport.PASSWORD, 2),
                JdbcTransactionStore.open(url, PostgresSupport.USER, PostgresSupport.PASSWORD, 2)};
    }

    @Override
    protected void cleanUp() {
        PostgresSupport.dropSchema(schema);
        PostgresSupport.dropSchema(emptySchema);
        schema = null;
        emptySchema = null;
    }
}
