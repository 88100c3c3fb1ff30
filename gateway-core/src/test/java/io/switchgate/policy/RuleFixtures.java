package io.switchgate.policy;

import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Small factories for the rule tests: records with sensible defaults, one knob changed per case. */
final class RuleFixtures {
    static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");
    static final String MERCHANT = "MERCHANT0000001";
    static final String OTHER_MERCHANT = "MERCHANT0000002";
    static final String TERMINAL = "TERM0001";
    static final String OTHER_TERMINAL = "TERM0002";
    static final String PAN_HASH = "hash-6212345678901232";
    static final String OTHER_PAN_HASH = "hash-4111111111111111";
    static final long OPEN_BATCH = 7;

    private RuleFixtures() {
    }

    /** A journaled transaction; everything not named takes a default that passes every rule. */
    static Txn txn(TxnType type) {
        return new Txn(type);
    }

    static Txn sale(long amount) {
        return txn(TxnType.SALE).amount(amount);
    }

    static Txn refund(long amount) {
        return txn(TxnType.REFUND).amount(amount).processingCode("200000");
    }

    /** Mutable builder for TxnRecord. */
    static final class Txn {
        TxnType type;
        String processingCode = "000000";
        String terminal = TERMINAL;
        String merchant = MERCHANT;
        long amount = 10_000;
        String panHash = PAN_HASH;
        String responseCode = "00";
        TxnStatus status = TxnStatus.APPROVED;
        long refunded;
        long batchNo = OPEN_BATCH;
        String currency = "156";
        Instant createdAt = NOW.minus(Duration.ofDays(1));

        Txn(TxnType type) {
            this.type = type;
        }

        Txn processingCode(String v) { processingCode = v; return this; }
        Txn terminal(String v) { terminal = v; return this; }
        Txn merchant(String v) { merchant = v; return this; }
        Txn amount(long v) { amount = v; return this; }
        Txn panHash(String v) { panHash = v; return this; }
        Txn declined(String code) { responseCode = code; status = TxnStatus.DECLINED; return this; }
        Txn responseCode(String v) { responseCode = v; return this; }
        Txn status(TxnStatus v) { status = v; return this; }
        Txn refunded(long v) { refunded = v; return this; }
        Txn batchNo(long v) { batchNo = v; return this; }
        Txn createdAt(Instant v) { createdAt = v; return this; }
        Txn currency(String v) { currency = v; return this; }

        TxnRecord build() {
            return new TxnRecord("010000000001", "01", type, "0200", processingCode, terminal, merchant, "000123",
                    "0615120000", terminal + "|2|000123|0615120000", "fp", amount, currency, panHash, "621234******1232",
                    responseCode, "00".equals(responseCode) ? null : "DECLINED", "00".equals(responseCode) ? "123456" : null,
                    status, refunded, type == TxnType.SALE ? null : "019999999999", null, batchNo, "embedded", null, null,
                    createdAt, createdAt, 1);
        }
    }

    static MerchantState merchant(MerchantStatus status) {
        return new MerchantState(MERCHANT, status, 180, 500_000, 2_000_000, NOW, 1);
    }

    static MerchantState merchant(int windowDays, long maxSingle, long dailyLimit) {
        return new MerchantState(MERCHANT, MerchantStatus.ACTIVE, windowDays, maxSingle, dailyLimit, NOW, 1);
    }

    static TerminalState terminal(TerminalStatus status) {
        return new TerminalState(TERMINAL, MERCHANT, status, true, null, null, null, null, OPEN_BATCH,
                status == TerminalStatus.REGISTERED ? null : NOW.minus(Duration.ofDays(30)), NOW, 1);
    }

    /** Builder for RefundCheck: by default a refund that passes every rule. */
    static Refund refundCheck() {
        return new Refund();
    }

    static final class Refund {
        long amount = 1_000;
        String merchantId = MERCHANT;
        String panHash = PAN_HASH;
        MerchantState merchant = RuleFixtures.merchant(180, 500_000, 2_000_000);
        TxnRecord original = sale(10_000).build();
        List<TxnRecord> prior = new ArrayList<>();
        long today;
        Instant now = NOW;
        List<Long> atHost = List.of();

        Refund amount(long v) { amount = v; return this; }
        Refund merchantId(String v) { merchantId = v; return this; }
        Refund panHash(String v) { panHash = v; return this; }
        Refund merchant(MerchantState v) { merchant = v; return this; }
        Refund original(TxnRecord v) { original = v; return this; }
        Refund original(Txn v) { original = v.build(); return this; }
        Refund prior(TxnRecord... v) { prior = new ArrayList<>(List.of(v)); return this; }
        Refund today(long v) { today = v; return this; }
        Refund now(Instant v) { now = v; return this; }
        Refund atHost(Long... amounts) { atHost = List.of(amounts); return this; }

        RefundCheck build() {
            long held = 0;
            for (long a : atHost) held += a;
            return new RefundCheck(amount, merchantId, panHash, merchant, original, prior, today, now, held, atHost);
        }
    }

    static void assertDecline(Decline d, String code, String reason) {
        assertNotNull(d, "expected decline " + code + " " + reason);
        assertEquals(code, d.code(), "code, reason was " + d.reason());
        assertEquals(reason, d.reason());
    }

    static void assertPass(Decline d) {
        assertNull(d, () -> "expected pass, got " + d);
    }

    /** Both halves of an expectation: null code means "passes". */
    static void assertOutcome(Decline d, String code, String reason) {
        if (code == null || code.isEmpty()) assertPass(d);
        else assertDecline(d, code, reason);
    }
}
