package io.switchgate.bench.restart;

import io.switchgate.model.BatchState;
import io.switchgate.model.MerchantDayTotal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What the rows of a history add up to, kept as they are decided: each card's balance, each terminal's daily batch,
 * the merchant's refunds per day. Written after the rows, so that the gateway serving on the store finds the same
 * money the rows say (a batch's totals, a card's balance, the day's refund limit).
 *
 * <p>A terminal settles once a day: its batch number is the day's index in the history (1 = the first day), the
 * last day's batch is open.
 */
final class HistoryTotals {
    private final LocalDate firstDay;
    private final ZoneId zone;
    private final int dayCount;
    private final long[] balances;
    private final int[] saleCount;
    private final long[] saleAmount;
    private final int[] refundCount;
    private final long[] refundAmount;
    /** Per merchant, per day: refunded amount (the merchant's daily refund limit counts it). */
    private final TreeMap<String, TreeMap<LocalDate, Long>> dayRefunds = new TreeMap<>();

    HistoryTotals(HistoryShape shape, int terminals, long[] openingBalances) {
        this.zone = shape.zone();
        this.firstDay = LocalDate.ofInstant(shape.start(), zone);
        this.dayCount = (int) ChronoUnit.DAYS.between(firstDay, LocalDate.ofInstant(shape.now(), zone)) + 1;
        this.balances = openingBalances.clone();
        int n = terminals * dayCount;
        saleCount = new int[n];
        saleAmount = new long[n];
        refundCount = new int[n];
        refundAmount = new long[n];
    }

    /** The batch number a transaction made at {@code at} is counted in (every terminal settles daily). */
    long batchNo(Instant at) {
        return ChronoUnit.DAYS.between(firstDay, LocalDate.ofInstant(at, zone)) + 1;
    }

    /** Both instants fall into one batch: a void or a reversal only undoes a sale of the open batch. */
    boolean sameBatch(Instant a, Instant b) {
        return batchNo(a) == batchNo(b);
    }

    long currentBatchNo() {
        return dayCount;
    }

    private int slot(int terminal, long batchNo) {
        return terminal * dayCount + (int) (batchNo - 1);
    }

    /** An approved sale that stands (not voided, not reversed). */
    void sale(int terminal, int card, long amount, long batchNo) {
        int s = slot(terminal, batchNo);
        saleCount[s]++;
        saleAmount[s] += amount;
        balances[card] -= amount;
    }

    void refund(int terminal, int card, long amount, Instant at, String merchant) {
        int s = slot(terminal, batchNo(at));
        refundCount[s]++;
        refundAmount[s] += amount;
        balances[card] += amount;
        dayRefunds.computeIfAbsent(merchant, m -> new TreeMap<>()).merge(LocalDate.ofInstant(at, zone), amount, Long::sum);
    }

    long balance(int card) {
        return balances[card];
    }

    /** Every batch of one terminal, day by day: closed at the end of its day, the last one open. */
    List<BatchState> batches(String terminalId, int terminal) {
        List<BatchState> out = new ArrayList<>(dayCount);
        for (int d = 0; d < dayCount; d++) {
            int s = terminal * dayCount + d;
            LocalDate day = firstDay.plusDays(d);
            Instant opened = day.atStartOfDay(zone).toInstant();
            boolean open = d == dayCount - 1;
            Instant closed = open ? null : day.plusDays(1).atStartOfDay(zone).toInstant();
            out.add(new BatchState(terminalId, d + 1L, open, saleCount[s], saleAmount[s], refundCount[s], refundAmount[s],
                    opened, closed, 1));
        }
        return out;
    }

    List<MerchantDayTotal> dayTotals() {
        List<MerchantDayTotal> out = new ArrayList<>();
        dayRefunds.forEach((m, days) -> days.forEach((day, amount) -> out.add(new MerchantDayTotal(m, day, amount, 1))));
        return out;
    }
}
