package io.switchgate.txn;

import io.switchgate.store.TransactionStore;

/**
 * Retrieval reference numbers: the node id (2 characters) followed by 10 digits from a sequence kept
 * in the store. Blocks of numbers are reserved (committed) before use, so a restart never reuses one
 * and two nodes never collide. Called only from the engine thread.
 *
 * <p>The next block is reserved in the background once half of the current one is used, so the engine thread does
 * not wait on the database (on H2 the reservation queues behind the projection's commit) except at the very first
 * number, or when the background reservation failed (then it is tried again, here, and its failure is the request's).
 */
public final class RrnAllocator {
    static final int BLOCK = 1000;
    private static final long MAX = 10_000_000_000L;
    private static final java.util.concurrent.Executor RESERVER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rrn-reserve");
        t.setDaemon(true);
        return t;
    });

    private final String nodeId;
    private final TransactionStore store;
    private long next;
    private long limit;
    /** The block reserved ahead (its first number), or null. */
    private java.util.concurrent.CompletableFuture<Long> ahead;
    /** Why the last reservation failed, until one succeeds (any thread reads it: {@code /health}). */
    private volatile String problem;

    public RrnAllocator(String nodeId, TransactionStore store) {
        if (nodeId == null || nodeId.length() != 2) throw new IllegalArgumentException("node.id must be 2 characters");
        this.nodeId = nodeId;
        this.store = store;
    }

    public String next() {
        if (next >= limit) {
            next = takeBlock();
            limit = next + BLOCK;
        } else if (ahead == null && limit - next <= BLOCK / 2) {
            String name = io.switchgate.store.RrnSequence.name(nodeId);
            ahead = java.util.concurrent.CompletableFuture.supplyAsync(() -> store.reserveSequence(name, BLOCK), RESERVER);
        }
        return format(nodeId, (next++) % MAX);
    }

    /** The RRN of sequence number {@code n} (below 10^10) on node {@code nodeId}: the node's two characters, then n. */
    public static String format(String nodeId, long n) {
        char[] c = new char[12];
        c[0] = nodeId.charAt(0);
        c[1] = nodeId.charAt(1);
        for (int i = 11; i >= 2; i--) {
            c[i] = (char) ('0' + n % 10);
            n /= 10;
        }
        return new String(c);
    }

    private long takeBlock() {
        java.util.concurrent.CompletableFuture<Long> f = ahead;
        ahead = null;
        if (f != null) {
            try {
                return f.join();
            } catch (java.util.concurrent.CompletionException e) {
                // the background reservation failed: try once more here, where a failure answers the request
            }
        }
        return reserve(BLOCK);
    }

    /** {@code count} numbers from the store; a failure is kept as {@link #problem} until a reservation succeeds. */
    private long reserve(int count) {
        try {
            long first = store.reserveSequence(io.switchgate.store.RrnSequence.name(nodeId), count);
            problem = null;
            return first;
        } catch (RuntimeException e) {
            problem = "RRNs cannot be reserved: " + e.getMessage();
            throw e;
        }
    }

    /**
     * Why requests cannot get an RRN now (the store took no write: its disk full, say), or null. Reads may still work
     * then, so a health check that only reads said UP while every request was answered 96 (a re-audit).
     */
    public String problem() {
        return problem;
    }

    /**
     * Tries the store's write again (one number reserved and left unused), so that a node no load balancer sends work
     * to any more (its health DOWN) finds out it can serve again: any thread.
     *
     * @return true if the store took it (the problem is cleared)
     */
    public boolean probe() {
        try {
            reserve(1);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
