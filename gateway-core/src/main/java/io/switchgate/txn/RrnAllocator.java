package io.switchgate.txn;

import io.switchgate.store.TransactionStore;

/**
 * Retrieval reference numbers: the node id (2 characters) followed by 10 digits from a sequence kept
 * in the store. Blocks of numbers are reserved (committed) before use, so a restart never reuses one
 * and two nodes never collide. Called only from the engine thread.
 */
public final class RrnAllocator {
    static final int BLOCK = 1000;
    private static final long MAX = 10_000_000_000L;

    private final String nodeId;
    private final TransactionStore store;
    private long next;
    private long limit;

    public RrnAllocator(String nodeId, TransactionStore store) {
        if (nodeId == null || nodeId.length() != 2) throw new IllegalArgumentException("node.id must be 2 characters");
        this.nodeId = nodeId;
        this.store = store;
    }

    public String next() {
        if (next >= limit) {
            next = store.reserveSequence("rrn-" + nodeId, BLOCK);
            limit = next + BLOCK;
        }
        long n = (next++) % MAX;
        char[] c = new char[12];
        c[0] = nodeId.charAt(0);
        c[1] = nodeId.charAt(1);
        for (int i = 11; i >= 2; i--) {
            c[i] = (char) ('0' + n % 10);
            n /= 10;
        }
        return new String(c);
    }
}
