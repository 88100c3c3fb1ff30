package io.switchgate.projection;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.ChangeSet;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random but coherent stream of change sets, as a ledger would decide them: every row starts at version 1 and each
 * later change of it is the next version, so the sets apply through the store's own versioned {@code apply} too. Keys
 * come from small pools, so one row changes many times within a projection batch. Values fit the SQL columns
 * (times to the microsecond, strings within their lengths) and include nulls wherever a column allows them.
 */
final class ChangeSetHistory {
    private final Random rnd;
    private Instant clock = Instant.parse("2026-12-01T00:00:00Z");

    final Map<String, TxnRecord> txns = new LinkedHashMap<>();
    final Map<String, CardAccount> cards = new LinkedHashMap<>();
    final Map<String, TerminalState> terminals = new LinkedHashMap<>();
    final Map<String, MerchantState> merchants = new LinkedHashMap<>();
    final Map<String, BatchState> batches = new LinkedHashMap<>();
    final Map<String, MerchantDayTotal> dayTotals = new LinkedHashMap<>();
    /** (kind, id) of every subject with status events. */
    final List<String[]> eventSubjects = new ArrayList<>();
    int events;

    ChangeSetHistory(long seed) {
        rnd = new Random(seed);
    }

    List<ChangeSet> next(int n) {
        List<ChangeSet> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(next());
        return out;
    }

    ChangeSet next() {
        clock = clock.plusNanos(1_000L * (1 + rnd.nextInt(5_000_000))); // up to 5 s later, to the microsecond
        ChangeSet s = new ChangeSet();
        if (rnd.nextInt(10) < 8) s.txn(txn());
        if (rnd.nextInt(3) == 0) s.card(card());
        if (rnd.nextInt(5) == 0) s.terminal(terminal());
        if (rnd.nextInt(8) == 0) s.merchant(merchant());
        if (rnd.nextInt(3) == 0) s.batch(batch());
        if (rnd.nextInt(6) == 0) s.dayTotal(dayTotal());
        if (rnd.nextInt(6) == 0) s.event(event());
        return s;
    }

    private TxnRecord txn() {
        if (!txns.isEmpty() && rnd.nextInt(3) == 0) {
            TxnRecord old = new ArrayList<>(txns.values()).get(rnd.nextInt(txns.size()));
            TxnRecord t = rnd.nextBoolean() ? old.withRefundedAmount(old.refundedAmount() + rnd.nextInt(1000), clock)
                    : old.withStatus(pick(TxnStatus.values()), clock);
            txns.put(t.rrn(), t);
            return t;
        }
        String rrn = String.format("%012d", txns.size() + 1);
        String terminal = "T" + rnd.nextInt(20);
        String stan = String.format("%06d", rnd.nextInt(1_000_000));
        TxnRecord t = new TxnRecord(rrn, "n" + rnd.nextInt(3), pick(TxnType.values()), "0200", maybe("000000"), terminal,
                "M" + rnd.nextInt(5), stan, "1202052900", terminal + "|02|" + stan, maybe("fp" + rnd.nextInt(1000)),
                rnd.nextLong() >> 20, "156", maybe("h" + rnd.nextInt(50)), maybe("411111******1111"),
                rnd.nextBoolean() ? "00" : "51", maybe("reason é " + rnd.nextInt(9)), maybe("A" + rnd.nextInt(99999)),
                pick(TxnStatus.values()), 0, maybe("000000000001"), maybe("000002"), rnd.nextInt(5),
                rnd.nextBoolean() ? "embedded" : "hostA", maybe("000003"), maybe("HR1"), clock, maybe(clock), 1);
        txns.put(rrn, t);
        return t;
    }

    private CardAccount card() {
        String key = "h" + rnd.nextInt(30);
        CardAccount old = cards.get(key);
        CardAccount c = old == null
                ? new CardAccount(key, "411111******" + rnd.nextInt(10_000), maybe("2812"), maybe("pin" + rnd.nextInt(99)),
                rnd.nextLong(), rnd.nextInt(4), maybe(clock), 1)
                : rnd.nextBoolean() ? old.withBalance(old.balance() - rnd.nextInt(5000), clock)
                : old.withPinTries(rnd.nextInt(4), clock);
        cards.put(key, c);
        return c;
    }

    private TerminalState terminal() {
        String key = "T" + rnd.nextInt(20);
        TerminalState old = terminals.get(key);
        TerminalState t;
        if (old == null) {
            t = new TerminalState(key, "M" + rnd.nextInt(5), pick(TerminalStatus.values()), rnd.nextBoolean(),
                    maybe("kcv:ABCDEF:00"), maybe("kcv:111111:01"), maybe("kcv:222222:02"), maybe("bdk"), 1, maybe(clock),
                    maybe(clock), 1);
        } else {
            t = switch (rnd.nextInt(4)) {
                case 0 -> old.withStatus(TerminalStatus.values()[rnd.nextInt(4)], clock);
                case 1 -> old.withWorkingKeys(maybe("kcv:333333:03"), maybe("kcv:444444:04"), clock);
                case 2 -> old.withoutWorkingKeys(clock);
                default -> old.withBatchNo(old.batchNo() + 1, clock);
            };
        }
        terminals.put(key, t);
        return t;
    }

    private MerchantState merchant() {
        String key = "M" + rnd.nextInt(5);
        MerchantState old = merchants.get(key);
        MerchantState m = old == null
                ? new MerchantState(key, MerchantStatus.values()[rnd.nextInt(3)], rnd.nextInt(365), rnd.nextInt(1_000_000),
                rnd.nextInt(10_000_000), rnd.nextBoolean() ? List.of("156", "840") : null, maybe(clock), 1)
                : old.withStatus(MerchantStatus.values()[rnd.nextInt(3)], clock);
        merchants.put(key, m);
        return m;
    }

    private BatchState batch() {
        String terminal = "T" + rnd.nextInt(20);
        long no = rnd.nextInt(3);
        String key = terminal + "/" + no;
        BatchState old = batches.get(key);
        BatchState b = old == null
                ? new BatchState(terminal, no, true, 0, 0, 0, 0, clock, null, 1)
                : switch (rnd.nextInt(4)) {
            case 0 -> old.plusSale(rnd.nextInt(10_000));
            case 1 -> old.plusRefund(rnd.nextInt(10_000));
            case 2 -> old.minusSale(rnd.nextInt(10_000));
            default -> old.closed(clock);
        };
        batches.put(key, b);
        return b;
    }

    private MerchantDayTotal dayTotal() {
        String merchant = "M" + rnd.nextInt(5);
        LocalDate day = LocalDate.of(2026, 12, 1 + rnd.nextInt(3));
        String key = merchant + "/" + day;
        MerchantDayTotal old = dayTotals.get(key);
        MerchantDayTotal d = old == null ? new MerchantDayTotal(merchant, day, rnd.nextInt(10_000), 1) : old.plus(rnd.nextInt(10_000));
        dayTotals.put(key, d);
        return d;
    }

    private StatusEvent event() {
        String kind = rnd.nextBoolean() ? "terminal" : "merchant";
        String id = (kind.equals("terminal") ? "T" : "M") + rnd.nextInt(5);
        if (eventSubjects.stream().noneMatch(e -> e[0].equals(kind) && e[1].equals(id))) eventSubjects.add(new String[]{kind, id});
        events++;
        return new StatusEvent(kind, id, maybe("active"), "suspended", maybe("operator " + events), clock);
    }

    private <T> T maybe(T value) {
        return rnd.nextInt(6) == 0 ? null : value;
    }

    private <E> E pick(E[] values) {
        return values[rnd.nextInt(values.length)];
    }
}
