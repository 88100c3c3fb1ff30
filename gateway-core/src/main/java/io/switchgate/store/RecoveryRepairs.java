package io.switchgate.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Runs a start's recovery and, when it fails on damage the store can mend ({@link TransactionStore#repairAfter}: an H2
 * index a kill left short of rows), has the store mend it and runs the recovery again. The recovery must be idempotent
 * (it is: the file journal's catch-up starts from the tables' mark, the H2 journal log overwrites rows by key).
 */
public final class RecoveryRepairs {
    /** The most repairs one recovery makes before it gives up (each rebuilds a table's indexes: far more than the schema has). */
    public static final int MAX_REPAIRS = 32;
    private static final Logger log = LoggerFactory.getLogger(RecoveryRepairs.class);

    private RecoveryRepairs() {
    }

    /**
     * @return what {@code recovery} returned on its run that succeeded
     * @throws RuntimeException the recovery's failure, when the store found nothing to mend (or repaired
     *                          {@link #MAX_REPAIRS} times already), or the repair's own failure
     */
    public static <T> T run(TransactionStore store, Supplier<T> recovery) {
        for (int repairs = 0; ; repairs++) {
            try {
                return recovery.get();
            } catch (RuntimeException e) {
                String repaired = repairs < MAX_REPAIRS ? store.repairAfter(e) : null;
                if (repaired == null) throw e;
                log.warn("store: recovery failed on a damaged index, which a kill can leave in an H2 file ({}); rebuilt {}"
                        + " from its table's rows, and recovery runs again", e.getMessage(), repaired);
            }
        }
    }
}
