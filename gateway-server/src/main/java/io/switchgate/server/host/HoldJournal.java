package io.switchgate.server.host;

import io.switchgate.journal.ChannelFactory;
import io.switchgate.journal.DurableListener;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalReader;
import io.switchgate.journal.JournalStoppedException;
import io.switchgate.journal.JournalWriter;
import io.switchgate.saf.SafMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reversals one node holds for requests at a host, in a journal of their own ({@link JournalWriter}: CRC-framed
 * records in segment files, many to a write, forced as the node's {@code journal.durability} says): a {@code HOLD}
 * record before the request leaves, a {@code SETTLED} record once the hold was dropped or released. What a start
 * finds held is every {@code HOLD} without its {@code SETTLED}. Segments older than the oldest hold still open are
 * pruned, so the journal stays a few segments long whatever the traffic.
 *
 * <p>A hold costs an append to a buffer and a share of one write (and fdatasync with {@code fsync}); kept as rows of
 * the H2 store-and-forward table it was an insert, an update and their index work per request, and half the host
 * path's rate (docs/benchmarks.md, fourteenth session). Records carry what the reversal needs (no PAN, track data or
 * PIN block: a reversal has none).
 */
final class HoldJournal implements DurableListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HoldJournal.class);
    static final int HOLD = 1;
    static final int SETTLED = 2;
    private static final int FORMAT = 1;
    /** The same fields, of an undo's held 0420 (its id is made otherwise: {@link SafMessage#undoHeldId}). */
    private static final int UNDO_FORMAT = 2;
    /** {@link #FORMAT} followed by the terminal's request it reverses ({@link io.switchgate.route.LostHostAnswer}). */
    private static final int WITH_REQUEST_FORMAT = 3;
    /** Small segments: a hold lives for one host round trip, so all but the newest segment soon hold nothing open. */
    static final long SEGMENT_BYTES = 4L << 20;
    /** Settled holds between two looks for segments to prune. */
    private static final int PRUNE_EVERY = 4096;

    private record Held(long seq, SafMessage message, io.switchgate.route.LostHostAnswer request) { }

    /** A HOLD record read back: the reversal, and the request it reverses when the record kept it. */
    record Decoded(SafMessage message, io.switchgate.route.LostHostAnswer request) { }

    private final ConcurrentSkipListMap<Long, CompletableFuture<Boolean>> waiting = new ConcurrentSkipListMap<>();
    private final Map<String, Held> open = new ConcurrentHashMap<>();
    private final AtomicInteger settledSincePrune = new AtomicInteger();
    /** Sequences are handed out in append order, and a hold is known open before its SETTLED can be appended. */
    private final Object appendLock = new Object();
    private final Executor completions;
    private final JournalWriter writer;

    /**
     * Opens (or creates) the journal in {@code options.dir()}, cutting a torn tail, and reads what it holds.
     *
     * @param completions where a hold's future completes once durable (never the journal's writer thread: what
     *                    follows a hold is the request's send)
     */
    HoldJournal(JournalOptions options, Executor completions) throws IOException {
        this(options, completions, ChannelFactory.FILES);
    }

    /** As above, its files opened through {@code channels} (tests: a failing disk). */
    HoldJournal(JournalOptions options, Executor completions, ChannelFactory channels) throws IOException {
        this.completions = completions;
        this.writer = JournalWriter.open(options, this, channels);
        try {
            replay(options);
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private void replay(JournalOptions options) throws IOException {
        try (JournalReader r = JournalReader.open(options.dir(), writer.firstSequence())) {
            while (r.next()) { // nothing is appended before this ends
                ByteBuffer p = r.payload();
                byte[] bytes = new byte[p.remaining()];
                p.get(bytes);
                if (r.type() == HOLD) {
                    Decoded d = decode(bytes);
                    open.put(d.message().id(), new Held(r.sequence(), d.message(), d.request()));
                } else if (r.type() == SETTLED) {
                    open.remove(new String(bytes, StandardCharsets.US_ASCII));
                }
            }
        }
    }

    /** Why the journal stopped, as its listener heard it. */
    private volatile JournalStoppedException stopped;

    /** Why this journal stopped (every hold since is refused, until a restart), or null while it runs. */
    String problem() {
        JournalStoppedException why = stopped != null ? stopped : writer.failure();
        if (why == null) return null;
        return "held reversals' journal stopped: " + (why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage());
    }

    /** Completes true once the hold is durable; false if the journal has stopped (then the request is not sent). */
    CompletableFuture<Boolean> hold(SafMessage held) {
        return hold(held, null);
    }

    /** As {@link #hold(SafMessage)}, with the terminal's request it reverses kept beside it (null: none). */
    CompletableFuture<Boolean> hold(SafMessage held, io.switchgate.route.LostHostAnswer request) {
        CompletableFuture<Boolean> durable = new CompletableFuture<>();
        long seq;
        try {
            byte[] record = encode(held, request);
            synchronized (appendLock) {
                seq = writer.append(HOLD, record);
                open.put(held.id(), new Held(seq, held, request));
                waiting.put(seq, durable);
            }
        } catch (JournalStoppedException e) {
            log.error("held reversals' journal stopped ({}); requests to hosts are not sent", e.getMessage());
            durable.complete(false);
            return durable;
        }
        // onDurable may have passed this sequence before it was waited for, or the journal stopped meanwhile.
        if (writer.durableSequence() >= seq && waiting.remove(seq) != null) {
            completions.execute(() -> durable.complete(true));
        } else if ((stopped != null || writer.failure() != null) && waiting.remove(seq) != null) {
            // (the listener's own field: the writer records its failure only after onStopped returns, and a hold
            // appended in between would otherwise wait for ever)
            open.remove(held.id());
            durable.complete(false);
        }
        return durable;
    }

    /** The request kept with the open hold {@code id}, or null. */
    io.switchgate.route.LostHostAnswer requestOf(String id) {
        Held h = open.get(id);
        return h == null ? null : h.request();
    }

    /** The hold of {@code id}, if it is open. */
    SafMessage get(String id) {
        Held h = open.get(id);
        return h == null ? null : h.message();
    }

    /**
     * No longer held (dropped, or released to the queue by the caller first). False if it was not open. Not waited
     * for: a SETTLED record lost in a crash only means the next start settles the hold again.
     */
    boolean settle(String id) {
        if (open.remove(id) == null) return false;
        try {
            synchronized (appendLock) {
                writer.append(SETTLED, id.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (JournalStoppedException e) {
            log.warn("held reversal {} settled, but the held reversals' journal stopped ({}); the next start settles it again",
                    id, e.getMessage());
        }
        if (settledSincePrune.incrementAndGet() >= PRUNE_EVERY) prune();
        return true;
    }

    /** Open holds, oldest first. */
    List<SafMessage> held() {
        List<Held> all = new ArrayList<>(open.values());
        all.sort(Comparator.comparingLong(Held::seq));
        return all.stream().map(Held::message).toList();
    }

    /** Deletes the segments before the oldest open hold (all but the newest, when none is open). */
    int prune() {
        settledSincePrune.set(0);
        long oldest = open.values().stream().mapToLong(Held::seq).min().orElse(writer.lastAppendedSequence() + 1);
        return writer.pruneThrough(oldest - 1);
    }

    @Override
    public void onDurable(long durableSequence) {
        Map<Long, CompletableFuture<Boolean>> done = waiting.headMap(durableSequence, true);
        if (done.isEmpty()) return;
        List<CompletableFuture<Boolean>> ready = new ArrayList<>(done.values());
        done.clear();
        completions.execute(() -> {
            for (CompletableFuture<Boolean> f : ready) f.complete(true);
        });
    }

    @Override
    public void onStopped(JournalStoppedException why) {
        stopped = why; // before the refused holds hear of it (the writer records its failure only after this returns)
        log.error("held reversals' journal stopped ({}); requests to hosts are not sent until a restart", why.getMessage());
        for (Long seq : List.copyOf(waiting.keySet())) {
            CompletableFuture<Boolean> f = waiting.remove(seq);
            if (f != null) f.complete(false);
        }
    }

    @Override
    public void close() {
        writer.close();
    }

    static byte[] encode(SafMessage m, io.switchgate.route.LostHostAnswer request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        boolean withRequest = request != null && !m.isHeldUndo();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(m.isHeldUndo() ? UNDO_FORMAT : withRequest ? WITH_REQUEST_FORMAT : FORMAT);
            for (String s : new String[] {m.leaseOwner(), m.host(), m.stan(), m.rrn(), m.transmissionTime(),
                    m.processingCode(), m.currency(), m.acquirerId(), m.terminalId(), m.merchantId(), m.originalData(),
                    m.txnRrn()}) {
                out.writeBoolean(s != null);
                if (s != null) out.writeUTF(s);
            }
            out.writeLong(m.amount());
            out.writeLong(m.createdAt().getEpochSecond());
            out.writeInt(m.createdAt().getNano());
            if (withRequest) {
                // no PAN: its keyed hash and its masked form only
                for (String s : new String[] {request.mti(), request.stan(), request.transmissionTime(), request.panHash(),
                        request.maskedPan(), request.dupKey(), request.fingerprint(), request.originalRrn()}) {
                    out.writeBoolean(s != null);
                    if (s != null) out.writeUTF(s);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static Decoded decode(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT && format != UNDO_FORMAT && format != WITH_REQUEST_FORMAT) {
                throw new IllegalStateException("held reversal record of format " + format + ", not " + FORMAT + ", "
                        + UNDO_FORMAT + " or " + WITH_REQUEST_FORMAT);
            }
            String[] s = new String[12];
            for (int i = 0; i < s.length; i++) s[i] = in.readBoolean() ? in.readUTF() : null;
            long amount = in.readLong();
            Instant created = Instant.ofEpochSecond(in.readLong(), in.readInt());
            SafMessage held = SafMessage.held(s[0], s[1], s[2], s[3], s[4], s[5], amount, s[6], s[7], s[8], s[9], s[10], s[11], created);
            if (format == UNDO_FORMAT) return new Decoded(held.heldUndo(s[0], created), null);
            io.switchgate.route.LostHostAnswer request = null;
            if (format == WITH_REQUEST_FORMAT) {
                String[] q = new String[8];
                for (int i = 0; i < q.length; i++) q[i] = in.readBoolean() ? in.readUTF() : null;
                request = new io.switchgate.route.LostHostAnswer(held.txnRrn(), held.host(), held.terminalId(),
                        held.merchantId(), q[0], held.processingCode(), q[1], q[2], amount, held.currency(), q[3], q[4], q[5],
                        q[6], q[7]);
            }
            return new Decoded(held, request);
        } catch (IOException e) {
            throw new IllegalStateException("held reversal record cut short: " + e.getMessage(), e);
        }
    }
}
