package io.switchgate.bench.restart;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Decides the rows of a history, oldest first, as the gateway would have written them: sales mostly, balance
 * inquiries, and refunds, voids and reversals acting on earlier sales. A sale's fate is drawn when the sale is made;
 * its refund, void or reversal is emitted later, when its time comes, so every row is inserted once and already in its
 * final version (a refunded sale carries its refunded amount, a voided one its status). Every money movement goes to
 * {@link HistoryTotals}.
 *
 * <p>Mix, per row slot: 3 % balance inquiries; of the sales 4 % refunded later (within 30 days, half of them in full),
 * 0.5 % voided (within the hour, same batch), 0.3 % reversed (within a minute, same batch). The acting rows take slots
 * of their own, so the history holds {@code rows} rows, plus the few acting rows still due after the last slot.
 */
final class HistoryPlan {
    record Terminal(String id, String merchantId) { }

    record Card(String panHash, String maskedPan) { }

    private record Due(Instant at, TxnType type, long amount, TxnRecord sale, int terminal, int card) { }

    private final HistoryShape shape;
    private final Terminal[] terminals;
    private final Card[] cards;
    private final String nodeId;
    private final HistoryTotals totals;
    private final SplittableRandom random;
    private final int[] stans;
    private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    private final Instant lastRowAt;
    private long rrn;

    HistoryPlan(HistoryShape shape, Terminal[] terminals, Card[] cards, String nodeId, HistoryTotals totals) {
        this.shape = shape;
        this.terminals = terminals;
        this.cards = cards;
        this.nodeId = nodeId;
        this.totals = totals;
        this.random = new SplittableRandom(shape.seed());
        this.stans = new int[terminals.length];
        this.lastRowAt = shape.now().minus(HistoryShape.QUIET_BEFORE_NOW);
    }

    /** The last RRN number used (the gateway's RRN sequence must continue after it). */
    long lastRrn() {
        return rrn;
    }

    void run(Consumer<TxnRecord> sink) {
        for (long i = 0; i < shape.rows(); i++) {
            Instant t = shape.slot(i);
            Due d = due.peek();
            if (d != null && !d.at().isAfter(t)) sink.accept(acting(due.poll()));
            else sink.accept(random.nextInt(100) < 3 ? balanceInquiry(t) : sale(t));
        }
        // Their sales already say they happened (refunded amount, status): they must be there too.
        while (!due.isEmpty()) sink.accept(acting(due.poll()));
    }

    private TxnRecord balanceInquiry(Instant t) {
        int term = random.nextInt(terminals.length);
        int card = random.nextInt(cards.length);
        String stan = nextStan(term);
        String de7 = de7(t);
        return new TxnRecord(nextRrn(), nodeId, TxnType.BALANCE, "0200", "310000", terminals[term].id(),
                terminals[term].merchantId(), stan, de7, dupKey(term, '2', stan, de7), "310000||" + cards[card].panHash(), 0,
                "156", cards[card].panHash(), cards[card].maskedPan(), "00", null, authCode(), TxnStatus.APPROVED, 0, null,
                null, totals.batchNo(t), "embedded", null, null, t, t, 1);
    }

    private TxnRecord sale(Instant t) {
        int term = random.nextInt(terminals.length);
        int card = random.nextInt(cards.length);
        long amount = 100 + random.nextInt(50_000);
        long batchNo = totals.batchNo(t);
        String stan = nextStan(term);
        String de7 = de7(t);
        String rrn = nextRrn();
        TxnStatus status = TxnStatus.APPROVED;
        long refunded = 0;
        long version = 1;
        Instant updated = t;
        Due fate = fate(t, amount);
        if (fate != null) {
            version = 2;
            updated = fate.at();
            if (fate.type() == TxnType.REFUND) refunded = fate.amount();
            else status = fate.type() == TxnType.VOID ? TxnStatus.VOIDED : TxnStatus.REVERSED;
        }
        String merchant = terminals[term].merchantId();
        TxnRecord sale = new TxnRecord(rrn, nodeId, TxnType.SALE, "0200", "000000", terminals[term].id(), merchant, stan,
                de7, dupKey(term, '2', stan, de7), "000000|" + amount12(amount) + '|' + cards[card].panHash(), amount, "156",
                cards[card].panHash(), cards[card].maskedPan(), "00", null, authCode(), status, refunded, null, null,
                batchNo, "embedded", null, null, t, updated, version);
        if (status == TxnStatus.APPROVED) totals.sale(term, card, amount, batchNo);
        if (refunded > 0) totals.refund(term, card, refunded, fate.at(), merchant);
        if (fate != null) due.add(new Due(fate.at(), fate.type(), fate.amount(), sale, term, card));
        return sale;
    }

    /** What later happens to a sale of {@code amount} made at {@code t}, or null: only what fits before the end. */
    private Due fate(Instant t, long amount) {
        int r = random.nextInt(1000);
        Instant at;
        TxnType type;
        long acted = amount;
        if (r < 40) {
            type = TxnType.REFUND;
            at = t.plus(Duration.ofHours(1)).plusSeconds(random.nextLong(30L * 24 * 3600));
            if (random.nextBoolean()) acted = 1 + random.nextLong(amount);
        } else if (r < 45) {
            type = TxnType.VOID;
            at = t.plusSeconds(60 + random.nextInt(3540));
        } else if (r < 48) {
            type = TxnType.REVERSAL;
            at = t.plusSeconds(5 + random.nextInt(55));
        } else {
            return null;
        }
        if (at.isAfter(lastRowAt)) return null;
        if (type != TxnType.REFUND && !totals.sameBatch(t, at)) return null;
        return new Due(at, type, acted, null, 0, 0);
    }

    /** The refund, void or reversal a sale was given when it was made. */
    private TxnRecord acting(Due d) {
        TxnRecord sale = d.sale();
        Instant t = d.at();
        int term = d.terminal();
        String stan = nextStan(term);
        String de7 = de7(t);
        String card = sale.panHash();
        return switch (d.type()) {
            case REFUND -> new TxnRecord(nextRrn(), nodeId, TxnType.REFUND, "0200", "200000", sale.terminalId(),
                    sale.merchantId(), stan, de7, dupKey(term, '2', stan, de7), "200000|" + amount12(d.amount()) + '|' + card,
                    d.amount(), "156", card, sale.maskedPan(), "00", null, authCode(), TxnStatus.APPROVED, 0, sale.rrn(), null,
                    totals.batchNo(t), "embedded", null, null, t, t, 1);
            case VOID -> new TxnRecord(nextRrn(), nodeId, TxnType.VOID, "0200", "020000", sale.terminalId(),
                    sale.merchantId(), stan, de7, dupKey(term, '2', stan, de7), "020000|" + amount12(d.amount()) + '|' + card,
                    d.amount(), "156", card, sale.maskedPan(), "00", null, authCode(), TxnStatus.APPROVED, 0, sale.rrn(), null,
                    totals.batchNo(t), "embedded", null, null, t, t, 1);
            // A reversal carries no card (the engine reads none from it) and names the STAN it reverses.
            default -> new TxnRecord(nextRrn(), nodeId, TxnType.REVERSAL, "0400", "000000", sale.terminalId(),
                    sale.merchantId(), stan, de7, dupKey(term, '4', stan, de7), "000000|" + amount12(d.amount()) + '|',
                    d.amount(), "156", null, null, "00", null, null, TxnStatus.APPROVED, 0, sale.rrn(), sale.stan(),
                    totals.batchNo(t), "embedded", null, null, t, t, 1);
        };
    }

    private String nextRrn() {
        return io.switchgate.txn.RrnAllocator.format(nodeId, ++rrn); // as the gateway numbers them
    }

    private String nextStan(int term) {
        stans[term] = stans[term] % 999_999 + 1;
        return pad(stans[term], 6);
    }

    private String authCode() {
        return pad(random.nextInt(1_000_000), 6);
    }

    /** The engine's duplicate key: terminal, message class, STAN, DE 7. */
    private String dupKey(int term, char mtiClass, String stan, String de7) {
        return terminals[term].id() + '|' + mtiClass + '|' + stan + '|' + de7;
    }

    /** DE 7, MMddHHmmss in UTC, as the load generator sends it. */
    static String de7(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        return pad(d.getMonthValue(), 2) + pad(d.getDayOfMonth(), 2) + pad(d.getHour(), 2) + pad(d.getMinute(), 2)
                + pad(d.getSecond(), 2);
    }

    private static String amount12(long amount) {
        return pad(amount, 12);
    }

    private static String pad(long v, int width) {
        String s = Long.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
