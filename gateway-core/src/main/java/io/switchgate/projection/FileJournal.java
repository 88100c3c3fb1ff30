package io.switchgate.projection;

import io.switchgate.config.Tuning;
import io.switchgate.journal.JournalOptions;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.RecoveryRepairs;
import io.switchgate.store.TransactionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One node's commit point and its projection, assembled: the engine commits change sets into the file journal
 * ({@link JournalCommitWriter}); a {@link ProjectionTailer} applies them to the store's tables behind it; readers go
 * through {@link ProjectedReads}, which waits for the tables to hold what was durable when they asked.
 *
 * <p>{@link #open} is the recovery: the journal cuts a torn tail, then the tables are brought up to every durable
 * record (they may lack the last batches if the process died, whatever the database's own durability) before anything
 * else reads them. {@link #start} then has the tailer follow the journal.
 */
public final class FileJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileJournal.class);
    /**
     * Journal records per projection transaction, at most: large enough to amortize a commit, small enough to bound one
     * (2,048; a measurement knob, {@code -Dgateway.projection.maxBatch=N}, docs/benchmarks.md).
     */
    static final String BATCH_PROPERTY = "gateway.projection.maxBatch";
    /**
     * How often segments the tables hold for good are deleted (see {@link #pruneProjected()}): 30 s, or the system
     * property {@code gateway.journal.retentionSeconds}; 0 keeps every segment (an audit, a replay test).
     */
    static final String RETENTION_PROPERTY = "gateway.journal.retentionSeconds";
    /**
     * How long durable records gather before the tailer applies them (unless a reader needs them, or a batch is full):
     * 50 ms, or {@code -Dgateway.projection.lingerMillis=N} (a measurement knob; 0 applies at once).
     */
    static final String LINGER_PROPERTY = "gateway.projection.lingerMillis";
    /** How long a reader waits for the projection before it reads what the tables have. */
    static final Duration READ_WAIT = Duration.ofSeconds(5);

    private final JournalCommitWriter writer;
    private final ProjectionTailer tailer;
    private final TransactionStore tables;
    private final ProjectedReads reads;
    private final JournalOptions options;
    private java.util.concurrent.ScheduledExecutorService retention;

    private FileJournal(JournalOptions options, JournalCommitWriter writer, ProjectionTailer tailer, TransactionStore tables) {
        this.options = options;
        this.writer = writer;
        this.tailer = tailer;
        this.tables = tables;
        this.reads = new ProjectedReads(tables, () -> awaitCaughtUp(READ_WAIT));
    }

    /**
     * Opens the journal in {@code options.dir()} and brings {@code tables} (migrated) up to its durable end.
     *
     * @throws IOException a journal that cannot be opened or recovered (named); the caller closes the tables
     */
    public static FileJournal open(JournalOptions options, TransactionStore tables) throws IOException {
        return open(options, tables, io.switchgate.journal.ChannelFactory.FILES);
    }

    /** As {@link #open(JournalOptions, TransactionStore)}, with the journal's files opened through {@code channels}. */
    public static FileJournal open(JournalOptions options, TransactionStore tables, io.switchgate.journal.ChannelFactory channels)
            throws IOException {
        // The tables' mark never passes the durable sequence: the journal must hold every record up to it whole, so
        // recovery refuses (and cuts nothing) if damage reaches below it, or if the journal is not the tables' at all
        JournalCommitWriter writer = JournalCommitWriter.open(options, channels, tables.projectedSequence());
        try {
            refuseAnotherHistory(options, tables);
            ProjectionTailer tailer = new ProjectionTailer(options.dir(), writer::durableSequence, tables,
                    Tuning.wholeInt(BATCH_PROPERTY, 2048, 1, 1 << 20));
            long t0 = System.nanoTime();
            long[] recovered = recoverTables(tailer, tables);
            long mended = recovered[0];
            long applied = recovered[1];
            // H2 writes committed pages a moment later: have what recovery applied on disk now, so the tables alone
            // (an operator's SQL, a backup, a process killed right after start) already show every recovered record.
            if (applied > 0 || mended > 0) tables.saveProjection();
            // One line per start, so an operator sees where the journal is, how it commits, and what recovery did.
            log.info("journal {} ({}): durable up to sequence {}; {} record(s) since the tables' last save written again, {} applied, in {} ms{}",
                    options.dir(), options.durability().name().toLowerCase(java.util.Locale.ROOT), writer.durableSequence(),
                    mended, applied, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    writer.journal().recoveryCut() == null ? "" : "; torn tail cut: " + writer.journal().recoveryCut());
            tailer.linger(Duration.ofMillis(Tuning.wholeNumber(LINGER_PROPERTY, 50, 0, 60_000)));
            writer.whenDurable(() -> tailer.recordsDurable(writer.durableSequence()));
            return new FileJournal(options, writer, tailer, tables);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /** How far back from the last record the tables hold for certain a transaction is looked for (operator changes). */
    private static final int HISTORY_PROBE_RECORDS = 64;

    /**
     * Refuses a journal that is not the one the tables were projected from: a journal directory and a store restored
     * from different backups, or one node's journal beside another run's tables. The sequence numbers alone do not tell
     * (both histories count from 1), and recovery would write the other history's records over the tables and apply
     * the rest (a black-box audit: an approved sale's RRN then showed another amount on another card, and every card
     * balance was off). So the last transaction row the tables hold for certain (in a record before the first one the
     * store's files may lack, {@link TransactionStore#projectedBatchFrom}) must be in the tables as that record has it:
     * same type, amount, terminal, STAN and card. Nothing to compare (no such record left in the journal, pruned, or an
     * unknown save point) lets the start go on as before.
     */
    private static void refuseAnotherHistory(JournalOptions options, TransactionStore tables) throws IOException {
        long mark = tables.projectedSequence();
        long batchFrom = tables.projectedBatchFrom();
        if (mark < 1 || batchFrom < 1) return;
        long held = Math.min(mark, batchFrom - 1);
        long from = Math.max(1, held - HISTORY_PROBE_RECORDS + 1);
        if (held < 1 || from < io.switchgate.journal.JournalReader.firstSequence(options.dir())) return;
        io.switchgate.model.TxnRecord probe = null;
        long probeSeq = 0;
        try (io.switchgate.journal.JournalReader reader = io.switchgate.journal.JournalReader.open(options.dir(), from)) {
            while (reader.next() && reader.sequence() <= held) {
                if (reader.type() != ChangeSetCodec.RECORD_TYPE) continue;
                ChangeSet set;
                try {
                    set = ChangeSetCodec.decode(reader.payload());
                } catch (ChangeSetFormatException e) {
                    return; // the tailer names what does not decode
                }
                if (!set.txns.isEmpty()) {
                    probe = set.txns.get(set.txns.size() - 1);
                    probeSeq = reader.sequence();
                }
            }
        } catch (io.switchgate.journal.JournalException e) {
            return; // damage is recovery's to name
        }
        if (probe == null) return;
        io.switchgate.model.TxnRecord there = tables.findByRrn(probe.rrn()).orElse(null);
        if (there != null && there.type() == probe.type() && there.amount() == probe.amount()
                && java.util.Objects.equals(there.terminalId(), probe.terminalId())
                && java.util.Objects.equals(there.stan(), probe.stan())
                && java.util.Objects.equals(there.panHash(), probe.panHash())) {
            return;
        }
        throw new io.switchgate.journal.JournalException("the journal in " + options.dir().toAbsolutePath().normalize()
                + " is not the one the tables were projected from: its record " + probeSeq + " is RRN " + probe.rrn() + " ("
                + probe.type() + " of " + probe.amount() + " on terminal " + probe.terminalId() + "), which the tables "
                + (there == null ? "do not hold" : "hold as " + there.type() + " of " + there.amount() + " on terminal "
                + there.terminalId()) + " though they hold every record up to " + held + " (journal.dir and the store"
                + " restored from different backups?). Put back the journal that belongs to these tables, or move the"
                + " tables away to rebuild them from this journal");
    }

    /**
     * Records per store transaction in the start's catch-up: the whole of a crash at the shipped lag limit (20,000) in
     * one, so that each card, batch and day-total row is written once rather than once per 2,048 records
     * (docs/benchmarks.md, twelfth session). Bounded, so that a raised lag limit does not make one transaction of
     * millions of rows.
     */
    static final int START_BATCH_RECORDS = 65_536;

    /**
     * Writes the tables' last batch again and applies what they lack of the journal, mending what the store can if that
     * fails on a damaged index ({@link RecoveryRepairs}: without it the gateway would not start again after such a kill,
     * though its journal holds every record). Row locks are waited for briefly meanwhile ({@link TransactionStore#recovering}).
     *
     * @return the records written again and the records applied
     */
    private static long[] recoverTables(ProjectionTailer tailer, TransactionStore tables) {
        tables.recovering(true);
        try {
            return RecoveryRepairs.run(tables, () -> new long[] {tailer.reapplySinceSaved(START_BATCH_RECORDS),
                    tailer.catchUpInBatchesOf(Math.max(tailer.maxBatch(), START_BATCH_RECORDS))});
        } finally {
            tables.recovering(false);
        }
    }

    /**
     * Has the tailer follow the journal from now on, the tables saved whole now and then and old segments pruned, as
     * {@link SavePace} says.
     */
    public void start() {
        SavePace pace = new SavePace(SavePace.Policy.of(options.durability(), RETENTION_PROPERTY), System.nanoTime(),
                tailer.appliedSequence());
        tailer.start();
        retention = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "journal-retention");
            t.setDaemon(true);
            return t;
        });
        retention.scheduleWithFixedDelay(() -> {
            try {
                long now = System.nanoTime();
                long applied = tailer.appliedSequence();
                SavePace.Save due = pace.due(now, applied);
                switch (due) {
                    case PRUNE -> {
                        pruneProjected(); // (saves the tables first, forced, at least up to applied)
                        pace.done(due, now, applied);
                    }
                    case FORCED -> pace.done(due, now, tables.saveProjection(true));
                    case UNFORCED -> pace.done(due, now, tables.saveProjection(false));
                    case NONE -> { }
                }
            } catch (RuntimeException e) {
                log.warn("journal {}: tables not saved, segments kept for now: {}", options.dir(), e.getMessage());
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Retention: has the tables' files hold the projection for good ({@link TransactionStore#saveProjection}), then
     * deletes the journal segments wholly at or below that mark. What the tables may still lose in a crash (H2 writes
     * its pages later) stays in the journal, so recovery can always apply it again.
     *
     * @return segment files deleted
     */
    public int pruneProjected() {
        long saved = tables.saveProjection();
        int deleted = writer.journal().pruneThrough(saved);
        if (deleted > 0) log.debug("journal {}: {} segments through sequence {} pruned", options.dir(), deleted, saved);
        return deleted;
    }

    /** True if {@code t} is the journal's writer thread, where commits complete (closing there would wait for itself). */
    public boolean isJournalThread(Thread t) {
        return writer.journal().isWriterThread(t);
    }

    public JournalCommitWriter writer() {
        return writer;
    }

    /** The tables, read after the projection caught up (see {@link ProjectedReads}). */
    public ProjectedReads reads() {
        return reads;
    }

    public JournalOptions options() {
        return options;
    }

    /** Records durable in the journal and not yet in the tables. */
    public long lag() {
        return tailer.lag();
    }

    public long durableSequence() {
        return writer.durableSequence();
    }

    public long projectedSequence() {
        return tailer.appliedSequence();
    }

    /** Waits (at most {@code timeout}) until the tables hold every record durable now; true if they do. */
    public boolean awaitCaughtUp(Duration timeout) {
        long target = writer.durableSequence();
        if (tailer.appliedSequence() >= target) return true;
        tailer.hurry();
        try {
            return tailer.awaitApplied(target, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits (at most {@code timeout}) until the tables hold every record up to {@code target}, or, once the journal has
     * stopped, every record it made durable (those after never will be, and were answered 96); true if they do.
     */
    public boolean awaitProjected(long target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long goal = writer.failure() == null ? target : Math.min(target, writer.durableSequence());
                if (tailer.appliedSequence() >= goal) return true;
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                tailer.hurry();
                // In short steps: the journal may stop meanwhile, which lowers the goal.
                long step = Math.min(left, TimeUnit.MILLISECONDS.toNanos(100));
                long t0 = System.nanoTime();
                if (tailer.awaitApplied(goal, step, TimeUnit.NANOSECONDS)) return true;
                long rest = step - (System.nanoTime() - t0);
                if (rest > 0) TimeUnit.NANOSECONDS.sleep(rest); // the tailer's thread has ended: no busy loop
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Why the journal or its projection cannot do its job now, or null: a stopped journal (every commit is refused:
     * answers are {@code 96}), or a projection that stopped for good or keeps failing (answers go on; the tables, and
     * so the admin API, fall behind).
     */
    public String problem() {
        if (writer.failure() != null) return writer.failure().getMessage();
        RuntimeException p = tailer.failure();
        return p == null ? null : "projection: " + p.getMessage();
    }

    /** True if commits are refused for good (the journal stopped). */
    public boolean stopped() {
        return writer.failure() != null;
    }

    /**
     * After the engine stopped: makes everything journaled durable, applies it to the tables (best effort: what is
     * not applied now is applied at the next start), and stops the tailer. The tables stay open.
     */
    @Override
    public void close() {
        if (retention != null) {
            // Not interrupted: an interrupt in the middle of a save would close H2's file channel under it.
            retention.shutdown();
            try {
                if (!retention.awaitTermination(30, TimeUnit.SECONDS)) retention.shutdownNow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer.close();
        tailer.close();
        try {
            tailer.catchUp();
            tables.saveProjection(); // the file whole: the next start has no batch to write again
            // Every record is in the tables (a stopped journal may still hold records it could not call durable:
            // they stay its own, for its next start to recover)
            if (writer.failure() == null && tailer.appliedSequence() >= writer.durableSequence()) tables.releaseProjection();
        } catch (RuntimeException e) {
            log.warn("journal {}: the tables lack records {}..{} until the next start: {}", options.dir(),
                    tailer.appliedSequence() + 1, writer.durableSequence(), e.getMessage());
        }
    }
}
