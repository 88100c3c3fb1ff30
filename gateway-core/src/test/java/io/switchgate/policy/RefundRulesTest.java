package io.switchgate.policy;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.switchgate.policy.RuleFixtures.*;

/**
 * The chain: one failure alone gives that rule's decline; with several failing, the one earliest in the order
 * (original, amount, merchant, card, window, duplicate, remaining, single limit, daily limit) wins.
 */
class RefundRulesTest {

    /** One way to make each rule fail, in the chain's order; each independent of the others where possible. */
    enum Failure {
        ORIGINAL("12", "ORIGINAL_VOIDED"),
        AMOUNT("13", "INVALID_AMOUNT"),
        MERCHANT("12", "ORIGINAL_OTHER_MERCHANT"),
        CARD("12", "CARD_MISMATCH"),
        WINDOW("12", "REFUND_WINDOW_EXPIRED"),
        DUPLICATE("12", "SUSPECTED_DUPLICATE"),
        REMAINING("13", "EXCEEDS_REFUNDABLE"),
        SINGLE_LIMIT("61", "SINGLE_REFUND_LIMIT"),
        DAILY_LIMIT("61", "DAILY_REFUND_LIMIT");

        final String code;
        final String reason;

        Failure(String code, String reason) {
            this.code = code;
            this.reason = reason;
        }
    }

    static RefundCheck build(Set<Failure> f) {
        long amount = f.contains(Failure.AMOUNT) ? 0 : 1_000;
        var sale = sale(10_000);
        if (f.contains(Failure.ORIGINAL)) sale.status(TxnStatus.VOIDED);
        if (f.contains(Failure.MERCHANT)) sale.merchant(OTHER_MERCHANT);
        if (f.contains(Failure.WINDOW)) sale.createdAt(NOW.minus(Duration.ofDays(181)));
        if (f.contains(Failure.REMAINING)) sale.refunded(10_000);
        var b = refundCheck().amount(amount).original(sale)
                .panHash(f.contains(Failure.CARD) ? OTHER_PAN_HASH : PAN_HASH)
                .merchant(merchant(180, f.contains(Failure.SINGLE_LIMIT) ? 1 : 500_000, 2_000_000))
                .today(f.contains(Failure.DAILY_LIMIT) ? 2_000_000 : 0);
        if (f.contains(Failure.DUPLICATE)) b.prior(refund(amount).createdAt(NOW.minus(Duration.ofMinutes(1))).build());
        return b.build();
    }

    @Test
    void cleanRefundPasses() {
        assertPass(RefundRules.check(build(EnumSet.noneOf(Failure.class))));
    }

    @ParameterizedTest
    @EnumSource(value = Failure.class, names = "AMOUNT", mode = EnumSource.Mode.EXCLUDE)
    void eachFailureAloneGivesItsOwnDecline(Failure f) {
        assertDecline(RefundRules.check(build(EnumSet.of(f))), f.code, f.reason);
    }

    @Test
    void zeroAmountAloneIs13() {
        assertDecline(RefundRules.check(build(EnumSet.of(Failure.AMOUNT))), "13", "INVALID_AMOUNT");
    }

    static Stream<Arguments> pairs() {
        List<Arguments> rows = new ArrayList<>();
        Failure[] all = Failure.values();
        for (int i = 0; i < all.length; i++)
            for (int j = i + 1; j < all.length; j++) rows.add(Arguments.of(all[i], all[j]));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} + {1} -> {0}")
    @MethodSource("pairs")
    void earlierRuleWinsInEveryPair(Failure first, Failure later) {
        assertDecline(RefundRules.check(build(EnumSet.of(first, later))), first.code, first.reason);
    }

    @ParameterizedTest(name = "all from {0} on -> {0}")
    @EnumSource(Failure.class)
    void firstFailingRuleWinsWhenEveryLaterOneFailsToo(Failure from) {
        assertDecline(RefundRules.check(build(EnumSet.range(from, Failure.DAILY_LIMIT))), from.code, from.reason);
    }

    @Test
    void missingOriginalWinsOverEverythingAndNoOtherRuleLooksAtIt() {
        var c = refundCheck().original((TxnRecord) null).amount(0).panHash(OTHER_PAN_HASH).today(99_999_999)
                .merchant(merchant(180, 1, 1)).build();
        assertDecline(RefundRules.check(c), "25", "ORIGINAL_NOT_FOUND");
    }

    @Test
    void originalNotASaleWinsOverOtherMerchant() {
        var c = refundCheck().original(txn(TxnType.REFUND).merchant(OTHER_MERCHANT)).build();
        assertDecline(RefundRules.check(c), "12", "ORIGINAL_NOT_A_SALE");
    }

    @Test
    void suspectedDuplicateWinsOverExceedingTheRemainingAmount() {
        // sale 1000 fully refunded a minute ago; the same refund keyed again is reported as a duplicate
        var c = refundCheck().amount(1_000).original(sale(1_000).refunded(1_000))
                .prior(refund(1_000).createdAt(NOW.minusSeconds(60)).build()).build();
        assertDecline(RefundRules.check(c), "12", "SUSPECTED_DUPLICATE");
    }

    @Test
    void exactRemainingAtExactLimitsOnTheLastWindowDayPasses() {
        var c = refundCheck().amount(6_000)
                .original(sale(10_000).refunded(4_000).createdAt(NOW.minus(Duration.ofDays(30))))
                .merchant(merchant(30, 6_000, 10_000)).today(4_000)
                .prior(refund(4_000).createdAt(NOW.minusSeconds(10)).build()).build();
        assertPass(RefundRules.check(c));
    }
}
