package io.switchgate.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;

import static io.switchgate.policy.RuleFixtures.*;

class RefundWindowRuleTest {
    private final RefundWindowRule rule = new RefundWindowRule();

    /** Sale at NOW minus the given age; window in days. Exactly windowDays old is still within the window. */
    @ParameterizedTest(name = "window {0}d, sale {1} old -> {2}")
    @CsvSource({
            "180, PT0S,            ",
            "180, PT1H,            ",
            "180, P179D,           ",
            "180, P180D,           ",          // exact boundary: within
            "180, P180DT0.001S,    REFUND_WINDOW_EXPIRED",
            "180, P180DT1S,        REFUND_WINDOW_EXPIRED",
            "180, P181D,           REFUND_WINDOW_EXPIRED",
            "180, P183D,           REFUND_WINDOW_EXPIRED", // half a year
            "30,  P30D,            ",
            "30,  P30DT1S,         REFUND_WINDOW_EXPIRED",
            "1,   PT24H,           ",
            "1,   PT24H0.000000001S, REFUND_WINDOW_EXPIRED",
            "0,   PT0S,            ",
            "0,   PT1S,            REFUND_WINDOW_EXPIRED",
    })
    void window(int windowDays, Duration age, String reason) {
        var c = refundCheck().merchant(merchant(windowDays, 500_000, 2_000_000))
                .original(sale(10_000).createdAt(NOW.minus(age))).now(NOW).build();
        assertOutcome(rule.check(c), reason == null ? null : "12", reason);
    }

    @Test
    void saleInTheFutureOfTheClockPasses() {
        // clock skew between nodes must not turn a fresh sale into an expired one
        var c = refundCheck().original(sale(10_000).createdAt(NOW.plusSeconds(5))).now(NOW).build();
        assertPass(rule.check(c));
    }

    @Test
    void windowIsMeasuredFromTheSaleNotFromAnyRefund() {
        Instant saleAt = NOW.minus(Duration.ofDays(181));
        var c = refundCheck().original(sale(10_000).createdAt(saleAt).refunded(1_000)).now(NOW).build();
        assertDecline(rule.check(c), "12", "REFUND_WINDOW_EXPIRED");
    }
}
