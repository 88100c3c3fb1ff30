package io.switchgate.txn;

import io.switchgate.model.TxnStatus;
import io.switchgate.policy.Codes;
import io.switchgate.route.AuthResult;
import io.switchgate.store.InMemoryTransactionStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.*;

/** The working set's named operations the flows use, and the verdicts they hand the engine. */
class LedgerOperationsTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

    @Test
    void refundsHeldForAHostCountAgainstTheirSaleAndTheMerchantsDayUntilLetGo() {
        EngineState ledger = new EngineState(new InMemoryTransactionStore(), NOW, false);
        ledger.reserveRefund("000000000001", "M1", TODAY, 300);
        ledger.reserveRefund("000000000001", "M1", TODAY, 200);
        ledger.reserveRefund("000000000002", "M1", TODAY, 50);
        assertEquals(500, ledger.refundsReserved("000000000001"));
        assertEquals(550, ledger.dayRefundsReserved("M1", TODAY));
        assertEquals(0, ledger.dayRefundsReserved("M1", TODAY.plusDays(1)), "another day holds nothing");
        assertEquals(0, ledger.dayRefundsReserved("M2", TODAY), "another merchant holds nothing");

        ledger.releaseRefund("000000000001", "M1", TODAY, 300);
        assertEquals(200, ledger.refundsReserved("000000000001"));
        assertEquals(250, ledger.dayRefundsReserved("M1", TODAY));
        ledger.releaseRefund("000000000001", "M1", TODAY, 200);
        ledger.releaseRefund("000000000002", "M1", TODAY, 50);
        assertEquals(0, ledger.refundsReserved("000000000001"));
        assertEquals(0, ledger.dayRefundsReserved("M1", TODAY));
    }

    @Test
    void nothingIsAtAHostUntilMarked() {
        EngineState ledger = new EngineState(new InMemoryTransactionStore(), NOW, false);
        assertNull(ledger.atHostWithKey("T1|2|000001|1202120000"));
        assertNull(ledger.atHostByStan("T1", "000001"));
        assertTrue(ledger.hostOpKindsOn(null).isEmpty());
    }

    @Test
    void aVerdictThatIsNotApprovedIsRecordedDeclinedWhateverItsStatus() {
        Verdict declined = Verdict.declined(Codes.INSUFFICIENT_FUNDS, "INSUFFICIENT_FUNDS").on("000000000001", "000007").by("hostA", 12L);
        assertFalse(declined.approved());
        assertEquals(TxnStatus.DECLINED, declined.status());
        assertEquals("000000000001", declined.originalRrn());
        assertEquals("000007", declined.originalStan());
        assertEquals("hostA", declined.host());
        assertEquals(12L, declined.balance());

        Verdict approved = Verdict.approved("A1B2C3");
        assertTrue(approved.approved());
        assertEquals(TxnStatus.APPROVED, approved.status());
        assertEquals("A1B2C3", approved.authCode());

        Verdict answered = Verdict.answered(AuthResult.decline(Codes.INSUFFICIENT_FUNDS, "INSUFFICIENT_FUNDS"));
        assertFalse(answered.approved());
        assertEquals(TxnStatus.DECLINED, answered.status());
    }
}
