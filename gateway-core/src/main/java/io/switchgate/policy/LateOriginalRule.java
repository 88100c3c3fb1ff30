package io.switchgate.policy;

/**
 * A reversal that found no original is kept; when the original arrives after it (the network
 * delivered them out of order), the original is refused: the terminal already gave up on it.
 */
public final class LateOriginalRule {

    private LateOriginalRule() {
    }

    public static Decline check(boolean reversedBeforeArrival) {
        return reversedBeforeArrival ? Decline.of(Codes.INVALID_TRANSACTION, "REVERSED_BEFORE_ARRIVAL") : null;
    }
}
