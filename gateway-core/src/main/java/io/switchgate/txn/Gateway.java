package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.iso.Dialect;
import io.switchgate.projection.FileJournal;
import io.switchgate.route.Router;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.store.CommitWriter;
import io.switchgate.store.GroupCommitWriter;
import io.switchgate.store.InMemoryTransactionStore;
import io.switchgate.store.TransactionStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The embeddable gateway: store, security module, engine and authorizers built from one configuration.
 * Callers hand it messages with {@link #handle}; {@link #drain} waits for in-flight requests; {@link #close} stops it.
 *
 * <p>{@link #handle}'s futures complete on a thread of the gateway's own ({@code gateway-answers}), never on its
 * journal's: a slow callback delays the callbacks of other answers, never a commit, and a callback may call
 * {@link #close}. A transport that only hands the answer's bytes on (the Netty listener) uses {@link #engine()}'s
 * {@code handle} instead, whose futures complete on the journal's thread with no hand-off: nothing that blocks, and
 * no {@code close}, may run there.
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.start(config)) {
 *     byte[] response = gw.handle(requestBytes, "pos").join();
 * }
 * }</pre>
 */
public final class Gateway implements MessageHandler, AutoCloseable {
    private final GatewayConfig config;
    private final TransactionStore store;
    private final CommitWriter writer;
    /** The file journal and its projection, when the store is one node's H2 file; null when the database journals. */
    private final FileJournal fileJournal;
    private final SecurityModule security;
    private final Engine engine;

    private final List<io.switchgate.route.Authorizer> hostAuthorizers;
    private final PanHasher panHasher;
    /** Completes {@link #handle}'s futures (one daemon thread, started with the first answer that has to wait). */
    private final java.util.concurrent.ThreadPoolExecutor answers = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "gateway-answers");
                t.setDaemon(true);
                return t;
            });

    private Gateway(GatewayConfig config, TransactionStore store, CommitWriter writer, FileJournal fileJournal,
                    SecurityModule security, Engine engine, List<io.switchgate.route.Authorizer> hostAuthorizers,
                    PanHasher panHasher) {
        this.fileJournal = fileJournal;
        this.hostAuthorizers = List.copyOf(hostAuthorizers);
        this.panHasher = panHasher;
        this.config = config;
        this.store = store;
        this.writer = writer;
        this.security = security;
        this.engine = engine;
    }

    /**
     * Builds and starts everything the configuration names: opens and migrates the store, loads keys
     * (a KCV mismatch throws {@link InvalidConfigException} naming the key), seeds merchants, terminals and cards.
     */
    public static Gateway start(GatewayConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static Gateway start(GatewayConfig config, Clock clock) {
        return start(config, clock, io.switchgate.route.AuthorizerFactory.NONE);
    }

    /** As {@link #start(GatewayConfig, Clock)}, with the authorizers of the configured upstream hosts. */
    public static Gateway start(GatewayConfig config, Clock clock, io.switchgate.route.AuthorizerFactory hosts) {
        return start(config, clock, hosts, () -> Stores.open(config.store()), io.switchgate.journal.ChannelFactory.FILES);
    }

    /**
     * As above, with the file journal's files opened through {@code journalChannels}: for tests of what happens when
     * the journal's disk fails ({@link io.switchgate.journal.FaultyChannels}).
     */
    public static Gateway start(GatewayConfig config, Clock clock, io.switchgate.route.AuthorizerFactory hosts,
                         io.switchgate.journal.ChannelFactory journalChannels) {
        return start(config, clock, hosts, () -> Stores.open(config.store()), journalChannels);
    }

    /**
     * As {@link #start(GatewayConfig, Clock, io.switchgate.route.AuthorizerFactory)}, over this store instead of the
     * one {@code store.url} names ({@code store.sharedByNodes} still applies): e.g. a store that fails or holds
     * commits, for tests. The gateway migrates and seeds it, and closes it on {@link #close}, or if start fails
     * from migration on (a bad dialect or master key is refused before the store is touched: the caller closes it).
     */
    public static Gateway start(GatewayConfig config, Clock clock, io.switchgate.route.AuthorizerFactory hosts,
                                TransactionStore store) {
        java.util.Objects.requireNonNull(store, "store");
        return start(config, clock, hosts, () -> store, io.switchgate.journal.ChannelFactory.FILES);
    }

    private static Gateway start(GatewayConfig config, Clock clock, io.switchgate.route.AuthorizerFactory hosts,
                                 java.util.function.Supplier<TransactionStore> openStore,
                                 io.switchgate.journal.ChannelFactory journalChannels) {
        io.switchgate.config.ConfigCheck.check(config); // before any store file exists
        SecurityModule security = securityModule(config);
        byte[] secret = config.security().masterKey().getBytes(StandardCharsets.US_ASCII);
        PanHasher hasher = new PanHasher(secret);
        Map<String, Dialect> dialects = new HashMap<>();
        Dialect first = null;
        int i = 0;
        for (GatewayConfig.Listener l : config.listeners() == null ? List.<GatewayConfig.Listener>of() : config.listeners()) {
            Dialect d;
            try {
                d = Dialect.named(l.dialect());
            } catch (RuntimeException e) {
                throw new InvalidConfigException("listeners[" + i + "].dialect", e.getMessage());
            }
            dialects.put(l.name(), d);
            if (first == null) first = d;
            i++;
        }
        if (first == null) first = Dialect.named("iso87binary");
        ConfigSeeder.checkKeys(config, security); // a bad key (KCV) stops start-up before any store file exists
        TransactionStore store = openStore.get(); // after the checks above, so a bad config leaves no store files
        CommitWriter writer = null;
        FileJournal fileJournal = null;
        java.nio.file.Path journalDir = null;
        try {
            store.migrate();
            boolean shared = config.store() != null && config.store().sharedByNodes();
            JournalPlacement placement = JournalPlacement.of(config, store);
            if (placement != null) {
                journalDir = placement.options().dir();
                if (store instanceof io.switchgate.store.JdbcTransactionStore) {
                    // Before anything writes the tables: no other node may use them beside this one's projection.
                    store.claimProjection("gateway node " + config.node().id() + " with its journal in "
                            + placement.options().dir().toAbsolutePath().normalize());
                }
                // Recovery first: the tables get every durable record before anything reads them (the seeder too).
                fileJournal = FileJournal.open(placement.options(), store, journalChannels);
            } else {
                store.joinAsJournal(); // refuses tables a file journal's node holds, or left short of its records
                JournalPlacement.refuseRecordsTheSharedStoreLacks(config, store); // a journal.dir left from one node
                if (shared || !store.exclusive()) store.claimDecisionsAcrossNodes(); // two nodes deciding at once: DecisionClaims
            }
            // as a recovery: a kill (or SIGTERM) during an earlier seeding can leave an H2 file's index pointing at a
            // row its table lacks, which no start got past (a black-box audit); the store rebuilds it, seeding runs again
            store.recovering(true);
            try {
                io.switchgate.store.RecoveryRepairs.run(store, () -> {
                    new ConfigSeeder(store, security, hasher).seed(config, clock.instant());
                    return null;
                });
            } finally {
                store.recovering(false);
            }
            ProjectionProgress progress = null;
            if (fileJournal != null) {
                FileJournal fj = fileJournal;
                fj.start();
                writer = fj.writer();
                progress = new ProjectionProgress() {
                    @Override
                    public long appendedSequence() {
                        return fj.writer().lastAppendedSequence();
                    }

                    @Override
                    public long projectedSequence() {
                        return fj.projectedSequence();
                    }

                    @Override
                    public boolean awaitProjected(long sequence, Duration timeout) {
                        return fj.awaitProjected(sequence, timeout);
                    }
                };
            } else {
                writer = new GroupCommitWriter(store);
            }
            List<io.switchgate.route.Authorizer> hostAuthorizers = hosts.create(config, security, store);
            java.util.Set<String> served = new java.util.HashSet<>();
            for (io.switchgate.route.Authorizer a : hostAuthorizers) served.add(a.name());
            try {
                io.switchgate.config.ConfigCheck.routes(config, served);
            } catch (io.switchgate.config.InvalidConfigException e) {
                // Said, not refused: a host's link may come and go, and its requests are answered 91 NO_HOST_LINK
                // meanwhile (the YAML loader refuses a route to a host its file does not configure).
                org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("{}: no authorizer serves it, so the requests it"
                        + " routes are answered 91 NO_HOST_LINK", e.getMessage());
            }
            Engine engine = new Engine(new EngineSetup(config.node().id(), dialects, first, store, writer, security, hasher,
                    new Router(config.routes()), hostAuthorizers, clock, ZoneId.systemDefault(), shared, progress));
            Gateway gateway = new Gateway(config, store, writer, fileJournal, security, engine, hostAuthorizers, hasher);
            try {
                engine.loadWorkingSet(); // before anyone is served: not on the first request's event loop
                undoWhatHostsUndidWhileStopped(engine, hostAuthorizers);
                recordWhatHostsHadWhileStopped(engine, hostAuthorizers, fileJournal == null ? store : null);
            } catch (RuntimeException e) {
                gateway.close();
                throw e;
            }
            return gateway;
        } catch (java.io.IOException | io.switchgate.journal.JournalException e) {
            // a disk that fails, or a journal recovery refuses (damaged, or not this store's): one kind of start failure
            closeQuietly(writer, fileJournal, store);
            throw new io.switchgate.store.StoreException("cannot open the journal"
                    + (journalDir == null ? "" : " in " + journalDir.toAbsolutePath().normalize()) + ": " + why(e), e);
        } catch (RuntimeException e) {
            closeQuietly(writer, fileJournal, store);
            throw e;
        }
    }

    /**
     * Before the gateway serves: a void or reversal a host had when the gateway stopped, and that the journal does not
     * show, is undone here too (its host has it undone for certain: see {@link Engine#undoAfterRestart}). A failure
     * stops the start: serving with a sale approved here and reversed at its host would let it be refunded.
     */
    private static void undoWhatHostsUndidWhileStopped(Engine engine, List<io.switchgate.route.Authorizer> hosts) {
        for (io.switchgate.route.Authorizer a : hosts) {
            for (String rrn : a.undoneWhileStopped()) {
                try {
                    boolean undone = engine.undoAfterRestart(rrn).get(30, java.util.concurrent.TimeUnit.SECONDS);
                    a.undoneHereAfterRestart(rrn); // its 0420 leaves only now (see there)
                    org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("host={} rrn {}: its void or reversal was at the"
                            + " host when the gateway stopped; {}", a.name(), rrn, undone
                            ? "undone here too (UNDONE_AT_HOST_ON_RESTART), as its released 0420 undoes it there"
                            : "nothing to undo here (not an approved transaction now)");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.switchgate.store.StoreException("interrupted while undoing rrn " + rrn + " after the restart", e);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new io.switchgate.store.StoreException("cannot undo rrn " + rrn + " (its host undid it while the"
                            + " gateway was stopped): " + (e.getCause() == null ? e : e.getCause()), e);
                }
            }
        }
    }

    /**
     * Before the gateway serves: a request a host had when the gateway stopped, with no answer journaled, is journaled
     * as answered {@code 91 HOST_ANSWER_LOST} ({@link Engine#recordLostHostAnswer}), so that its retransmission is not
     * sent to the host a second time. A failure stops the start, as above.
     *
     * @param journalStore the store when it is the journal (PostgreSQL, possibly shared by nodes), or null: another node
     *                     may have answered the retransmission while this one was down (the host asked again then, its
     *                     first approval undone by the released reversal); that answer stands, and the lost one is
     *                     journaled without the duplicate key, so a later retransmission hears one answer, not one of
     *                     two, and the RRN the host saw is still the admin API's to show (a re-audit found it unknown)
     */
    private static void recordWhatHostsHadWhileStopped(Engine engine, List<io.switchgate.route.Authorizer> hosts,
                                                       TransactionStore journalStore) {
        for (io.switchgate.route.Authorizer a : hosts) {
            for (io.switchgate.route.LostHostAnswer l : a.lostWhileStopped()) {
                try {
                    boolean answeredElsewhere = journalStore != null && l.dupKey() != null
                            && journalStore.findByDupKey(l.terminalId(), l.stan(), l.dupKey()).isPresent();
                    if (answeredElsewhere) {
                        org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("host={} rrn {}: terminal {} stan {} was at the"
                                + " host when this node stopped, and another node has answered its retransmission since:"
                                + " that answer stands; this one is journaled as 91 HOST_ANSWER_LOST without its duplicate"
                                + " key, and its reversal goes to the host", a.name(), l.rrn(), l.terminalId(), l.stan());
                    }
                    boolean recorded = engine.recordLostHostAnswer(answeredElsewhere ? l.withoutDuplicateKey() : l)
                            .get(30, java.util.concurrent.TimeUnit.SECONDS);
                    a.lostRecordedAfterRestart(l.rrn()); // its 0420 leaves only now (see there)
                    if (recorded) {
                        org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("host={} rrn {}: terminal {} stan {} was at the"
                                + " host when the gateway stopped, with no answer recorded: journaled as 91 HOST_ANSWER_LOST"
                                + " (its reversal goes to the host), so a retransmission hears that", a.name(), l.rrn(),
                                l.terminalId(), l.stan());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.switchgate.store.StoreException("interrupted while journaling rrn " + l.rrn() + " after the restart", e);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new io.switchgate.store.StoreException("cannot journal rrn " + l.rrn() + " (at its host when the"
                            + " gateway stopped): " + (e.getCause() == null ? e : e.getCause()), e);
                }
            }
        }
    }

    /** An exception as one line that says what went wrong: a file system's names only the file, so its kind comes first. */
    private static String why(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String kind = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            return kind + ": " + f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(CommitWriter writer, FileJournal fileJournal, TransactionStore store) {
        try {
            if (fileJournal != null) fileJournal.close();
            else if (writer != null) writer.close();
        } finally {
            store.close();
        }
    }

    private static SecurityModule securityModule(GatewayConfig config) {
        String mk = config.security() == null ? null : config.security().masterKey();
        if (mk == null || mk.isBlank()) throw new InvalidConfigException("security.masterKey", "is required");
        try {
            return SoftwareSecurityModule.fromHex(mk);
        } catch (RuntimeException e) {
            throw new InvalidConfigException("security.masterKey", "must be 32 or 48 hex characters (TDES) or an AES key of 32, 48 or 64");
        }
    }

    /**
     * The answer to one message (its bytes without framing), for the listener named {@code listener} (its dialect; null:
     * the first listener's). The future completes on the gateway's {@code gateway-answers} thread (see the class
     * comment), or is complete already when the answer was ready at once. It completes with null when the message
     * gets no answer at all (contract section 3: an MTI that cannot be read, or that is no request's).
     *
     * @throws IllegalArgumentException no listener has that name
     * @throws NullPointerException     {@code message} is null
     */
    @Override
    public CompletableFuture<byte[]> handle(byte[] message, String listener) {
        java.util.Objects.requireNonNull(message, "message");
        CompletableFuture<byte[]> answer = engine.handle(message, listener);
        if (answer.isDone()) return answer;
        // Completed by the journal's thread (or the engine's): a caller's callback must not run there. A callback that
        // blocked stalled every commit, and one that closed the gateway waited for that very thread forever (a
        // black-box audit of embedding).
        CompletableFuture<byte[]> handedOn = new CompletableFuture<>();
        answer.whenComplete((bytes, failure) -> {
            Runnable complete = () -> {
                if (failure != null) handedOn.completeExceptionally(failure);
                else handedOn.complete(bytes);
            };
            try {
                answers.execute(complete);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                complete.run(); // closed meanwhile: the answer still reaches its caller
            }
        });
        return handedOn;
    }

    /**
     * Stops taking new requests (from now on they are answered {@code 91 GATEWAY_STOPPING}) and waits up to
     * {@code timeout} for those taken before to be answered: decided as usual, not refused.
     */
    public boolean drain(Duration timeout) {
        // checked before anything stops: a null found afterwards left the gateway refusing every request for good
        java.util.Objects.requireNonNull(timeout, "drain timeout");
        engine.stopAccepting(); // later requests are answered 91 GATEWAY_STOPPING
        return engine.awaitIdle(timeout);
    }

    /** Requests accepted and not yet answered. */
    public int inFlight() {
        return engine.inFlight();
    }

    public Engine engine() {
        return engine;
    }

    /**
     * The store, for reading: with a file journal, reads wait until its projection holds what was durable when they
     * began (so an answered transaction is always found).
     */
    public TransactionStore store() {
        return fileJournal != null ? fileJournal.reads() : store;
    }

    /** Where the engine commits: the file journal's writer, or the group-commit writer into the database. */
    public CommitWriter journal() {
        return writer;
    }

    /** The file journal and its projection, or null when the database is the journal (PostgreSQL, shared, memory). */
    public FileJournal fileJournal() {
        return fileJournal;
    }

    public SecurityModule security() {
        return security;
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * The embedded authorizer's balance of a card (for the demo and operators), or null for a card it does not
     * hold. The PAN is only hashed, never kept.
     */
    public Long embeddedCardBalance(String pan) {
        if (closed.get()) throw new IllegalStateException("the gateway is closed");
        return store().findCard(panHasher.hash(pan)).map(io.switchgate.model.CardAccount::balance).orElse(null);
    }

    /** The upstream-host authorizers (for the admin API and metrics). */
    public List<io.switchgate.route.Authorizer> hostAuthorizers() {
        return hostAuthorizers;
    }

    /** Set by the first {@link #close}: closing again (try-with-resources after an explicit close) does nothing. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * Closes, waiting up to {@code engineIdle} for requests taken to be answered (see {@link Engine#close(Duration)}).
     * Called on one of the gateway's own threads that closing waits for (a callback on {@link #engine()}'s futures,
     * which run on the journal's thread or the engine's), it closes on a thread of its own and returns at once.
     * A null {@code engineIdle} is the default wait, as {@link #close()} (a close is never refused).
     */
    public void close(Duration engineIdle) {
        if (engineIdle == null) engineIdle = Duration.ofSeconds(10); // thrown after the gateway counted as closed, a null left it all running
        Duration idle = engineIdle;
        Thread current = Thread.currentThread();
        if (engine.isEngineThread(current) || (fileJournal != null && fileJournal.isJournalThread(current))) {
            if (!closed.get()) {
                Thread closer = new Thread(() -> close(idle), "gateway-close");
                closer.setDaemon(false);
                closer.start();
            }
            return;
        }
        if (!closed.compareAndSet(false, true)) return;
        engine.close(engineIdle);
        for (var a : hostAuthorizers) {
            if (a instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing is best effort; the engine has already drained
                }
            }
        }
        try {
            if (fileJournal != null) fileJournal.close();
            else writer.close();
        } finally {
            store.close();
            answers.shutdown(); // what is queued still runs: every answer reaches its caller
        }
    }

    /** Opens the store the configuration names: {@code memory:} for a store that keeps nothing, else JDBC. */
    static final class Stores {
        private Stores() {
        }

        static TransactionStore open(GatewayConfig.Store cfg) {
            String url = cfg == null || cfg.url() == null ? "jdbc:h2:file:./data/gateway" : cfg.url();
            if (url.startsWith("memory:")) return new InMemoryTransactionStore();
            if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
                throw new InvalidConfigException("store.url", "must be jdbc:h2:..., jdbc:postgresql://... or memory:");
            }
            int pool = cfg == null || cfg.poolSize() <= 0 ? 4 : cfg.poolSize();
            return io.switchgate.store.JdbcTransactionStore.open(url, cfg == null ? "sa" : cfg.user(),
                    cfg == null ? "" : cfg.password(), pool);
        }
    }
}
