package io.switchgate.server.host;

import io.switchgate.store.TransactionStore;

import java.util.function.Supplier;

/**
 * The gateway's own STANs towards one host (000001..999999, then around again), from a sequence in the store
 * reserved in blocks: a restart never reuses a recent STAN, and nodes sharing a database never collide.
 */
final class HostStans implements Supplier<String> {
    static final int BLOCK = 1000;
    private final TransactionStore store;
    private final String sequence;
    private long next;
    private long limit;

    HostStans(TransactionStore store, String host) {
        this.store = store;
        this.sequence = "host-stan-" + host;
    }

    @Override
    public synchronized String get() {
        if (next >= limit) {
            next = store.reserveSequence(sequence, BLOCK);
            limit = next + BLOCK;
        }
        long v = (next++ - 1) % 999_999 + 1;
        return HostMessages.pad(v, 6);
    }
}
