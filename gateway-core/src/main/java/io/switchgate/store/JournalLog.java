package io.switchgate.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The H2 store's write-ahead log: every committed group of change sets, appended to a file before its responses are
 * released, so that H2 itself may write its pages in the background ({@code WRITE_DELAY}) instead of on every
 * commit. After a crash the store replays the groups H2 had not written yet (see
 * {@link JdbcTransactionStore#migrate()}); after each checkpoint the log starts empty again.
 *
 * <p>An entry is {@code [int length][long seq][int crc32c of the payload][payload]}, the payload the group's change
 * sets in Java serialization, read back through a filter that admits only the store's own records. A torn or corrupt
 * tail (the process died mid-append) ends the log: that group was never acknowledged.
 *
 * <p>The log holds what the tables hold (hashed and masked PANs, keys under the master key), nothing more. One log
 * per database file in a process, shared by every store opened on it ({@link #acquire}); not thread-safe: callers
 * hold the database's {@link H2WriteLock}.
 */
final class JournalLog implements AutoCloseable {
    private static final int HEADER = 4 + 8 + 4;
    /** No entry is bigger than this (a group is at most a few thousand change sets). */
    private static final int MAX_ENTRY = 64 << 20;

    /** The classes a log entry may hold: the store's records and what they are made of. */
    private static final java.util.Set<String> ALLOWED = java.util.Set.of("java.util.ArrayList", "[Ljava.lang.Object;",
            "java.time.Ser", "java.time.Instant", "java.time.LocalDate", "java.lang.Enum", "java.lang.String",
            "java.lang.Number", "java.lang.Long", "java.lang.Integer", "java.lang.Boolean");

    /** One appended group of change sets, or (sets empty) one reserved block of a sequence, or rows of another table. */
    record Entry(long seq, List<ChangeSet> sets, SequenceFloor floor, LoggedRows rows) {
        Entry(long seq, List<ChangeSet> sets, SequenceFloor floor) {
            this(seq, sets, floor, null);
        }
    }

    /** A sequence reserved up to {@code nextValue}: after a crash the sequence must not hand out less again. */
    record SequenceFloor(String name, long nextValue) implements java.io.Serializable { }

    private static final java.util.Map<Path, JournalLog> OPEN = new java.util.HashMap<>();

    /**
     * Guards the log's order ({@link #seq}, appends, the reset after a checkpoint) and every commit that moves
     * {@code journal_mark}. Taken after the database's write lock where both are held; the store-and-forward rows
     * ({@link LoggedRows}) take this one alone, so a held reversal does not wait for the projection's batch, which
     * writes other tables under the write lock and never the log.
     */
    final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final Path path;
    private final FileChannel channel;
    private long size;
    private int users;
    /** Sequence number of the last group in the log or the database; -1 until the store has recovered. */
    long seq = -1;
    /** When the database last wrote every page (the log was emptied then). */
    long lastCheckpointNanos = System.nanoTime();
    /**
     * True once a group of rows is in the log (not only sequence blocks). A replay rewrites such rows whatever the
     * file holds, so they must not outlive a later write of the same rows that bypasses the log (the projection's).
     */
    private boolean holdsRows;

    private JournalLog(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /**
     * The log at {@code path} (created with its directory if needed), shared with every other store of this process
     * on the same database; {@link #close()} once per acquire.
     */
    static JournalLog acquire(Path path) throws IOException {
        return acquire(path, io.switchgate.journal.ChannelFactory.FILES);
    }

    /** As {@link #acquire(Path)}, the file opened through {@code channels} (tests: a disk whose force fails). */
    static JournalLog acquire(Path path, io.switchgate.journal.ChannelFactory channels) throws IOException {
        Path key = path.toAbsolutePath().normalize();
        synchronized (OPEN) {
            JournalLog log = OPEN.get(key);
            if (log == null) {
                Path dir = key.getParent();
                if (dir != null) Files.createDirectories(dir);
                FileChannel ch = channels.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                log = new JournalLog(key, ch, ch.size());
                OPEN.put(key, log);
            }
            log.users++;
            return log;
        }
    }

    Path path() {
        return path;
    }

    /** Bytes in the log. */
    long size() {
        return size;
    }

    /** Appends one committed group (written to the file, that is the OS, before it returns; no fsync). */
    void append(long seq, List<ChangeSet> sets) throws IOException {
        write(seq, new ArrayList<>(sets), 512 * Math.max(1, sets.size()));
        holdsRows = true;
    }

    /** True if the log holds a group of rows (see {@link #holdsRows}); false once emptied. */
    boolean holdsRows() {
        return holdsRows;
    }

    /** Appends a reserved sequence block (cheaper than having the database write every page for it). */
    void append(long seq, SequenceFloor floor) throws IOException {
        write(seq, floor, 128);
    }

    /** Appends rows of a table outside the journaled ones ({@link LoggedRows}). */
    void append(long seq, LoggedRows rows) throws IOException {
        write(seq, rows, 256 * Math.max(1, rows.rows().size()));
    }

    /** Forces what was appended to the disk (fdatasync): a power loss keeps it too. */
    void force() throws IOException {
        channel.force(false);
    }

    private void write(long seq, Object entry, int sizeHint) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
        bytes.write(new byte[HEADER]);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(entry);
        }
        byte[] b = bytes.toByteArray();
        int payload = b.length - HEADER;
        CRC32C crc = new CRC32C();
        crc.update(b, HEADER, payload);
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(0, payload).putLong(4, seq).putInt(12, (int) crc.getValue());
        long at = size;
        while (buf.hasRemaining()) at += channel.write(buf, at);
        size = at;
    }

    /**
     * Every whole entry, oldest first. A torn or corrupt entry ends the log: it and anything after it are cut off,
     * so that the next append follows the last good entry.
     */
    List<Entry> readAll() throws IOException {
        List<Entry> out = new ArrayList<>();
        long at = 0;
        long end = channel.size();
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        while (at + HEADER <= end) {
            head.clear();
            readFully(head, at);
            int len = head.getInt(0);
            long seq = head.getLong(4);
            int crcWanted = head.getInt(12);
            if (len <= 0 || len > MAX_ENTRY || at + HEADER + len > end) break;
            ByteBuffer body = ByteBuffer.allocate(len);
            readFully(body, at + HEADER);
            CRC32C crc = new CRC32C();
            crc.update(body.array(), 0, len);
            if ((int) crc.getValue() != crcWanted) break;
            Object entry = decode(body.array());
            if (entry instanceof SequenceFloor f) out.add(new Entry(seq, List.of(), f));
            else if (entry instanceof LoggedRows r) out.add(new Entry(seq, List.of(), null, r));
            else out.add(new Entry(seq, asChangeSets(entry), null));
            at += HEADER + len;
        }
        if (at < end) channel.truncate(at);
        size = at;
        return out;
    }

    /** Empties the log (everything in it is in the database file). */
    void reset() throws IOException {
        channel.truncate(0);
        size = 0;
        holdsRows = false;
    }

    /** Releases this user's hold; the file is closed when the last store on it closes. */
    @Override
    public void close() throws IOException {
        synchronized (OPEN) {
            if (--users > 0) return;
            OPEN.remove(path);
        }
        channel.close();
    }

    /** Users left (tests). */
    int users() {
        synchronized (OPEN) {
            return users;
        }
    }

    private void readFully(ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int n = channel.read(b, at + b.position());
            if (n < 0) throw new IOException("journal log " + path + " ended inside an entry");
        }
    }

    private List<ChangeSet> asChangeSets(Object entry) throws IOException {
        if (!(entry instanceof List<?> l)) throw new IOException("journal log " + path + ": an entry holds something other than change sets");
        List<ChangeSet> out = new ArrayList<>(l.size());
        for (Object o : l) {
            if (!(o instanceof ChangeSet cs)) throw new IOException("journal log " + path + ": an entry holds something other than change sets");
            out.add(cs);
        }
        return out;
    }

    private Object decode(byte[] payload) throws IOException {
        String[] refused = new String[1];
        try (ObjectInputStream in = new RenamedClasses(new ByteArrayInputStream(payload))) {
            in.setObjectInputFilter(info -> {
                Class<?> c = info.serialClass();
                if (info.depth() > 12) return ObjectInputFilter.Status.REJECTED;
                if (c == null) return ObjectInputFilter.Status.UNDECIDED;
                boolean ours = c.getPackageName().equals("io.switchgate.store") || c.getPackageName().equals("io.switchgate.model");
                if (ALLOWED.contains(c.getName()) || (ours && !c.isArray())) {
                    // the store's change sets and the domain's records only (an inner record's package is theirs too)
                    return ObjectInputFilter.Status.ALLOWED;
                }
                refused[0] = c.getName();
                return ObjectInputFilter.Status.REJECTED;
            });
            return in.readObject();
        } catch (ClassNotFoundException | InvalidClassException | ClassCastException e) {
            // names a class, never a value
            throw new IOException("journal log " + path + ": an entry holds something other than change sets ("
                    + (refused[0] != null ? refused[0] : e.getClass().getSimpleName()) + ")");
        }
    }

    /**
     * Reads entries written before the domain records moved from {@code io.switchgate.store} to
     * {@code io.switchgate.model}: a log an older build left after a crash names them by their old names, and its
     * change sets must still be applied on start. Records and enums are read by field and constant name, so the
     * renamed class is all that differs.
     */
    static final class RenamedClasses extends ObjectInputStream {
        static final java.util.Set<String> MOVED_TO_MODEL = java.util.Set.of("BatchState", "CardAccount",
                "MerchantDayTotal", "MerchantState", "MerchantStatus", "OrphanReversal", "StatusEvent", "TerminalState",
                "TerminalStatus", "TxnRecord", "TxnStatus", "TxnType");
        private static final String OLD = "io.switchgate.store.";

        RenamedClasses(java.io.InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            String name = desc.getName();
            if (name.startsWith(OLD) && MOVED_TO_MODEL.contains(name.substring(OLD.length()))) {
                return Class.forName("io.switchgate.model." + name.substring(OLD.length()), false, JournalLog.class.getClassLoader());
            }
            return super.resolveClass(desc);
        }
    }
}
