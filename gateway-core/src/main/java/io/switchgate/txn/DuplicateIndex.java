package io.switchgate.txn;

import java.util.function.Predicate;

/**
 * The duplicate index of the working set: duplicate key -> RRN of the request answered under it, oldest first, in
 * primitive arrays. It holds up to a million keys on a 1 GB heap (a fifth of it, {@link EngineState}); as a
 * {@code LinkedHashMap<String, ...>} each key was five objects (entry, key string and its bytes, value, RRN string),
 * ~250 bytes the collector traced and copied, and each new entry a reference from old objects to a young one
 * (docs/benchmarks.md, "a compact duplicate index"). Here a key is 32 bytes and no object.
 *
 * <ul>
 *   <li>A ring of entries in the order they were added: the 64-bit hash of the key, the RRN packed in a long (the
 *   node's two characters and ten digits; any other RRN is kept as a string beside it), and when it was answered.
 *   The oldest leave first: by age ({@link #dropAddedBefore}) or when the index is full ({@link #add}).</li>
 *   <li>An open-addressing table (linear probing) from the hash to the entry's place in the ring.</li>
 * </ul>
 *
 * <p>The key itself is not kept, so two keys with the same hash are told apart by the caller: {@link #find} offers
 * each RRN stored under the hash, newest first, until the caller's check (the record's own key) accepts one. Keys
 * that share a hash are all kept, so no key hides another.
 *
 * <p>One thread (the engine's) uses it; it is not thread-safe.
 */
final class DuplicateIndex {
    /** {@link #add} returns this when the index was not full (nothing left it). */
    static final long NOTHING_DROPPED = Long.MIN_VALUE;
    private static final int FIRST_CAPACITY = 1 << 12;
    /** An RRN that is not two ASCII characters and ten digits: see {@link #odd}. */
    private static final long ODD_RRN = -1;

    private final int max;
    private long[] hashes;
    private long[] rrns;
    private long[] added;
    /** The RRNs that do not pack into a long, at their place in the ring (allocated at the first one). */
    private String[] odd;
    /** Ring position of the oldest entry. */
    private int head;
    private int size;
    /** Ring position + 1 of an entry, 0 for a free slot; its length a power of two, at most ~3/4 full. */
    private int[] table;
    /**
     * The last key hashed, by identity, and its hash: a new request's key is looked up ({@link #find}) and then added
     * ({@link #add}) as the same string, so it is hashed once (a ~30-character loop per request).
     */
    private String lastKey;
    private long lastHash;

    /** @param max the most keys held; adding one more drops the oldest */
    DuplicateIndex(int max) {
        if (max < 1) throw new IllegalArgumentException("a duplicate index holds at least one key, not " + max);
        this.max = max;
        allocate(Math.min(max, FIRST_CAPACITY));
    }

    int size() {
        return size;
    }

    /** The most keys it holds. */
    int max() {
        return max;
    }

    /**
     * Adds {@code key} answered as {@code rrn} at {@code addedMillis}, as the newest entry (the entries must come in
     * the order of their times for {@link #dropAddedBefore} to find every old one).
     *
     * @return when the entry dropped to make room was added, or {@link #NOTHING_DROPPED}
     */
    long add(String key, String rrn, long addedMillis) {
        long dropped = NOTHING_DROPPED;
        if (size == hashes.length) {
            if (size < max) {
                grow();
            } else {
                dropped = added[head];
                dropOldest();
            }
        }
        int pos = position(size);
        long h = hashOf(key);
        hashes[pos] = h;
        long packed = pack(rrn);
        rrns[pos] = packed;
        if (packed == ODD_RRN) {
            if (odd == null) odd = new String[hashes.length];
            odd[pos] = rrn;
        }
        added[pos] = addedMillis;
        size++;
        insert(h, pos);
        return dropped;
    }

    /**
     * The newest RRN stored under {@code key}'s hash that {@code isTheKeys} accepts (the caller checks the record's own
     * key: another key may share the hash), or null. Each candidate is offered once, newest first.
     */
    String find(String key, Predicate<String> isTheKeys) {
        long h = hashOf(key);
        int below = Integer.MAX_VALUE; // only entries added before the last one refused
        while (true) {
            int best = -1;
            int bestAge = -1;
            for (int i = slot(h); table[i] != 0; i = (i + 1) & (table.length - 1)) {
                int pos = table[i] - 1;
                if (hashes[pos] != h) continue;
                int age = order(pos);
                if (age < below && age > bestAge) {
                    best = pos;
                    bestAge = age;
                }
            }
            if (best < 0) return null;
            String rrn = rrnAt(best);
            if (isTheKeys.test(rrn)) return rrn;
            below = bestAge;
        }
    }

    /** Drops the entries added before {@code cutoffMillis}, oldest first, up to the first that is not. */
    void dropAddedBefore(long cutoffMillis) {
        while (size > 0 && added[head] < cutoffMillis) dropOldest();
    }

    /** When the oldest entry was added, or {@link #NOTHING_DROPPED} if there is none. */
    long oldestAdded() {
        return size == 0 ? NOTHING_DROPPED : added[head];
    }

    private void dropOldest() {
        int pos = head;
        int i = slot(hashes[pos]);
        while (table[i] != pos + 1) i = (i + 1) & (table.length - 1);
        removeSlot(i);
        if (odd != null) odd[pos] = null;
        head = position(1);
        size--;
    }

    /** Backward-shift deletion: the entries after the freed slot that probed past it move back into it. */
    private void removeSlot(int free) {
        int mask = table.length - 1;
        int j = free;
        while (true) {
            j = (j + 1) & mask;
            if (table[j] == 0) break;
            int home = slot(hashes[table[j] - 1]);
            // The entry at j stays if its home lies cyclically in (free, j]: moving it before its home would lose it.
            boolean stays = free <= j ? free < home && home <= j : free < home || home <= j;
            if (!stays) {
                table[free] = table[j];
                free = j;
            }
        }
        table[free] = 0;
    }

    private void insert(long h, int pos) {
        int i = slot(h);
        while (table[i] != 0) i = (i + 1) & (table.length - 1);
        table[i] = pos + 1;
    }

    private int slot(long h) {
        return (int) h & (table.length - 1);
    }

    /** Ring position of the entry {@code n} places after the oldest. */
    private int position(int n) {
        int p = head + n;
        return p >= hashes.length ? p - hashes.length : p;
    }

    /** Places after the oldest: larger is newer. */
    private int order(int pos) {
        int n = pos - head;
        return n < 0 ? n + hashes.length : n;
    }

    private void grow() {
        long[] oldHashes = hashes;
        long[] oldRrns = rrns;
        long[] oldAdded = added;
        String[] oldOdd = odd;
        int oldHead = head;
        int n = size;
        allocate((int) Math.min(max, 2L * oldHashes.length));
        for (int k = 0; k < n; k++) {
            int from = oldHead + k;
            if (from >= oldHashes.length) from -= oldHashes.length;
            hashes[k] = oldHashes[from];
            rrns[k] = oldRrns[from];
            added[k] = oldAdded[from];
            if (oldOdd != null && oldOdd[from] != null) {
                if (odd == null) odd = new String[hashes.length];
                odd[k] = oldOdd[from];
            }
            insert(hashes[k], k);
        }
        size = n;
    }

    private void allocate(int capacity) {
        hashes = new long[capacity];
        rrns = new long[capacity];
        added = new long[capacity];
        odd = null;
        head = 0;
        size = 0;
        int t = Integer.highestOneBit(Math.max(4, capacity + capacity / 3)) << 1;
        table = new int[t];
    }

    private String rrnAt(int pos) {
        long p = rrns[pos];
        return p == ODD_RRN ? odd[pos] : unpack(p);
    }

    /** Two ASCII characters and ten digits (every RRN this gateway makes, {@link RrnAllocator}) in 48 bits; else ODD_RRN. */
    static long pack(String rrn) {
        if (rrn == null || rrn.length() != 12) return ODD_RRN;
        char a = rrn.charAt(0);
        char b = rrn.charAt(1);
        if (a >= 128 || b >= 128) return ODD_RRN;
        long n = 0;
        for (int i = 2; i < 12; i++) {
            char c = rrn.charAt(i);
            if (c < '0' || c > '9') return ODD_RRN;
            n = n * 10 + (c - '0');
        }
        return (long) a << 41 | (long) b << 34 | n; // 10^10 < 2^34
    }

    static String unpack(long packed) {
        return RrnAllocator.format(String.valueOf(new char[]{(char) (packed >>> 41 & 0x7F), (char) (packed >>> 34 & 0x7F)}),
                packed & ((1L << 34) - 1));
    }

    private long hashOf(String key) {
        if (key != lastKey) {
            lastHash = hash(key);
            lastKey = key;
        }
        return lastHash;
    }

    /** FNV-1a over the characters, then MurmurHash3's finalizer so that every bit of the slot depends on every character. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** A request's duplicate-detection key: terminal, MTI class, STAN and transmission time (DE 7). */
    static String keyOf(String terminalId, String mti, String stan, String de7) {
        return terminalId + '|' + mti.charAt(1) + '|' + stan + '|' + de7;
    }

    /** What a retransmission must repeat to get the first answer again: processing code, amount and card. */
    static String fingerprintOf(String de3, String de4, String panHash) {
        return de3 + '|' + (de4 == null ? "" : de4) + '|' + (panHash == null ? "" : panHash);
    }

    /**
     * Fields beyond the contract's "DE 3, 4 and card" that say which operation a request is, so that a request
     * differing in one is answered 94, not with another operation's answer: the currency (DE 49), the original a refund
     * or void names (DE 37), the original a reversal names (DE 90), a settlement's totals (DE 74, 76, 86, 88). A
     * black-box audit saw a refund naming sale B answered with the refund of sale A (B never refunded), a reversal
     * naming B with A's reversal, a sale in 840 with the 156 approval, and an 0500 with the new batch's totals with
     * the settled batch's {@code 00}.
     */
    private static final int[] OPERATION_FIELDS = {37, 49, 74, 76, 86, 88, 90};

    /** {@link #fingerprintOf(String, String, String)} plus a 64-bit hash of {@link #OPERATION_FIELDS} as {@code m} has them. */
    static String fingerprintOf(io.switchgate.iso.IsoMessage m, String panHash) {
        long h = 0xcbf29ce484222325L;
        for (int f : OPERATION_FIELDS) {
            String v = m.getString(f);
            if (v == null) continue;
            h = (h ^ f) * 0x100000001b3L;
            for (int i = 0; i < v.length(); i++) h = (h ^ v.charAt(i)) * 0x100000001b3L;
            h = (h ^ '|') * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        String de4 = m.getString(4);
        return m.getString(3) + '|' + (de4 == null ? "" : de4) + '|' + (panHash == null ? "" : panHash) + '|' + Long.toHexString(h);
    }

    /**
     * Whether a request with fingerprint {@code fp} repeats the one answered with {@code prior}. A prior from before the
     * operation fields were part of it (the new form without its last part) is compared on processing code, amount and card only,
     * so that a retransmission across the upgrade is still answered as the first.
     */
    static boolean sameRequest(String prior, String fp) {
        if (prior == null || fp == null) return prior == fp;
        if (prior.equals(fp)) return true;
        int cut = fp.lastIndexOf('|');
        // the old form is exactly the new one without its last part
        return cut > 0 && prior.length() == cut && fp.startsWith(prior);
    }
}
