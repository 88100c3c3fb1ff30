package io.switchgate.store;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RecoveryRepairsTest {
    /** A store whose repairs are counted; each "mends" what it is shown while {@code mends} is true. */
    private static final class Mending extends ForwardingStore {
        final AtomicInteger repairs = new AtomicInteger();
        final boolean mends;

        Mending(boolean mends) {
            super(new InMemoryTransactionStore());
            this.mends = mends;
        }

        @Override
        public String repairAfter(RuntimeException failure) {
            repairs.incrementAndGet();
            return mends ? "index IX_A" : null;
        }
    }

    @Test
    void aRecoveryThatFailsOnMendableDamageRunsAgainAfterTheRepair() {
        Mending store = new Mending(true);
        AtomicInteger runs = new AtomicInteger();
        String result = RecoveryRepairs.run(store, () -> {
            if (runs.incrementAndGet() < 3) throw new StoreException("damaged");
            return "recovered";
        });
        assertEquals("recovered", result);
        assertEquals(3, runs.get());
        assertEquals(2, store.repairs.get());
    }

    @Test
    void aFailureTheStoreCannotMendIsThrownAsItIs() {
        Mending store = new Mending(false);
        StoreException failure = new StoreException("journal ends early");
        assertSame(failure, assertThrows(StoreException.class, () -> RecoveryRepairs.run(store, () -> {
            throw failure;
        })));
        assertEquals(1, store.repairs.get());
    }

    @Test
    void damageThatComesBackAfterEveryRepairEndsTheStartRatherThanLoopingForever() {
        Mending store = new Mending(true);
        AtomicInteger runs = new AtomicInteger();
        StoreException failure = new StoreException("damaged again");
        assertSame(failure, assertThrows(StoreException.class, () -> RecoveryRepairs.run(store, () -> {
            runs.incrementAndGet();
            throw failure;
        })));
        assertEquals(RecoveryRepairs.MAX_REPAIRS, store.repairs.get());
        assertEquals(RecoveryRepairs.MAX_REPAIRS + 1, runs.get());
    }
}
