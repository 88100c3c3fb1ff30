package io.switchgate.policy;

import io.switchgate.model.BatchState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.switchgate.policy.RuleFixtures.*;

class SettlementRuleTest {

    /** Gateway batch: 3 sales 30000, 1 refund 2500 (net of voids and reversals). */
    private static BatchState batch() {
        return BatchState.open(TERMINAL, OPEN_BATCH, NOW).plusSale(10_000).plusSale(15_000).plusSale(5_000).plusRefund(2_500);
    }

    @Test
    void equalTotalsPass() {
        assertPass(SettlementRule.check(batch(), 1, 3, 2_500, 30_000));
    }

    @Test
    void emptyBatchSettlesWithZeros() {
        assertPass(SettlementRule.check(BatchState.open(TERMINAL, OPEN_BATCH, NOW), 0, 0, 0, 0));
    }

    @Test
    void netOfVoidsAndReversals() {
        BatchState b = batch().minusSale(15_000).minusRefund(2_500);
        assertPass(SettlementRule.check(b, 0, 2, 0, 15_000));
        assertDecline(SettlementRule.check(b, 1, 3, 2_500, 30_000), "95", "TOTALS_MISMATCH");
    }

    /** Any one of DE 74 (refund count), 76 (sale count), 86 (refund amount), 88 (sale amount) off: 95. */
    @ParameterizedTest(name = "refunds {0}/{2}, sales {1}/{3} -> 95")
    @CsvSource({
            "0, 3, 2500, 30000",
            "2, 3, 2500, 30000",
            "1, 2, 2500, 30000",
            "1, 4, 2500, 30000",
            "1, 3, 2499, 30000",
            "1, 3, 2501, 30000",
            "1, 3, 2500, 29999",
            "1, 3, 2500, 30001",
            "3, 1, 30000, 2500",   // sales and refunds swapped
            "0, 0, 0, 0",
    })
    void anyDifferenceIs95(long refundCount, long saleCount, long refundAmount, long saleAmount) {
        assertDecline(SettlementRule.check(batch(), refundCount, saleCount, refundAmount, saleAmount), "95", "TOTALS_MISMATCH");
    }
}
