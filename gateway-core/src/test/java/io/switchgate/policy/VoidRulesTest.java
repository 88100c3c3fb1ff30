package io.switchgate.policy;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static io.switchgate.policy.RuleFixtures.*;

class VoidRulesTest {

    private static Decline voidOf(Txn original) {
        return VoidRules.check(original.build(), TERMINAL, OPEN_BATCH, original.amount, PAN_HASH);
    }

    @Test
    void approvedSaleOfThisTerminalInTheOpenBatchPasses() {
        assertPass(VoidRules.check(sale(10_000).build(), TERMINAL, OPEN_BATCH, 10_000, PAN_HASH));
    }

    @Test
    void voidWithoutCardDataSkipsTheCardCheck() {
        assertPass(VoidRules.check(sale(10_000).build(), TERMINAL, OPEN_BATCH, 10_000, null));
    }

    @Test
    void noOriginalIs25() {
        assertDecline(VoidRules.check(null, TERMINAL, OPEN_BATCH, 10_000, PAN_HASH), "25", "ORIGINAL_NOT_FOUND");
    }

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = "SALE", mode = EnumSource.Mode.EXCLUDE)
    void originalNotASaleIs12(TxnType type) {
        assertDecline(voidOf(txn(type)), "12", "ORIGINAL_NOT_A_SALE");
    }

    @Test
    void declinedSaleIs12() {
        assertDecline(voidOf(sale(10_000).declined("51")), "12", "ORIGINAL_NOT_APPROVED");
    }

    @ParameterizedTest
    @CsvSource({"VOIDED, ALREADY_VOIDED", "REVERSED, ORIGINAL_REVERSED"})
    void voidedOrReversedSaleIs12(TxnStatus status, String reason) {
        assertDecline(voidOf(sale(10_000).status(status)), "12", reason);
    }

    @Test
    void saleOfAnotherTerminalOfTheSameMerchantIs12() {
        assertDecline(voidOf(sale(10_000).terminal(OTHER_TERMINAL)), "12", "ORIGINAL_OTHER_TERMINAL");
    }

    @ParameterizedTest
    @CsvSource({"6", "5", "8"})
    void saleOutsideTheOpenBatchIs12(long batchNo) {
        assertDecline(voidOf(sale(10_000).batchNo(batchNo)), "12", "ORIGINAL_BATCH_SETTLED");
    }

    @ParameterizedTest
    @CsvSource({"1", "5000", "10000"})
    void partlyOrFullyRefundedSaleIs12(long refunded) {
        assertDecline(voidOf(sale(10_000).refunded(refunded)), "12", "ORIGINAL_REFUNDED");
    }

    @Test
    void otherCardIs12() {
        assertDecline(VoidRules.check(sale(10_000).build(), TERMINAL, OPEN_BATCH, 10_000, OTHER_PAN_HASH), "12", "CARD_MISMATCH");
    }

    @ParameterizedTest
    @CsvSource({"9999", "10001", "0", "1", "20000"})
    void amountOtherThanTheSalesIs13(long amount) {
        assertDecline(VoidRules.check(sale(10_000).build(), TERMINAL, OPEN_BATCH, amount, PAN_HASH), "13", "AMOUNT_MISMATCH");
    }

    /** Which reason wins when several apply: the order of the checks. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "voided + other terminal,          ALREADY_VOIDED",
            "reversed + other batch,           ORIGINAL_REVERSED",
            "other terminal + other batch,     ORIGINAL_OTHER_TERMINAL",
            "other batch + refunded,           ORIGINAL_BATCH_SETTLED",
            "refunded + other card,            ORIGINAL_REFUNDED",
            "other card + wrong amount,        CARD_MISMATCH",
            "declined + voided,                ORIGINAL_NOT_APPROVED",
    })
    void firstFailingCheckWins(String combo, String reason) {
        var t = sale(10_000);
        long amount = 10_000;
        String pan = PAN_HASH;
        if (combo.contains("voided")) t.status(TxnStatus.VOIDED);
        if (combo.contains("reversed")) t.status(TxnStatus.REVERSED);
        if (combo.contains("declined")) t.responseCode("05");
        if (combo.contains("other terminal")) t.terminal(OTHER_TERMINAL);
        if (combo.contains("other batch")) t.batchNo(OPEN_BATCH - 1);
        if (combo.contains("refunded")) t.refunded(100);
        if (combo.contains("other card")) pan = OTHER_PAN_HASH;
        if (combo.contains("wrong amount")) amount = 1;
        TxnRecord original = t.build();
        Decline d = VoidRules.check(original, TERMINAL, OPEN_BATCH, amount, pan);
        assertDecline(d, "12", reason);
    }
}
