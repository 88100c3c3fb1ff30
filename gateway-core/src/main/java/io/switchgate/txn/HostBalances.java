package io.switchgate.txn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The balances hosts answered to the latest balance inquiries, by RRN, for their retransmissions to carry again (DE
 * 54). A journal record keeps no balance, and the embedded authorizer's is not the host's: a repeat of a host's balance
 * inquiry showed the embedded authorizer's balance of the card, or none (a black-box audit). Bounded: the oldest go
 * first, and a repeat of one forgotten (or one from before a restart) carries no DE 54 rather than a wrong one.
 * Engine thread only.
 */
final class HostBalances {
    /** Inquiries remembered: a terminal retransmits within seconds; this covers minutes of a busy gateway. */
    static final int MAX = 10_000;

    private final Map<String, Long> byRrn = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX;
        }
    };

    void answered(String rrn, long balance) {
        byRrn.put(rrn, balance);
    }

    /** The balance the host answered to inquiry {@code rrn}, or null if it is not remembered. */
    Long of(String rrn) {
        return byRrn.get(rrn);
    }
}
