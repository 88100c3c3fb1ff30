package io.switchgate.policy;

import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.policy.ReversalRules.Action;
import io.switchgate.policy.ReversalRules.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static io.switchgate.policy.RuleFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ReversalRulesTest {

    private static void assertUndo(Verdict v) {
        assertEquals(Action.UNDO, v.action(), () -> "verdict " + v);
        assertNull(v.decline());
    }

    private static void assertNothingToUndo(Verdict v) {
        assertEquals(Action.NOTHING_TO_UNDO, v.action(), () -> "verdict " + v);
        assertNull(v.decline(), "nothing to undo is answered 00");
    }

    private static void assertDeclined(Verdict v, String code, String reason) {
        assertEquals(Action.DECLINE, v.action(), () -> "verdict " + v);
        assertDecline(v.decline(), code, reason);
    }

    @ParameterizedTest
    @CsvSource({"10000", "-1"})
    void noOriginalIs25(long amount) {
        assertDeclined(ReversalRules.check(null, amount, 0), "25", "ORIGINAL_NOT_FOUND");
    }

    @ParameterizedTest(name = "approved {0}, amount equal -> undo")
    @EnumSource(value = TxnType.class, names = {"SALE", "REFUND", "VOID", "BALANCE"})
    void approvedOriginalWithItsAmountIsUndone(TxnType type) {
        assertUndo(ReversalRules.check(txn(type).amount(10_000).build(), 10_000, 0));
    }

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = {"SALE", "REFUND", "VOID", "BALANCE"})
    void absentDe4IsUndoneWithoutAmountCheck(TxnType type) {
        assertUndo(ReversalRules.check(txn(type).amount(10_000).build(), -1, 0));
    }

    @ParameterizedTest(name = "declined {0} -> nothing to undo")
    @EnumSource(value = TxnType.class, names = {"SALE", "REFUND", "VOID", "BALANCE"})
    void declinedOriginalHasNothingToUndo(TxnType type) {
        // even with a mismatched amount and refunds: nothing happened, so 00 and no change
        assertNothingToUndo(ReversalRules.check(txn(type).amount(10_000).declined("51").build(), 1, 5_000));
    }

    @Test
    void originalWithANonApprovedCodeButApprovedStatusHasNothingToUndo() {
        assertNothingToUndo(ReversalRules.check(sale(10_000).responseCode("91").build(), 10_000, 0));
    }

    @ParameterizedTest(name = "already reversed {0} -> nothing to undo")
    @EnumSource(value = TxnType.class, names = {"SALE", "REFUND", "VOID", "BALANCE"})
    void alreadyReversedHasNothingToUndo(TxnType type) {
        // a repeated reversal: 00 again, undone only once
        assertNothingToUndo(ReversalRules.check(txn(type).amount(10_000).status(TxnStatus.REVERSED).build(), 10_000, 0));
        assertNothingToUndo(ReversalRules.check(txn(type).amount(10_000).status(TxnStatus.REVERSED).build(), 1, 0));
    }

    @Test
    void voidedSaleHasNothingToUndo() {
        // the void already gave the money back
        assertNothingToUndo(ReversalRules.check(sale(10_000).status(TxnStatus.VOIDED).build(), 10_000, 0));
        assertNothingToUndo(ReversalRules.check(sale(10_000).status(TxnStatus.VOIDED).build(), 3, 0));
    }

    @ParameterizedTest(name = "{0}: original 10000, DE 4 {1} -> 13")
    @CsvSource({
            "SALE,   9999", "SALE,   10001", "SALE,   0", "SALE,   1",
            "REFUND, 9999", "REFUND, 0",
            "VOID,   10001", "VOID,   0",
    })
    void amountMismatchIs13(TxnType type, long amount) {
        assertDeclined(ReversalRules.check(txn(type).amount(10_000).build(), amount, 0), "13", "AMOUNT_MISMATCH");
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "999999"})
    void balanceInquiryHasNoAmountToMatch(long amount) {
        assertUndo(ReversalRules.check(txn(TxnType.BALANCE).amount(0).build(), amount, 0));
    }

    @ParameterizedTest
    @CsvSource({"1", "4000", "10000"})
    void saleWithApprovedRefundsIs12(long refunds) {
        assertDeclined(ReversalRules.check(sale(10_000).refunded(refunds).build(), 10_000, refunds), "12", "ORIGINAL_REFUNDED");
        assertDeclined(ReversalRules.check(sale(10_000).build(), -1, refunds), "12", "ORIGINAL_REFUNDED");
        // the sale's own refunded amount is enough, even when the caller found no refund rows
        assertDeclined(ReversalRules.check(sale(10_000).refunded(refunds).build(), 10_000, 0), "12", "ORIGINAL_REFUNDED");
    }

    @Test
    void amountMismatchWinsOverRefunds() {
        assertDeclined(ReversalRules.check(sale(10_000).build(), 5, 1_000), "13", "AMOUNT_MISMATCH");
    }

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = {"REFUND", "VOID", "BALANCE"})
    void refundsCountOnlyForSales(TxnType type) {
        assertUndo(ReversalRules.check(txn(type).amount(10_000).build(), 10_000, 5_000));
    }

    @Test
    void saleWithOnlyReversedRefundsIsUndone() {
        // the caller passes approved, unreversed refunds only: zero means the sale can be reversed
        assertUndo(ReversalRules.check(sale(10_000).build(), 10_000, 0));
    }

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = {"SALE", "REFUND", "VOID"})
    void anOriginalOfASettledBatchIsNotReversed(TxnType type) {
        // after settlement the way back is a refund; the settled totals still count the original
        assertDeclined(ReversalRules.check(txn(type).amount(10_000).batchNo(OPEN_BATCH - 1).build(), 10_000, 0, OPEN_BATCH),
                "12", "ORIGINAL_BATCH_SETTLED");
        assertUndo(ReversalRules.check(txn(type).amount(10_000).build(), 10_000, 0, OPEN_BATCH));
    }

    @Test
    void aSettledOriginalWithNothingToUndoIsStillAnswered00() {
        // a repeat of a reversal that went through before the settlement changes nothing and is answered 00 again
        assertNothingToUndo(ReversalRules.check(sale(10_000).status(TxnStatus.REVERSED).batchNo(OPEN_BATCH - 1).build(),
                10_000, 0, OPEN_BATCH));
    }
}
