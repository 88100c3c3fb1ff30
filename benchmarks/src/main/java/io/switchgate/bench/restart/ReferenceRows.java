package io.switchgate.bench.restart;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.PanMask;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.TransactionStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The merchants, terminals, cards, batches and day totals of a generated history, written through the store's own
 * {@link TransactionStore#apply} (a few thousand rows: its checks cost nothing here, and the columns are written
 * exactly as the gateway writes them). Keys and PINs are stored as the gateway's seeder stores them, so that a
 * gateway started on the same configuration finds its rows as they are and rewrites none.
 */
final class ReferenceRows {
    private static final int SETS_PER_APPLY = 2000;

    private ReferenceRows() {
    }

    static void write(TransactionStore store, GatewayConfig cfg, SecurityModule security, HistoryTotals totals,
                      String[] panHashes, Instant since) {
        List<ChangeSet> sets = new ArrayList<>();
        for (GatewayConfig.Merchant m : cfg.merchants()) {
            var r = m.refund();
            sets.add(new ChangeSet().merchant(new MerchantState(m.id(), MerchantStatus.ACTIVE, r == null ? 180 : r.windowDays(),
                    r == null ? 0 : r.maxSingleAmount(), r == null ? 0 : r.dailyAmountLimit(),
                    m.currencies() == null || m.currencies().isEmpty() ? MerchantState.DEFAULT_CURRENCIES : m.currencies(), since, 1))
                    .event(new StatusEvent("merchant", m.id(), null, "active", "CONFIGURED", since)));
        }
        int i = 0;
        for (GatewayConfig.Terminal t : cfg.terminals()) {
            Map<String, String> k = t.keys() == null ? Map.of() : t.keys();
            ChangeSet cs = new ChangeSet().terminal(new TerminalState(t.id(), t.merchant(), TerminalStatus.ACTIVE, t.macRequired(),
                    stored(security, KeyType.TMK, k.get("tmk")), stored(security, KeyType.TPK, k.get("tpk")),
                    stored(security, KeyType.TAK, k.get("tak")), stored(security, KeyType.BDK, k.get("bdk")),
                    totals.currentBatchNo(), since, since, 1))
                    .event(new StatusEvent("terminal", t.id(), null, "active", "CONFIGURED", since));
            sets.add(cs);
            for (var b : totals.batches(t.id(), i++)) sets.add(new ChangeSet().batch(b));
        }
        List<GatewayConfig.Card> cards = cfg.authorizer().cards();
        for (int c = 0; c < cards.size(); c++) {
            GatewayConfig.Card card = cards.get(c);
            String pin = card.pin() == null || card.pin().isEmpty() ? null : HexFormat.of().formatHex(security.encryptPinForStorage(card.pin()));
            sets.add(new ChangeSet().card(new CardAccount(panHashes[c], PanMask.mask(card.pan()), card.expiry(), pin,
                    totals.balance(c), 0, since, 1)));
        }
        for (var d : totals.dayTotals()) sets.add(new ChangeSet().dayTotal(d));
        for (int from = 0; from < sets.size(); from += SETS_PER_APPLY) {
            List<RuntimeException> result = store.apply(sets.subList(from, Math.min(sets.size(), from + SETS_PER_APPLY)));
            for (RuntimeException e : result) if (e != null) throw e;
        }
    }

    private static String stored(SecurityModule security, KeyType type, String clearHex) {
        return clearHex == null || clearHex.isBlank() ? null : security.importClear(type, HexFormat.of().parseHex(clearHex)).toStoredForm();
    }
}
