package io.switchgate.txn;

import java.util.Arrays;
import java.util.Objects;

/**
 * (terminal, STAN) -> RRN of the newest non-reversal request with them (what a reversal names), for the working set's
 * rows: an open-addressing table (linear probing, deletion by backward shift) over three arrays of the strings the
 * rows already hold, and one of their hashes (a probe compares the hash before it reads a string, and the backward
 * shift reads no string at all: each read of one is a cache miss in a table of this size). A put, a look-up and a removal allocate nothing: a {@code HashMap} made a key object and a node
 * for each sale, and a key object again when the sweep let the row go (a tenth of what a decision allocated, and
 * ~56 bytes of every row the working set keeps). Engine thread only.
 */
final class StanIndex {
    private static final int MIN_CAPACITY = 1 << 10;

    private String[] terminals;
    private String[] stans;
    private String[] rrns;
    private int[] hashes;
    private int mask;
    private int size;

    StanIndex() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        terminals = new String[capacity];
        stans = new String[capacity];
        rrns = new String[capacity];
        hashes = new int[capacity];
        mask = capacity - 1;
    }

    /**
     * Terminal IDs and STANs are digit strings that differ by small steps: the plain {@code 31 * h(terminal) + h(STAN)}
     * makes many pairs one hash (TERM0001/000110 and TERM0002/000100), so the terminal's hash is spread by a large odd
     * multiplier; and a terminal's consecutive STANs would take consecutive slots, runs that linear probing makes long
     * where they meet another terminal's, so the sum goes through MurmurHash3's finalizer (every bit moves every bit).
     */
    static int hash(String terminalId, String stan) {
        int h = Objects.hashCode(terminalId) * 0x9E3779B9 + Objects.hashCode(stan);
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    int size() {
        return size;
    }

    /** Maps the pair to {@code rrn}, replacing what it mapped to. */
    void put(String terminalId, String stan, String rrn) {
        if (size + 1 > (mask + 1) >> 1) grow();
        int h = hash(terminalId, stan);
        int i = h & mask;
        while (rrns[i] != null) {
            if (hashes[i] == h && Objects.equals(stans[i], stan) && Objects.equals(terminals[i], terminalId)) {
                rrns[i] = rrn;
                return;
            }
            i = (i + 1) & mask;
        }
        terminals[i] = terminalId;
        stans[i] = stan;
        rrns[i] = rrn;
        hashes[i] = h;
        size++;
    }

    /** The RRN the pair maps to, or null. */
    String get(String terminalId, String stan) {
        int i = slotOf(terminalId, stan);
        return i < 0 ? null : rrns[i];
    }

    boolean contains(String terminalId, String stan) {
        return slotOf(terminalId, stan) >= 0;
    }

    /** Removes the pair if it maps to {@code rrn} (a newer request with the same STAN keeps its place). */
    void remove(String terminalId, String stan, String rrn) {
        int i = slotOf(terminalId, stan);
        if (i < 0 || !rrns[i].equals(rrn)) return;
        // backward shift: move each later entry of the run whose home is not after the gap into the gap
        int gap = i;
        int j = (i + 1) & mask;
        while (rrns[j] != null) {
            int home = hashes[j] & mask;
            // the entry at j may fill the gap unless its home lies cyclically in (gap, j]
            boolean homeAfterGap = gap <= j ? (home > gap && home <= j) : (home > gap || home <= j);
            if (!homeAfterGap) {
                terminals[gap] = terminals[j];
                stans[gap] = stans[j];
                rrns[gap] = rrns[j];
                hashes[gap] = hashes[j];
                gap = j;
            }
            j = (j + 1) & mask;
        }
        terminals[gap] = null;
        stans[gap] = null;
        rrns[gap] = null;
        size--;
    }

    void clear() {
        Arrays.fill(terminals, null);
        Arrays.fill(stans, null);
        Arrays.fill(rrns, null);
        size = 0;
    }

    private int slotOf(String terminalId, String stan) {
        int h = hash(terminalId, stan);
        int i = h & mask;
        while (rrns[i] != null) {
            if (hashes[i] == h && Objects.equals(stans[i], stan) && Objects.equals(terminals[i], terminalId)) return i;
            i = (i + 1) & mask;
        }
        return -1;
    }

    private void grow() {
        String[] t = terminals;
        String[] s = stans;
        String[] r = rrns;
        allocate(t.length * 2);
        size = 0;
        for (int k = 0; k < t.length; k++) {
            if (r[k] != null) put(t[k], s[k], r[k]);
        }
    }
}
