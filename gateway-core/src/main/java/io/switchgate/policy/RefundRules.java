package io.switchgate.policy;

import java.util.List;

/**
 * Every refund rule, in the order a merchant would want to hear about problems: first whether
 * there is a refundable sale at all, then whose it is, then time, then amounts.
 */
public final class RefundRules {
    private static final List<RefundRule> RULES = List.of(
            new RefundOriginalRule(),
            new RefundAmountRule(),
            new RefundMerchantRule(),
            new RefundCardRule(),
            new RefundWindowRule(),
            new SuspectedDuplicateRefundRule(),
            new RefundRemainingRule(),
            new RefundSingleLimitRule(),
            new RefundDailyLimitRule());

    private RefundRules() {
    }

    public static Decline check(RefundCheck c) {
        for (RefundRule r : RULES) {
            Decline d = r.check(c);
            if (d != null) return d;
        }
        return null;
    }
}
