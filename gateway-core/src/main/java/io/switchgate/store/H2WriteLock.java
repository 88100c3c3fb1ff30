package io.switchgate.store;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per H2 database in this process. H2 does not always re-check an UPDATE's WHERE clause after waiting
 * for another transaction's row lock, so two writers of one row could both "win" a conditional update (a
 * version step, a lease claim). An H2 database lives in one process, so its conditional writers take this lock
 * instead; PostgreSQL re-checks and is what several nodes share.
 */
public final class H2WriteLock {
    private static final ConcurrentHashMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private H2WriteLock() {
    }

    /** The lock of the database a {@code jdbc:h2:} URL names (settings after ';' ignored, file paths absolute). */
    public static ReentrantLock of(String jdbcUrl) {
        return LOCKS.computeIfAbsent(databaseKey(jdbcUrl), k -> new ReentrantLock());
    }

    static String databaseKey(String url) {
        String db = url == null ? "" : url;
        int semi = db.indexOf(';');
        if (semi >= 0) db = db.substring(0, semi);
        String filePrefix = "jdbc:h2:file:";
        if (db.startsWith(filePrefix)) db = filePrefix + Path.of(db.substring(filePrefix.length())).toAbsolutePath().normalize();
        return db;
    }
}
