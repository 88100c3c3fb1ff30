package io.switchgate.store;

/**
 * The store's sequence of a node's RRNs: named {@code rrn-} and the node's two characters; an RRN is those two
 * characters and ten digits (the sequence's number). Known here so that a sequence that has no row yet (a new one, or
 * one a kill took) can start past every RRN of its node already stored ({@link SequenceRepair#firstFree}).
 */
public final class RrnSequence {
    /** Digits after the node's two characters. */
    public static final int DIGITS = 10;
    private static final String PREFIX = "rrn-";

    private RrnSequence() {
    }

    /** The sequence of node {@code nodeId}'s RRNs. */
    public static String name(String nodeId) {
        return PREFIX + nodeId;
    }

    /** The node whose RRNs sequence {@code name} numbers, or null if it numbers something else. */
    static String nodeOf(String name) {
        return name.startsWith(PREFIX) && name.length() == PREFIX.length() + 2 ? name.substring(PREFIX.length()) : null;
    }

    /** The number of {@code rrn} if it is one of node {@code node}'s, else -1. */
    static long numberOf(String rrn, String node) {
        if (rrn == null || rrn.length() != 2 + DIGITS || !rrn.startsWith(node)) return -1;
        long n = 0;
        for (int i = 2; i < rrn.length(); i++) {
            char c = rrn.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
