package io.switchgate.policy;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static io.switchgate.policy.RuleFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SuspectedDuplicateRefundRuleTest {
    private final SuspectedDuplicateRefundRule rule = new SuspectedDuplicateRefundRule();

    private static TxnRecord priorAgo(long amount, Duration ago) {
        return refund(amount).createdAt(NOW.minus(ago)).build();
    }

    @Test
    void windowIsTenMinutes() {
        assertEquals(Duration.ofMinutes(10), SuspectedDuplicateRefundRule.WINDOW);
    }

    @Test
    void noPriorRefundsPasses() {
        assertPass(rule.check(refundCheck().amount(1_000).prior().build()));
    }

    /** Same amount, approved prior refund, at various ages. Exactly 10 minutes old still counts. */
    @ParameterizedTest(name = "prior {0} ago -> {1}")
    @CsvSource({
            "PT0S,             SUSPECTED_DUPLICATE",
            "PT1S,             SUSPECTED_DUPLICATE",
            "PT9M59.999S,      SUSPECTED_DUPLICATE",
            "PT10M,            SUSPECTED_DUPLICATE",
            "PT10M0.000000001S, ",
            "PT10M1S,          ",
            "PT1H,             ",
            "P1D,              ",
    })
    void tenMinuteBoundary(Duration ago, String reason) {
        var c = refundCheck().amount(1_000).prior(priorAgo(1_000, ago)).now(NOW).build();
        assertOutcome(rule.check(c), reason == null ? null : "12", reason);
    }

    @ParameterizedTest
    @CsvSource({"999", "1001", "2000", "1"})
    void differentAmountWithinWindowPasses(long priorAmount) {
        assertPass(rule.check(refundCheck().amount(1_000).prior(priorAgo(priorAmount, Duration.ofMinutes(1))).build()));
    }

    @ParameterizedTest
    @CsvSource({"05", "51", "61", "12", "91"})
    void declinedPriorRefundDoesNotCount(String code) {
        var prior = refund(1_000).createdAt(NOW.minusSeconds(30)).declined(code).build();
        assertPass(rule.check(refundCheck().amount(1_000).prior(prior).build()));
    }

    @ParameterizedTest
    @CsvSource({"REVERSED", "DECLINED", "VOIDED"})
    void priorRefundNoLongerApprovedDoesNotCount(TxnStatus status) {
        var prior = refund(1_000).createdAt(NOW.minusSeconds(30)).status(status).build();
        assertPass(rule.check(refundCheck().amount(1_000).prior(prior).build()));
    }

    /** A refund of the same amount still at the host counts as an approved one: most likely the same refund twice. */
    @Test
    void aRefundOfTheSameAmountStillAtTheHostIsASuspectedDuplicate() {
        assertDecline(rule.check(refundCheck().amount(1_000).atHost(400L, 1_000L).build()), "12", "SUSPECTED_DUPLICATE");
        assertPass(rule.check(refundCheck().amount(1_000).atHost(400L, 999L).build()));
    }

    @Test
    void anyOneMatchingPriorAmongSeveralIsEnough() {
        var c = refundCheck().amount(1_000).prior(
                refund(1_000).createdAt(NOW.minusSeconds(60)).status(TxnStatus.REVERSED).build(),
                priorAgo(1_000, Duration.ofHours(2)),
                priorAgo(500, Duration.ofSeconds(10)),
                priorAgo(1_000, Duration.ofMinutes(5))).build();
        assertDecline(rule.check(c), "12", "SUSPECTED_DUPLICATE");
    }

    @Test
    void severalPriorsNoneMatchingPasses() {
        var c = refundCheck().amount(1_000).prior(
                refund(1_000).createdAt(NOW.minusSeconds(60)).status(TxnStatus.REVERSED).build(),
                refund(1_000).createdAt(NOW.minusSeconds(60)).declined("05").build(),
                priorAgo(1_000, Duration.ofMinutes(11)),
                priorAgo(500, Duration.ofSeconds(10))).build();
        assertPass(rule.check(c));
    }
}
