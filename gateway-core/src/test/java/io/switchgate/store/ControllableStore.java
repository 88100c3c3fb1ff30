package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store whose commits ({@link #apply}, what {@link GroupCommitWriter} calls) fail or wait on demand, and whose
 * card reads can be held, so tests can put a gateway into the states a failing or slow database puts it in:
 * <ul>
 *   <li>{@link #failNext(int)}: the next N {@code apply} calls throw a {@link StoreException} and commit nothing;</li>
 *   <li>{@link #holdNextApply()}: the next {@code apply} call waits on the returned {@link Gate} until the test
 *       {@linkplain Gate#release() releases} it (then it commits) or {@linkplain Gate#fail() fails} it (then it
 *       throws and commits nothing);</li>
 *   <li>{@link #holdNextCardRead()}: the same for the next {@code findCard} (the engine reads cards on its own
 *       thread, so this holds the engine).</li>
 * </ul>
 * Arm these after the gateway has started (start-up seeds through {@code apply}).
 */
public final class ControllableStore extends ForwardingStore {

    /** One held call: the test waits until it is {@linkplain #awaitEntered entered}, then opens it. */
    public static final class Gate {
        private static final Duration MAX_HOLD = Duration.ofSeconds(30);
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch opened = new CountDownLatch(1);
        private volatile boolean fail;
        private volatile int groupSize = -1;

        /** Waits until the held call has started; false if it did not within {@code timeout}. */
        public boolean awaitEntered(Duration timeout) throws InterruptedException {
            return entered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public boolean isEntered() {
            return entered.getCount() == 0;
        }

        /** Change sets in the held {@code apply} call (-1 before it is entered, or for a read). */
        public int groupSize() {
            return groupSize;
        }

        /** Lets the held call go on normally. */
        public void release() {
            opened.countDown();
        }

        /** Makes the held call throw a {@link StoreException} (an {@code apply} then commits nothing). */
        public void fail() {
            fail = true;
            opened.countDown();
        }

        /** Makes the held call lose a version race: it throws a {@link ConcurrentUpdateException}, commits nothing. */
        public void loseRace() {
            loseRace = true;
            opened.countDown();
        }

        private volatile boolean loseRace;

        void pass(int size) {
            groupSize = size;
            entered.countDown();
            try {
                // Bounded so that a test that forgets to open the gate fails instead of hanging the build.
                if (!opened.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new StoreException("held call was never released (test bug)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while held");
            }
            if (fail) throw new StoreException("commit failed on purpose (test)");
            if (loseRace) throw new ConcurrentUpdateException("race lost on purpose (test)");
        }
    }

    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicReference<Gate> applyGate = new AtomicReference<>();
    private final AtomicReference<Gate> cardReadGate = new AtomicReference<>();
    private final AtomicReference<Gate> batchReadGate = new AtomicReference<>();
    private final AtomicReference<Gate> rrnReadGate = new AtomicReference<>();
    private final AtomicReference<Gate> stanReadGate = new AtomicReference<>();
    private final AtomicInteger failedApplies = new AtomicInteger();
    private final AtomicReference<Gate> dupKeysReadGate = new AtomicReference<>();
    /** Thread names of the {@code findByDupKey} calls (one key each), in order. */
    private final List<String> singleKeyReaders = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Key counts of the {@code findByDupKeys} calls (many keys in one read), in order. */
    private final List<Integer> batchedKeyReads = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ControllableStore(TransactionStore inner) {
        super(inner);
    }

    /** The next {@code n} commits throw a {@link StoreException} without committing anything. */
    public void failNext(int n) {
        failures.set(n);
    }

    /** The next commit waits on the returned gate. */
    public Gate holdNextApply() {
        Gate g = new Gate();
        if (!applyGate.compareAndSet(null, g)) throw new IllegalStateException("a commit is already armed to be held");
        return g;
    }

    /** The next {@code findCard} waits on the returned gate. */
    public Gate holdNextCardRead() {
        Gate g = new Gate();
        if (!cardReadGate.compareAndSet(null, g)) throw new IllegalStateException("a card read is already armed to be held");
        return g;
    }

    /** The next {@code findBatch} waits on the returned gate. */
    public Gate holdNextBatchRead() {
        Gate g = new Gate();
        if (!batchReadGate.compareAndSet(null, g)) throw new IllegalStateException("a batch read is already armed to be held");
        return g;
    }

    /** The next {@code findByRrn} waits on the returned gate. */
    public Gate holdNextRrnRead() {
        Gate g = new Gate();
        if (!rrnReadGate.compareAndSet(null, g)) throw new IllegalStateException("an RRN read is already armed to be held");
        return g;
    }

    /** The next {@code findByTerminalAndStan} waits on the returned gate. */
    public Gate holdNextStanRead() {
        Gate g = new Gate();
        if (!stanReadGate.compareAndSet(null, g)) throw new IllegalStateException("a STAN read is already armed to be held");
        return g;
    }

    /** The next {@code findByDupKeys} waits on the returned gate. */
    public Gate holdNextDupKeysRead() {
        Gate g = new Gate();
        if (!dupKeysReadGate.compareAndSet(null, g)) throw new IllegalStateException("a key read is already armed to be held");
        return g;
    }

    /** The threads that asked {@code findByDupKey} (one key a call) so far. */
    public List<String> singleKeyReaders() {
        return List.copyOf(singleKeyReaders);
    }

    /** How many keys each {@code findByDupKeys} call asked, so far. */
    public List<Integer> batchedKeyReads() {
        return List.copyOf(batchedKeyReads);
    }

    /** Commits that failed on purpose so far. */
    public int failedApplies() {
        return failedApplies.get();
    }

    private final AtomicInteger racesToLose = new AtomicInteger();

    /**
     * The next {@code n} change sets committed are rejected one by one with a {@link ConcurrentUpdateException}, as
     * when another node wrote a row they read first; nothing of them is stored, the others of their group are.
     */
    public void loseNextRaces(int n) {
        racesToLose.set(n);
    }

    private volatile boolean lastAnsweredElsewhere;
    private volatile boolean sparingNinetySixes;

    /**
     * As {@link #loseNextRaces(int)}, but a set whose records all answer {@code 96} (a request's 96 after its last lost
     * race) goes to the store: decisions keep losing while their 96s meet what the store really holds.
     */
    public void loseNextDecisionsNotTheirNinetySixes(int n) {
        sparingNinetySixes = true;
        racesToLose.set(n);
    }

    /**
     * As {@link #loseNextRaces(int)}, the last of the {@code n} lost because another node answered the same request
     * ({@link AnsweredElsewhereException}).
     */
    public void loseNextRacesTheLastToAnAnswerElsewhere(int n) {
        lastAnsweredElsewhere = true;
        racesToLose.set(n);
    }

    @Override
    public List<RuntimeException> apply(List<ChangeSet> group) {
        if (racesToLose.get() > 0) return applyLosingRaces(group);
        return applyNow(group);
    }

    private List<RuntimeException> applyLosingRaces(List<ChangeSet> group) {
        List<RuntimeException> out = new java.util.ArrayList<>(java.util.Collections.nCopies(group.size(), (RuntimeException) null));
        List<ChangeSet> rest = new java.util.ArrayList<>();
        List<Integer> restAt = new java.util.ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            if (sparingNinetySixes && !group.get(i).txns.isEmpty()
                    && group.get(i).txns.stream().allMatch(t -> "96".equals(t.responseCode()))) {
                rest.add(group.get(i));
                restAt.add(i);
                continue;
            }
            int left = racesToLose.getAndUpdate(n -> n > 0 ? n - 1 : 0);
            if (left > 0) {
                boolean elsewhere = left == 1 && lastAnsweredElsewhere;
                if (elsewhere) lastAnsweredElsewhere = false;
                out.set(i, elsewhere ? new AnsweredElsewhereException("answered elsewhere on purpose (test)")
                        : new ConcurrentUpdateException("race lost on purpose (test)"));
            } else {
                rest.add(group.get(i));
                restAt.add(i);
            }
        }
        if (!rest.isEmpty()) {
            List<RuntimeException> r = applyNow(rest);
            for (int k = 0; k < r.size(); k++) out.set(restAt.get(k), r.get(k));
        }
        return out;
    }

    private List<RuntimeException> applyNow(List<ChangeSet> group) {
        Gate g = applyGate.getAndSet(null);
        if (g != null) {
            try {
                g.pass(group.size());
            } catch (StoreException e) {
                failedApplies.incrementAndGet();
                throw e;
            }
        }
        if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            failedApplies.incrementAndGet();
            throw new StoreException("commit failed on purpose (test)");
        }
        return inner.apply(group);
    }

    @Override
    public Optional<TxnRecord> findByRrn(String rrn) {
        Gate g = rrnReadGate.getAndSet(null);
        if (g != null) g.pass(-1);
        return inner.findByRrn(rrn);
    }

    @Override
    public Optional<TxnRecord> findByDupKey(String terminalId, String stan, String dupKey) {
        singleKeyReaders.add(Thread.currentThread().getName());
        return inner.findByDupKey(terminalId, stan, dupKey);
    }

    @Override
    public java.util.Map<String, TxnRecord> findByDupKeys(java.util.Collection<DupKeyLookup> keys) {
        batchedKeyReads.add(keys.size());
        Gate g = dupKeysReadGate.getAndSet(null);
        if (g != null) g.pass(-1);
        return inner.findByDupKeys(keys);
    }

    @Override
    public List<TxnRecord> findByTerminalAndStan(String terminalId, String stan) {
        Gate g = stanReadGate.getAndSet(null);
        if (g != null) g.pass(-1);
        return inner.findByTerminalAndStan(terminalId, stan);
    }

    @Override
    public Optional<BatchState> findBatch(String terminalId, long batchNo) {
        Gate g = batchReadGate.getAndSet(null);
        if (g != null) g.pass(-1);
        return inner.findBatch(terminalId, batchNo);
    }

    @Override
    public Optional<CardAccount> findCard(String panHash) {
        Gate g = cardReadGate.getAndSet(null);
        if (g != null) g.pass(-1);
        return inner.findCard(panHash);
    }
}
