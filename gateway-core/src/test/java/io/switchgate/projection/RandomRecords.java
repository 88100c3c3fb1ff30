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
import java.util.List;
import java.util.Random;

/** Change sets of arbitrary values for the codec: nulls, empty and non-ASCII strings, extreme numbers and times. */
final class RandomRecords {
    private final Random rnd;

    RandomRecords(long seed) {
        rnd = new Random(seed);
    }

    ChangeSet changeSet() {
        ChangeSet s = new ChangeSet();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) s.txn(txn());
        n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) s.card(new CardAccount(str(), str(), str(), str(), lng(), integer(), instant(), lng()));
        n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            s.terminal(new TerminalState(str(), str(), pick(TerminalStatus.values()), rnd.nextBoolean(), str(), str(), str(),
                    str(), lng(), instant(), instant(), lng()));
        }
        n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            s.merchant(new MerchantState(str(), pick(MerchantStatus.values()), integer(), lng(), lng(), currencies(),
                    instant(), lng()));
        }
        n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            s.batch(new BatchState(str(), lng(), rnd.nextBoolean(), integer(), lng(), integer(), lng(), instant(), instant(), lng()));
        }
        n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) s.dayTotal(new MerchantDayTotal(str(), date(), lng(), lng()));
        n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) s.event(new StatusEvent(str(), str(), str(), str(), str(), instant()));
        return s;
    }

    TxnRecord txn() {
        return new TxnRecord(str(), str(), pick(TxnType.values()), str(), str(), str(), str(), str(), str(), str(), str(),
                lng(), str(), str(), str(), str(), str(), str(), pick(TxnStatus.values()), lng(), str(), str(), lng(), str(),
                str(), str(), instant(), instant(), lng());
    }

    private <E> E pick(E[] values) {
        return rnd.nextInt(5) == 0 ? null : values[rnd.nextInt(values.length)];
    }

    String str() {
        switch (rnd.nextInt(8)) {
            case 0: return null;
            case 1: return "";
            case 2: {
                // any code point but lone surrogates (which UTF-8 cannot carry)
                StringBuilder sb = new StringBuilder();
                int n = rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    int cp;
                    do {
                        cp = rnd.nextInt(Character.MAX_CODE_POINT + 1);
                    } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
                    sb.appendCodePoint(cp);
                }
                return sb.toString();
            }
            case 3: return "x".repeat(rnd.nextInt(300)); // longer than one varint byte of length
            default: {
                StringBuilder sb = new StringBuilder();
                int n = 1 + rnd.nextInt(20);
                for (int i = 0; i < n; i++) sb.append((char) (0x20 + rnd.nextInt(0x5F)));
                return sb.toString();
            }
        }
    }

    long lng() {
        switch (rnd.nextInt(6)) {
            case 0: return Long.MIN_VALUE;
            case 1: return Long.MAX_VALUE;
            case 2: return 0;
            case 3: return -1 - rnd.nextInt(1000);
            default: return rnd.nextLong() >> rnd.nextInt(64);
        }
    }

    int integer() {
        switch (rnd.nextInt(5)) {
            case 0: return Integer.MIN_VALUE;
            case 1: return Integer.MAX_VALUE;
            case 2: return 0;
            default: return rnd.nextInt() >> rnd.nextInt(32);
        }
    }

    Instant instant() {
        switch (rnd.nextInt(6)) {
            case 0: return null;
            case 1: return Instant.MIN;
            case 2: return Instant.MAX;
            case 3: return Instant.EPOCH;
            default: return Instant.ofEpochSecond(rnd.nextInt(2_000_000_000), rnd.nextInt(1_000_000_000));
        }
    }

    LocalDate date() {
        switch (rnd.nextInt(5)) {
            case 0: return null;
            case 1: return LocalDate.MIN;
            case 2: return LocalDate.MAX;
            default: return LocalDate.ofEpochDay(rnd.nextInt(40_000) - 10_000);
        }
    }

    private List<String> currencies() {
        if (rnd.nextInt(4) == 0) return null; // the record turns it into the default
        List<String> l = new ArrayList<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) l.add(rnd.nextBoolean() ? String.valueOf(100 + rnd.nextInt(900)) : str());
        return l;
    }
}
