package io.switchgate.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The journal writer: callers {@link #submit} change sets from any thread without blocking; one writer
 * thread takes everything waiting (up to {@code maxGroupSize}) and commits it with one
 * {@link TransactionStore#apply} call, so many transactions share one commit (one fsync).
 *
 * <p>A submitted future completes only after the group holding its set is committed: normally with
 * null; exceptionally with the set's own exception (typically {@link ConcurrentUpdateException}) when
 * the set was rejected while the others committed; or with the {@link StoreException} of the commit
 * when the whole group failed. Futures complete on the writer thread: keep dependent actions short, or
 * use the {@code *Async} variants.
 *
 * <p>{@link #close} commits what is queued, then stops the thread. Submitting after close, or to a
 * full queue, fails the future at once with a {@link StoreException}.
 */
public final class GroupCommitWriter implements CommitWriter {

    public static final int DEFAULT_MAX_GROUP_SIZE = 512;
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;

    /** Told about every group after its commit (on the writer thread); for metrics. */
    @FunctionalInterface
    public interface GroupListener {
        /**
         * @param size      sets in the group
         * @param rejected  sets rejected on their own (the others committed); equals size when the commit failed
         * @param nanos     duration of the {@code apply} call
         * @param committed false when the commit itself failed
         */
        void onGroup(int size, int rejected, long nanos, boolean committed);
    }

    private static final class Pending {
        final ChangeSet set;
        final CompletableFuture<Void> future;

        Pending(ChangeSet set, CompletableFuture<Void> future) {
            this.set = set;
            this.future = future;
        }
    }

    /** Wakes the writer on close; never handed to the store. */
    private static final Pending WAKE_UP = new Pending(new ChangeSet(), new CompletableFuture<>());

    private final TransactionStore store;
    private final int maxGroupSize;
    private final BlockingQueue<Pending> queue;
    private final GroupListener listener;
    private final Thread thread;
    private volatile boolean closed;

    // written by the writer thread only
    private volatile long groupsCommitted;
    private volatile long groupsFailed;
    private volatile long setsInGroups;
    private volatile long setsCommitted;
    private volatile long setsRejected;
    private volatile int lastGroupSize;
    private volatile int maxGroupSeen;
    private volatile long lastCommitNanos;
    private volatile long totalCommitNanos;
    private volatile long maxCommitNanos;
    // written by the writer and by submitters
    private final AtomicLong setsFailed = new AtomicLong();

    public GroupCommitWriter(TransactionStore store) {
        this(store, DEFAULT_MAX_GROUP_SIZE, DEFAULT_QUEUE_CAPACITY, null);
    }

    /**
     * @param maxGroupSize  most sets per {@code apply} call
     * @param queueCapacity most sets waiting; a submit beyond it fails fast with "journal queue full"
     * @param listener      told about each group (may be null)
     */
    public GroupCommitWriter(TransactionStore store, int maxGroupSize, int queueCapacity, GroupListener listener) {
        if (maxGroupSize < 1) throw new IllegalArgumentException("maxGroupSize must be >= 1");
        if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity must be >= 1");
        this.store = Objects.requireNonNull(store, "store");
        this.maxGroupSize = maxGroupSize;
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
        this.listener = listener;
        this.thread = new Thread(this::run, "journal-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a change set; never blocks. The future completes once its group is committed (see class doc). */
    @Override
    public CompletableFuture<Void> submit(ChangeSet set) {
        Objects.requireNonNull(set, "set");
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (closed) return refuse(f, "journal writer is closed");
        Pending p = new Pending(set, f);
        if (!queue.offer(p)) return refuse(f, "journal queue full");
        // close() may have started between the check and the offer: if the writer has not taken
        // the set yet, take it back and refuse it; if it has, the writer commits it before stopping.
        if (closed && queue.remove(p)) return refuse(f, "journal writer is closed");
        return f;
    }

    private CompletableFuture<Void> refuse(CompletableFuture<Void> f, String why) {
        setsFailed.incrementAndGet();
        f.completeExceptionally(new StoreException(why));
        return f;
    }

    private void run() {
        List<Pending> group = new ArrayList<>(maxGroupSize);
        List<ChangeSet> sets = new ArrayList<>(maxGroupSize);
        while (true) {
            Pending first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null; // we are never interrupted on purpose; keep draining
            }
            if (first == null || first == WAKE_UP) {
                if (closed && queue.isEmpty()) return;
                continue;
            }
            group.add(first);
            queue.drainTo(group, maxGroupSize - 1);
            group.removeIf(p -> p == WAKE_UP);
            for (Pending p : group) sets.add(p.set);
            commit(group, sets);
            group.clear();
            sets.clear();
        }
    }

    /**
     * The highest lineage a set of which failed or was rejected (writer thread only): later sets of that lineage or an
     * older one rest on changes that were not committed, and are refused without being applied (see
     * {@link ChangeSet#lineage}). The decider starts a newer lineage once it has dropped those changes.
     */
    private long failedLineage;

    private void commit(List<Pending> group, List<ChangeSet> sets) {
        if (failedLineage != 0 && refuseTainted(group, sets)) {
            if (group.isEmpty()) return;
        }
        int size = group.size();
        long t0 = System.nanoTime();
        List<RuntimeException> results = null;
        RuntimeException failure = null;
        try {
            results = store.apply(sets);
            if (results == null || results.size() != size) {
                failure = new StoreException("store returned " + (results == null ? "no" : results.size())
                        + " results for " + size + " change sets");
            }
        } catch (StoreException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            failure = new StoreException("journal commit failed: " + e, e);
        }
        long nanos = System.nanoTime() - t0;

        lastGroupSize = size;
        if (size > maxGroupSeen) maxGroupSeen = size;
        lastCommitNanos = nanos;
        totalCommitNanos += nanos;
        if (nanos > maxCommitNanos) maxCommitNanos = nanos;
        setsInGroups += size;

        int rejected = 0;
        if (failure != null) {
            groupsFailed++;
            setsFailed.addAndGet(size);
            rejected = size;
        } else {
            groupsCommitted++;
            for (RuntimeException r : results) if (r != null) rejected++;
            setsCommitted += size - rejected;
            setsRejected += rejected;
        }
        if (listener != null) {
            try {
                listener.onGroup(size, rejected, nanos, failure == null);
            } catch (RuntimeException ignored) {
                // metrics must not stop the journal
            }
        }
        for (int i = 0; i < size; i++) {
            RuntimeException r = failure != null ? failure : results.get(i);
            long lineage = sets.get(i).lineage;
            if (r != null && lineage > failedLineage) failedLineage = lineage;
        }
        for (int i = 0; i < size; i++) {
            CompletableFuture<Void> f = group.get(i).future;
            RuntimeException r = failure != null ? failure : results.get(i);
            if (r == null) f.complete(null);
            else f.completeExceptionally(r);
        }
    }

    /** Takes the sets that rest on a failed lineage out of the group and fails them; true if it took any. */
    private boolean refuseTainted(List<Pending> group, List<ChangeSet> sets) {
        boolean any = false;
        for (int i = group.size() - 1; i >= 0; i--) {
            long lineage = sets.get(i).lineage;
            if (lineage == 0 || lineage > failedLineage) continue;
            Pending p = group.remove(i);
            sets.remove(i);
            setsRejected++;
            p.future.completeExceptionally(ChangeSets.restsOnFailed());
            any = true;
        }
        return any;
    }

    @Override
    public GroupCommitStats stats() {
        return new GroupCommitStats(groupsCommitted, groupsFailed, setsInGroups, setsCommitted, setsRejected,
                setsFailed.get(), lastGroupSize, maxGroupSeen, lastCommitNanos, totalCommitNanos, maxCommitNanos,
                queue.size());
    }

    /** Sets waiting now. */
    @Override
    public int queueDepth() {
        return queue.size();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Stops taking sets, commits everything already queued, then stops the writer thread. Idempotent. Does not close the store. */
    @Override
    public void close() {
        closed = true;
        queue.offer(WAKE_UP);
        if (Thread.currentThread() == thread) return;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
