package io.switchgate.txn;

import io.switchgate.store.ForwardingStore;
import io.switchgate.store.InMemoryTransactionStore;
import io.switchgate.store.StoreException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** RRN blocks: the next one is reserved in the background, so the engine thread does not wait on the database. */
class RrnAllocatorTest {

    /** Records which thread reserved each block; fails the reservations it is told to. */
    static class Reservations extends ForwardingStore {
        final List<String> threads = new CopyOnWriteArrayList<>();
        volatile boolean failBackground;

        Reservations() {
            super(new InMemoryTransactionStore());
        }

        @Override
        public long reserveSequence(String name, int count) {
            String t = Thread.currentThread().getName();
            threads.add(t);
            if (failBackground && t.startsWith("rrn-reserve")) throw new StoreException("database down (test)");
            return inner.reserveSequence(name, count);
        }
    }

    @Test
    void afterTheFirstBlockTheEngineThreadNeverReserves() {
        Reservations store = new Reservations();
        RrnAllocator rrns = new RrnAllocator("01", store);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5 * RrnAllocator.BLOCK; i++) assertTrue(seen.add(rrns.next()), "an RRN given twice");
        String me = Thread.currentThread().getName();
        // a snapshot: the block reserved ahead of the last one may still be added to the list by its background thread
        List<String> threads = List.copyOf(store.threads);
        assertEquals(me, threads.get(0), "the first block: nothing to take it from");
        for (String t : threads.subList(1, threads.size())) assertTrue(t.startsWith("rrn-reserve"), t);
        assertTrue(threads.size() >= 5);
    }

    /** A store whose writes all fail while {@code down} (its disk full). */
    static final class DiskFull extends Reservations {
        volatile boolean down;

        @Override
        public long reserveSequence(String name, int count) {
            if (down) throw new StoreException("No space left on device (test)");
            return super.reserveSequence(name, count);
        }
    }

    @Test
    void aStoreThatTakesNoWriteIsAProblemUntilAProbeSucceeds() {
        DiskFull store = new DiskFull();
        RrnAllocator rrns = new RrnAllocator("01", store);
        for (int i = 0; i < RrnAllocator.BLOCK; i++) rrns.next();
        assertNull(rrns.problem());
        store.down = true;
        assertThrows(StoreException.class, () -> {
            for (int i = 0; i <= RrnAllocator.BLOCK; i++) rrns.next(); // past the block reserved ahead
        });
        assertTrue(rrns.problem().contains("No space left on device"), rrns.problem());
        assertFalse(rrns.probe(), "still full");
        store.down = false;
        assertTrue(rrns.probe());
        assertNull(rrns.problem());
        assertNotNull(rrns.next(), "numbers again");
    }

    @Test
    void aFailedBackgroundReservationIsTriedAgainWhereTheNumberIsNeeded() {
        Reservations store = new Reservations();
        RrnAllocator rrns = new RrnAllocator("01", store);
        store.failBackground = true;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 3 * RrnAllocator.BLOCK; i++) assertTrue(seen.add(rrns.next()), "an RRN given twice");
        long onThisThread = store.threads.stream().filter(t -> t.equals(Thread.currentThread().getName())).count();
        assertEquals(3, onThisThread, "each block reserved here after its background try failed");
    }
}
