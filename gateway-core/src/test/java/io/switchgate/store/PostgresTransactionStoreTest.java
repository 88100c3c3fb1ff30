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

    /** A url whose schema is not there: said so, the url named (an audit got only "SQLState 3F000" and the server's words). */
    @org.junit.jupiter.api.Test
    void aSchemaThatDoesNotExistIsSaidSo() {
        String gone = PostgresSupport.createSchema();
        PostgresSupport.dropSchema(gone);
        try (JdbcTransactionStore s = JdbcTransactionStore.open(PostgresSupport.url(gone), PostgresSupport.USER, PostgresSupport.PASSWORD, 2)) {
            StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class, s::migrate);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("store.url: the schema it names (currentSchema) does not exist"),
                    e.getMessage());
        }
    }

    @Override
    protected void cleanUp() {
        PostgresSupport.dropSchema(schema);
        PostgresSupport.dropSchema(emptySchema);
        schema = null;
        emptySchema = null;
    }
}
