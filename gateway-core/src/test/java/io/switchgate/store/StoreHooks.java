package io.switchgate.store;

/** What tests of other packages may change in a store that no configuration offers. */
public final class StoreHooks {
    private StoreHooks() {
    }

    /** The journal log is checkpointed and emptied once it holds more than {@code bytes} (64 MB shipped). */
    public static void checkpointLogAbove(JdbcTransactionStore store, long bytes) {
        store.checkpointBytes(bytes);
    }
}
