package io.switchgate.policy;

import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static io.switchgate.policy.RuleFixtures.*;

class RefundOriginalRuleTest {
    private final RefundOriginalRule rule = new RefundOriginalRule();

    @Test
    void approvedSaleNeitherVoidedNorReversedPasses() {
        assertPass(rule.check(refundCheck().original(sale(10_000)).build()));
    }

    @Test
    void partlyRefundedSaleIsStillAnOriginal() {
        assertPass(rule.check(refundCheck().original(sale(10_000).refunded(4_000)).build()));
    }

    @Test
    void noOriginalIs25() {
        assertDecline(rule.check(refundCheck().original((io.switchgate.model.TxnRecord) null).build()), "25", "ORIGINAL_NOT_FOUND");
    }

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = "SALE", mode = EnumSource.Mode.EXCLUDE)
    void originalOfAnotherTypeIs12(TxnType type) {
        assertDecline(rule.check(refundCheck().original(txn(type)).build()), "12", "ORIGINAL_NOT_A_SALE");
    }

    @ParameterizedTest
    @CsvSource({"05", "51", "55", "91", "14"})
    void declinedSaleIs12(String code) {
        assertDecline(rule.check(refundCheck().original(sale(10_000).declined(code)).build()), "12", "ORIGINAL_NOT_APPROVED");
    }

    @Test
    void notApprovedWinsEvenIfStatusSaysApproved() {
        // responseCode is what counts, not the status column
        assertDecline(rule.check(refundCheck().original(sale(10_000).responseCode("05")).build()), "12", "ORIGINAL_NOT_APPROVED");
    }

    @ParameterizedTest
    @CsvSource({"VOIDED, ORIGINAL_VOIDED", "REVERSED, ORIGINAL_REVERSED"})
    void voidedOrReversedSaleIs12(TxnStatus status, String reason) {
        assertDecline(rule.check(refundCheck().original(sale(10_000).status(status)).build()), "12", reason);
    }
}
