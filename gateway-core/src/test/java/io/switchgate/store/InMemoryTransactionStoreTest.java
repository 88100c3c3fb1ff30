package io.switchgate.store;

class InMemoryTransactionStoreTest extends TransactionStoreContract {
    @Override
    protected TransactionStore openFresh() {
        return new InMemoryTransactionStore();
    }

    @Override
    protected TransactionStore openAnother() {
        return store; // one instance is the whole database
    }
}
