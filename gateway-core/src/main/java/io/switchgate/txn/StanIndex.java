package io.switchgate.txn;

import java.util.Arrays;
import java.util.Objects;

/**
 * (terminal, STAN) -> RRN of the newest non-reversal request with them (what a reversal names), for the working set's
 * rows: an open-addressing table (linear probing, deletion by backward shift) of the strings the rows already hold. A
 * put, a look-up and a removal allocate nothing: a {@code HashMap} made a key object and a node for each sale, and a key
 * object again when the sweep let the row go (~90 bytes a decision, and ~56 bytes of every row the working set keeps).
 *
 * <p>Laid out for a table too big for the caches: the hashes in one array, where a probe looks first (a slot is empty
 * when its hash is 0, so a stored hash never is), and each entry's three strings side by side in another, read only
 * on a hash match; the backward shift reads no string at all. Engine thread only.
 */
final class StanIndex {
    private static final int MIN_CAPACITY = 1 << 10;

    /** Per slot: the entry's hash, 0 for none. */
    private int[] hashes;
    /** Per slot {@code i}: terminal at {@code 3i}, STAN at {@code 3i + 1}, RRN at {@code 3i + 2}. */
    private String[] entries;
    private int mask;
    private int size;

    StanIndex() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        hashes = new int[capacity];
        entries = new String[3 * capacity];
        mask = capacity - 1;
    }

    /**
     * Terminal IDs and STANs are digit strings that differ by small steps: the plain {@code 31 * h(terminal) + h(STAN)}
     * makes many pairs one hash (TERM0001/000110 and TERM0002/000100), so the terminal's hash is spread by a large odd
     * multiplier; and a terminal's consecutive STANs would take consecutive slots, runs that linear probing makes long
     * where they meet another terminal's, so the sum goes through MurmurHash3's finalizer (every bit moves every bit).
     * Never 0 (the empty slot's mark).
     */
    static int hash(String terminalId, String stan) {
        int h = Objects.hashCode(terminalId) * 0x9E3779B9 + Objects.hashCode(stan);
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
    }

    int size() {
        return size;
    }

    /**
     * Maps the pair to {@code rrn} (not null), replacing what it mapped to.
     *
     * @return the RRN the pair mapped to before (another request of the terminal with the same STAN), or null
     */
    String put(String terminalId, String stan, String rrn) {
        Objects.requireNonNull(rrn, "rrn");
        if (size + 1 > (mask + 1) >> 1) grow();
        int h = hash(terminalId, stan);
        int i = h & mask;
        for (int held; (held = hashes[i]) != 0; i = (i + 1) & mask) {
            if (held == h && matches(i, terminalId, stan)) {
                String before = entries[3 * i + 2];
                entries[3 * i + 2] = rrn;
                return before;
            }
        }
        hashes[i] = h;
        entries[3 * i] = terminalId;
        entries[3 * i + 1] = stan;
        entries[3 * i + 2] = rrn;
        size++;
        return null;
    }

    /** The RRN the pair maps to, or null. */
    String get(String terminalId, String stan) {
        int i = slotOf(terminalId, stan);
        return i < 0 ? null : entries[3 * i + 2];
    }

    boolean contains(String terminalId, String stan) {
        return slotOf(terminalId, stan) >= 0;
    }

    /** Removes the pair if it maps to {@code rrn} (a newer request with the same STAN keeps its place). */
    void remove(String terminalId, String stan, String rrn) {
        int i = slotOf(terminalId, stan);
        if (i < 0 || !entries[3 * i + 2].equals(rrn)) return;
        // backward shift: move each later entry of the run whose home is not after the gap into the gap
        int gap = i;
        for (int j = (i + 1) & mask; hashes[j] != 0; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            // the entry at j may fill the gap unless its home lies cyclically in (gap, j]
            boolean homeAfterGap = gap <= j ? (home > gap && home <= j) : (home > gap || home <= j);
            if (!homeAfterGap) {
                hashes[gap] = hashes[j];
                System.arraycopy(entries, 3 * j, entries, 3 * gap, 3);
                gap = j;
            }
        }
        hashes[gap] = 0;
        entries[3 * gap] = null;
        entries[3 * gap + 1] = null;
        entries[3 * gap + 2] = null;
        size--;
    }

    void clear() {
        Arrays.fill(hashes, 0);
        Arrays.fill(entries, null);
        size = 0;
    }

    private boolean matches(int slot, String terminalId, String stan) {
        return Objects.equals(entries[3 * slot + 1], stan) && Objects.equals(entries[3 * slot], terminalId);
    }

    private int slotOf(String terminalId, String stan) {
        int h = hash(terminalId, stan);
        for (int i = h & mask, held; (held = hashes[i]) != 0; i = (i + 1) & mask) {
            if (held == h && matches(i, terminalId, stan)) return i;
        }
        return -1;
    }

    private void grow() {
        int[] oldHashes = hashes;
        String[] old = entries;
        allocate(oldHashes.length * 2);
        size = 0;
        for (int k = 0; k < oldHashes.length; k++) {
            if (oldHashes[k] != 0) put(old[3 * k], old[3 * k + 1], old[3 * k + 2]);
        }
    }
}
