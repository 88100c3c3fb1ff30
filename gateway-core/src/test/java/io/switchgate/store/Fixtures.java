package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Records for store tests. Times are whole microseconds: what TIMESTAMP WITH TIME ZONE keeps. */
final class Fixtures {
    private static final AtomicLong SEQ = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000L));

    static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456Z");

    private Fixtures() {
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static String rrn() {
        return String.format("01%010d", SEQ.incrementAndGet() % 10_000_000_000L);
    }

    static String id(String prefix, int len) {
        String n = Long.toString(SEQ.incrementAndGet());
        StringBuilder sb = new StringBuilder(prefix);
        while (sb.length() + n.length() < len) sb.append('0');
        return sb.append(n).toString();
    }

    static TxnRecord sale(String rrn, String terminal, String merchant, String stan, long amount, Instant at) {
        return new TxnRecord(rrn, "01", TxnType.SALE, "0200", "000000", terminal, merchant, stan, "0301101530",
                terminal + ":0200:" + stan + ":0301101530", "fp-" + amount, amount, "156",
                "hash-6212345678901232", "621234******1232", "00", null, "A1B2C3", TxnStatus.APPROVED,
                0, null, null, 7, "embedded", null, null, at, at, 1);
    }

    static TxnRecord refund(String rrn, String original, String terminal, String merchant, String stan, long amount, Instant at) {
        return new TxnRecord(rrn, "01", TxnType.REFUND, "0200", "200000", terminal, merchant, stan, "0301101530",
                terminal + ":0200:" + stan + ":0301101530", "fp-r-" + amount, amount, "156",
                "hash-6212345678901232", "621234******1232", "00", null, "R1B2C3", TxnStatus.APPROVED,
                0, original, null, 7, "embedded", null, null, at, at, 1);
    }

    /** A reversal answered 25 (no original found) and kept: no original RRN, the original's STAN named. */
    static TxnRecord orphanReversal(String rrn, String terminal, String merchant, String stan, String originalStan, Instant at) {
        return new TxnRecord(rrn, "01", TxnType.REVERSAL, "0400", "000000", terminal, merchant, stan, "0301101531",
                terminal + ":0400:" + stan + ":0301101531", "fp-rev", 100, "156",
                null, null, "25", "ORIGINAL_NOT_FOUND", null, TxnStatus.DECLINED,
                0, null, originalStan, 7, null, null, null, at, at, 1);
    }

    /** Every field set, unusual values where a column might clip them. */
    static TxnRecord full(String rrn) {
        return new TxnRecord(rrn, "02", TxnType.REVERSAL, "0420", "000000", "TERM0001", "MERCHANT0000001", "000123",
                "1231235959", "TERM0001|04|000123|1231235959", "f1ngerpr1nt/ABC+==", Long.MAX_VALUE / 3, "840",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "621234******1232", "91",
                "HOST_TIMEOUT", "ZZ9999", TxnStatus.DECLINED, 12_345, "019999999999", "000122", 424242,
                "acquirerA", "778899", "998877665544", T0, T0.plusSeconds(86_400 * 400L).plusNanos(1_000), 1);
    }

    /** Only the primary key and the non-null essentials; every optional field null. */
    static TxnRecord sparse(String rrn) {
        return new TxnRecord(rrn, "01", TxnType.ECHO, "0800", null, null, null, null, null, null, null, 0, null,
                null, null, null, null, null, TxnStatus.APPROVED, 0, null, null, 0, null, null, null, T0, null, 1);
    }

    static CardAccount card(String panHash, long balance) {
        return new CardAccount(panHash, "621234******1232", "2812", "kcv:ABCDEF:00112233445566778899AABBCCDDEEFF",
                balance, 0, T0, 1);
    }

    static TerminalState terminal(String id, String merchant) {
        return new TerminalState(id, merchant, TerminalStatus.REGISTERED, true,
                "kcv:111111:" + "A".repeat(48), "kcv:222222:" + "B".repeat(32), "kcv:333333:" + "C".repeat(32),
                null, 1, null, T0, 1);
    }

    static MerchantState merchant(String id) {
        return new MerchantState(id, MerchantStatus.ACTIVE, 180, 500_000, 2_000_000, T0, 1);
    }

    static BatchState batch(String terminal, long no) {
        return new BatchState(terminal, no, true, 0, 0, 0, 0, T0, null, 1);
    }

    static MerchantDayTotal dayTotal(String merchant, LocalDate day, long amount) {
        return new MerchantDayTotal(merchant, day, amount, 1);
    }

    static ChangeSet set() {
        return new ChangeSet();
    }
}
