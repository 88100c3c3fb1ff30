package io.switchgate.txn;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.TxnRecord;
import io.switchgate.store.TransactionStore;

import java.util.List;

/**
 * The stage before the engine thread for a refund or void whose original sale is not in the working set (a merchant
 * refunding a sale of months ago), a reversal of a request this run has not seen, or a request whose card (embedded
 * authorizer), terminal's open batch or merchant's day total the working set does not hold yet (first use this run):
 * the sale and what already acted on it, the card, batch and day total are read from the store here, on a thread of
 * their own, and the request goes back to the engine thread with them. The engine thread never waits on that read,
 * so one old sale does not hold every other terminal's answer. Where the engine's duplicate index cannot answer
 * alone (a store shared by nodes, or a full index), every new request comes here for its duplicate key too: the keys
 * of the requests queued together are read in one query ({@link TransactionStore#findByDupKeys}), not one each.
 *
 * <p>What was read is only a hint (see {@link EngineState#adopt}): the engine takes it if nothing left its working
 * set since the read began, else it reads again itself. A read that fails leaves no hint: the engine reads, and a
 * failure there answers the request as any store failure does.
 */
final class Prefetch implements AutoCloseable {

    /**
     * What the stage read: the original (null if none was asked for or the store has none) and the refunds, voids and
     * reversals of it; and the card the embedded authorizer will debit or credit (null if none was asked for or the
     * store has none).
     */
    record Prefetched(String rrn, TxnRecord original, List<TxnRecord> children, CardAccount card, BatchState batch,
                      MerchantDayTotal dayTotal, long epoch) {
        Prefetched(String rrn, TxnRecord original, List<TxnRecord> children, long epoch) {
            this(rrn, original, children, null, null, null, epoch);
        }
    }

    /**
     * What to read for one request, each part null (or 0) when the working set has it or the request does not need
     * it: the original a refund or void names, the card, the terminal's open batch, the merchant's day total.
     */
    record Wanted(String rrn, String panHash, String terminalId, long batchNo, String merchantId, java.time.LocalDate day) {
        /** Nothing to read: a request that only keeps its place behind an earlier one of its terminal. */
        static final Wanted NOTHING = new Wanted(null, null, null, 0, null, null);
    }

    /**
     * What the stage read for a reversal: the store's requests of that terminal and STAN (what a reversal may name;
     * empty for a reversal whose original never arrived), each with what acted on it.
     */
    record ReversalCandidates(String terminalId, String stan, List<Prefetched> candidates, long epoch) { }

    /**
     * What the stage found in the store for a request's duplicate-detection key: the newest transaction under it, or
     * null if the store had none when it was read. Asked only where the engine's index cannot answer alone (several
     * nodes share the store, or the index is full and let older keys go). Where several nodes share the store, also
     * when a reversal of the request's terminal and STAN that found no original was created in the last 24 hours
     * (epoch millis; null if none was, or the stage was not asked): it may have come to another node.
     */
    record DupChecked(String dupKey, TxnRecord found, Long reversedBeforeArrivalAt) { }

    /** Where a read's result goes: back to the engine thread with the request. */
    interface Back<T> {
        /** {@code read} null if the read failed or the stage is closed; {@code dup} null if none was asked or read. */
        void accept(T read, DupChecked dup);
    }

    /** At most this many requests' reads in one turn of the stage (their duplicate keys in one store read). */
    static final int MAX_BATCH = 256;

    private final TransactionStore store;
    /** The engine's clock when several nodes share the store (reversals of the last 24 hours are read), else null. */
    private final java.time.Clock orphansClock;
    private final java.util.concurrent.BlockingQueue<Job> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread reader;
    private boolean closed; // guarded by this

    /** One request's reads: its duplicate key (read with the batch's) and then what else it wants. */
    private abstract static class Job {
        final TransactionStore.DupKeyLookup dup;

        Job(TransactionStore.DupKeyLookup dup) {
            this.dup = dup;
        }

        /** Reads the rest and hands everything back; {@code keys} null if no key was read (failed, or not asked). */
        abstract void run(TransactionStore store, TransactionStore.KeysRead keys);

        /** The stage is closed: nothing was read. */
        abstract void reject();

        DupChecked dupChecked(TransactionStore.KeysRead keys) {
            if (dup == null || keys == null) return null;
            return new DupChecked(dup.dupKey(), keys.found().get(dup.dupKey()),
                    keys.orphans() == null ? null : keys.orphans().get(dup.terminalId() + '|' + dup.stan()));
        }
    }

    private static final Job CLOSE = new Job(null) {
        @Override
        void run(TransactionStore store, TransactionStore.KeysRead keys) {
        }

        @Override
        void reject() {
        }
    };

    /**
     * @param orphansClock where several nodes share the store: the engine's clock, and the keys of each batch also read
     *                     the reversals of the last 24 hours that found no original; null: not read (this node's working
     *                     set knows every such reversal)
     */
    Prefetch(TransactionStore store, java.time.Clock orphansClock) {
        this.store = store;
        this.orphansClock = orphansClock;
        this.reader = new Thread(this::readLoop, "prefetch");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Takes what is queued, up to {@link #MAX_BATCH} requests: their duplicate keys in one store read, then each
     * request's own reads and its hand-back, in the order they came (a terminal's requests stay in order).
     */
    private void readLoop() {
        List<Job> batch = new java.util.ArrayList<>(MAX_BATCH);
        List<TransactionStore.DupKeyLookup> keys = new java.util.ArrayList<>(MAX_BATCH);
        boolean closing = false;
        while (!closing) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() ends the stage: it queues CLOSE last
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            for (Job j : batch) {
                if (j == CLOSE) closing = true;
                else if (j.dup != null) keys.add(j.dup);
            }
            TransactionStore.KeysRead dupRead = null;
            if (!keys.isEmpty()) {
                try {
                    dupRead = store.readKeys(keys, orphansClock == null ? null
                            : orphansClock.instant().minus(java.time.Duration.ofHours(24)));
                } catch (RuntimeException e) {
                    dupRead = null; // the engine asks the store itself, and answers a failure there
                }
            }
            for (Job j : batch) {
                try {
                    j.run(store, dupRead);
                } catch (RuntimeException e) {
                    // a hand-back that failed (the engine stopping): the stage goes on for the others
                }
            }
            batch.clear();
            keys.clear();
        }
    }

    private void submit(Job job) {
        synchronized (this) {
            if (!closed) {
                queue.add(job);
                return;
            }
        }
        job.reject();
    }

    /** The RRN a refund or void names (DE 37), or null for any other request. */
    static String originalRrnOf(Request r) {
        var m = r.msg;
        if (!"0200".equals(m.getMti()) && !"0220".equals(m.getMti())) return null;
        String proc = m.getString(3);
        if (proc == null || !(proc.startsWith("20") || proc.startsWith("02"))) return null;
        String rrn = m.getString(37);
        if (rrn == null) return null;
        rrn = rrn.trim();
        return rrn.isEmpty() ? null : rrn;
    }

    /**
     * The terminal and original STAN a reversal names (DE 41; DE 90 positions 5-10, else DE 11), or null for any
     * other request or one without them.
     */
    static String[] reversalKeyOf(Request r) {
        var m = r.msg;
        if (!"0400".equals(m.getMti()) && !"0420".equals(m.getMti())) return null;
        String terminal = m.getString(41);
        String stan = OriginalNamed.of(m).stan();
        if (terminal == null || terminal.isBlank() || stan == null) return null;
        return new String[] {terminal.trim(), stan};
    }

    /**
     * Reads what a reversal may name (and its duplicate key, if {@code dup} is not null), then hands it to
     * {@code back} (read null if the read failed or the stage is closed).
     */
    void readReversal(String terminalId, String stan, TransactionStore.DupKeyLookup dup, long epoch, Back<ReversalCandidates> back) {
        submit(new Job(dup) {
            @Override
            void run(TransactionStore store, TransactionStore.KeysRead dupRead) {
                ReversalCandidates c;
                try {
                    List<Prefetched> found = new java.util.ArrayList<>(1);
                    for (TxnRecord t : store.findByTerminalAndStan(terminalId, stan)) {
                        found.add(new Prefetched(t.rrn(), t, store.findByOriginalRrn(t.rrn()), epoch));
                    }
                    c = new ReversalCandidates(terminalId, stan, found, epoch);
                } catch (RuntimeException e) {
                    c = null; // the engine reads itself
                }
                back.accept(c, dupChecked(dupRead));
            }

            @Override
            void reject() {
                back.accept(null, null);
            }
        });
    }

    /**
     * Reads what is {@link Wanted} (and the duplicate key, if {@code dup} is not null), then hands the result to
     * {@code back} (which puts the request on the engine thread again); {@code back} gets a null read if the read
     * failed or the stage is closed.
     */
    void read(Wanted w, TransactionStore.DupKeyLookup dup, long epoch, Back<Prefetched> back) {
        submit(new Job(dup) {
            @Override
            void run(TransactionStore store, TransactionStore.KeysRead dupRead) {
                Prefetched p;
                try {
                    TxnRecord original = w.rrn() == null ? null : store.findByRrn(w.rrn()).orElse(null);
                    List<TxnRecord> children = original == null ? List.of() : store.findByOriginalRrn(w.rrn());
                    CardAccount card = w.panHash() == null ? null : store.findCard(w.panHash()).orElse(null);
                    BatchState batch = w.terminalId() == null ? null
                            : store.findBatch(w.terminalId(), w.batchNo()).orElse(null);
                    MerchantDayTotal day = w.merchantId() == null ? null
                            : store.findDayTotal(w.merchantId(), w.day()).orElseGet(() -> MerchantDayTotal.empty(w.merchantId(), w.day()));
                    p = new Prefetched(w.rrn(), original, children, card, batch, day, epoch);
                } catch (RuntimeException e) {
                    p = null; // the engine reads itself, and answers a failure there
                }
                back.accept(p, dupChecked(dupRead));
            }

            @Override
            void reject() {
                back.accept(null, null);
            }
        });
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            queue.add(CLOSE); // the last job: what was queued before it is still read and handed back
        }
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
