package io.switchgate.txn;

/**
 * One instance per value for the short codes every journal record repeats (MTI, processing code, currency), so the
 * rows the working set keeps share them rather than each holding the copy its request was parsed into (~50 bytes a
 * code, a row kept for seconds to minutes). A direct-mapped cache: a value takes the slot its hash names, replacing
 * what was there, so it stays bounded whatever the requests say. Safe without a lock: a String is immutable, and a
 * read that races a write only finds no shared copy and keeps its own.
 */
final class SharedStrings {
    private final String[] slots;
    private final int mask;

    /** @param slots a power of two */
    SharedStrings(int slots) {
        if (Integer.bitCount(slots) != 1) throw new IllegalArgumentException("slots must be a power of two: " + slots);
        this.slots = new String[slots];
        this.mask = slots - 1;
    }

    /** The shared instance equal to {@code s} ({@code s} itself the first time), or null for null. */
    String of(String s) {
        if (s == null) return null;
        int h = s.hashCode();
        int i = (h ^ (h >>> 16)) & mask;
        String held = slots[i];
        if (s.equals(held)) return held;
        slots[i] = s;
        return s;
    }
}
