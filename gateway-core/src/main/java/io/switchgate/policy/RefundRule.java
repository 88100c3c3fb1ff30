package io.switchgate.policy;

/** One refund rule: a decline, or null when the refund passes it. */
@FunctionalInterface
public interface RefundRule {
    Decline check(RefundCheck c);
}
