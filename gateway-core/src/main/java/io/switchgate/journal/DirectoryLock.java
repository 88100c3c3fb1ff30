package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock one {@link JournalWriter} holds on its directory, so that a second writer (another gateway
 * process, or another writer in this one) cannot open it and interleave records, cut a tail the first is writing,
 * or roll over its segment. An operating-system lock ({@link FileChannel#tryLock()}) on {@value #FILE_NAME} in the
 * directory: the kernel drops it when the process dies, even by kill -9, so a crash never leaves a stale lock behind
 * and the lock file itself is never deleted (deleting it would let a second process lock a new file of the same name
 * while the first still holds the old one).
 *
 * <p>Inside one JVM the lock is also kept in a set of held directories, checked before the lock file is even opened.
 * That is not only for a clearer refusal: on Linux, closing <em>any</em> descriptor of a file drops every lock the
 * process holds on it (POSIX record locks), so a refused second writer that opened and closed the lock file would
 * silently free the first writer's lock for other processes.
 *
 * <p>Readers ({@link JournalReader}) take no lock: they read alongside the writer.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "journal.lock";

    /** Real paths of the directories locked by this JVM. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private DirectoryLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if missing and locks it.
     *
     * @throws JournalException if another process, or another writer of this one, holds it
     */
    static DirectoryLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path real = dir.toRealPath();
        Path file = real.resolve(FILE_NAME);
        if (!HELD.add(real)) {
            throw inUse(dir, file, "a JournalWriter of this process has it open");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                // Locked in this JVM by something that is not a JournalWriter, or through another path to it.
                lock = null;
            }
            if (lock == null) {
                String holder = holder(ch);
                ch.close();
                ch = null;
                throw inUse(dir, file, holder.isEmpty() ? "another process holds its lock" : "held by process " + holder);
            }
            // Who holds it, for the operator reading the refusal of a second process; nothing relies on it.
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(real, ch, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(real);
            if (ch != null) {
                ch.close();
            }
            throw e;
        }
    }

    private static JournalException inUse(Path dir, Path file, String why) {
        return new JournalException("journal directory " + dir + " is in use by another gateway process: " + why
                + " (lock file " + file + "); one journal directory has one writer");
    }

    /** The pid the holder wrote into the lock file, or "" if it cannot be read (it may not have written it yet). */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    Path dir() {
        return dir;
    }

    /** Releases the lock; a second call does nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(dir);
            }
        }
    }
}
