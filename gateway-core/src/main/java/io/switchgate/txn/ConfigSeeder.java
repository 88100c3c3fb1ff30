package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.iso.PanMask;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SecurityModuleException;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.TransactionStore;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Puts the configured merchants, terminals and cards into the store on start.
 *
 * <p>The store is the truth for what changes while the gateway runs: a terminal's status and its
 * working keys (after sign-on), a merchant's status (after an operator froze it), a card's balance.
 * Configuration is the truth for definitions: merchant limits, a terminal's merchant, TMK and MAC
 * requirement. So a row that exists keeps its running state and takes the configured definitions.
 *
 * <p>Keys are imported through the security module and stored only in their encrypted form; a key
 * given as {@code kcv:XXXXXX:<hex>} whose KCV does not match stops start-up, naming the key.
 */
final class ConfigSeeder {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConfigSeeder.class);
    private final TransactionStore store;
    private final SecurityModule security;
    private final PanHasher panHasher;

    ConfigSeeder(TransactionStore store, SecurityModule security, PanHasher panHasher) {
        this.store = store;
        this.security = security;
        this.panHasher = panHasher;
    }

    /**
     * Checks every configured terminal and host key (hex, length, KCV) without touching any store, so a bad key
     * stops start-up before a store file is created; throws {@link InvalidConfigException} naming the first bad key.
     */
    static void checkKeys(GatewayConfig cfg, SecurityModule security) {
        ConfigSeeder check = new ConfigSeeder(null, security, null);
        int i = 0;
        for (GatewayConfig.Terminal t : nn(cfg.terminals())) {
            Map<String, String> keys = t.keys() == null ? Map.of() : t.keys();
            String path = "terminals[" + i++ + "].keys.";
            check.importKey(KeyType.TMK, keys.get("tmk"), path + "tmk");
            check.importKey(KeyType.TPK, keys.get("tpk"), path + "tpk");
            check.importKey(KeyType.TAK, keys.get("tak"), path + "tak");
            check.importKey(KeyType.BDK, keys.get("bdk"), path + "bdk");
        }
        i = 0;
        for (GatewayConfig.Host h : nn(cfg.hosts())) {
            Map<String, String> keys = h.keys() == null ? Map.of() : h.keys();
            String path = "hosts[" + i++ + "].keys.";
            check.importKey(KeyType.ZPK, keys.get("zpk"), path + "zpk");
            check.importKey(KeyType.ZAK, keys.get("zak"), path + "zak");
        }
    }

    /** Seeding passes tried when another node's seeding of the same rows wins the race (each reads them again). */
    static final int SEED_ATTEMPTS = 5;

    /**
     * Puts the configuration into the store. Nodes sharing one store may seed at the same moment (a rolling deploy that
     * adds a terminal starts them together): the loser's insert of a row the other just wrote fails, and its pass is
     * made again from what the store now holds, which keeps that row's running state as for any row that exists. Before,
     * the node exited 1 ({@code terminals TERMN606: already exists}, a black-box audit on two PostgreSQL nodes).
     */
    void seed(GatewayConfig cfg, Instant now) {
        for (int attempt = 1; ; attempt++) {
            try {
                seedOnce(cfg, now);
                return;
            } catch (io.switchgate.store.ConcurrentUpdateException raced) {
                if (attempt >= SEED_ATTEMPTS) throw raced;
                log.info("configuration seeding raced another node ({}); reading the rows again", raced.getMessage());
            }
        }
    }

    private void seedOnce(GatewayConfig cfg, Instant now) {
        ChangeSet cs = new ChangeSet();
        int i = 0;
        for (GatewayConfig.Merchant m : nn(cfg.merchants())) {
            seedMerchant(m, cs, now, "merchants[" + i++ + "]");
        }
        i = 0;
        for (GatewayConfig.Terminal t : nn(cfg.terminals())) {
            seedTerminal(t, cs, now, "terminals[" + i++ + "]");
        }
        i = 0;
        if (cfg.authorizer() != null) {
            for (GatewayConfig.Card c : nn(cfg.authorizer().cards())) {
                seedCard(c, cs, now, "authorizer.cards[" + i++ + "]");
            }
        }
        warnWhatTheConfigurationNoLongerNames(cfg);
        if (cs.isEmpty()) return;
        List<RuntimeException> result = store.apply(List.of(cs));
        if (result.get(0) != null) throw result.get(0);
    }

    private void seedMerchant(GatewayConfig.Merchant m, ChangeSet cs, Instant now, String path) {
        var limits = m.refund();
        int window = limits == null ? 180 : limits.windowDays();
        // 0 is "no limit", and so is a value left out (Long.MAX_VALUE from an older loader, or an embedding program)
        long maxSingle = limits == null ? 0 : noLimitAsZero(limits.maxSingleAmount());
        long daily = limits == null ? 0 : noLimitAsZero(limits.dailyAmountLimit());
        List<String> currencies = m.currencies() == null || m.currencies().isEmpty() ? MerchantState.DEFAULT_CURRENCIES : m.currencies();
        MerchantStatus status = MerchantStatus.parse(m.status() == null ? "active" : m.status());
        if (status == null) throw new InvalidConfigException(path + ".status", "must be active, frozen or closed");
        var existing = store.findMerchant(m.id()).orElse(null);
        if (existing == null) {
            cs.merchant(new MerchantState(m.id(), status, window, maxSingle, daily, currencies, now, 1));
            cs.event(new StatusEvent("merchant", m.id(), null, status.wireName(), "CONFIGURED", now));
        } else {
            warnIfStatusDiffers(path, "merchant", m.id(), m.status(), status.wireName(), existing.status().wireName());
        }
        if (existing != null && (existing.refundWindowDays() != window || existing.maxSingleRefund() != maxSingle || existing.dailyRefundLimit() != daily
                || !existing.currencies().equals(currencies))) {
            cs.merchant(new MerchantState(m.id(), existing.status(), window, maxSingle, daily, currencies, now, existing.version() + 1));
        }
    }

    /**
     * The store is the truth for a status once a row exists (an operator's change survives a restart), so a status
     * edited in the file does nothing then: said at start, since a black-box audit froze a merchant that way and saw it
     * go on approving.
     */
    private static void warnIfStatusDiffers(String path, String kind, String id, String configured, String asConfigured, String stored) {
        if (configured == null || asConfigured.equals(stored)) return;
        log.warn("{}.status says {} {} is {}, the store says {}: the store's status stands (it is the truth for what changes"
                + " while the gateway runs); change it with the admin API (PUT /api/{}s/{}/status)", path, kind, id,
                asConfigured, stored, kind, id);
    }

    /**
     * Terminals and merchants the store holds that the configuration no longer names keep transacting as they were
     * (their history, refunds and settlements need them): said at start, with the way to take one out of service
     * (a black-box audit removed them from the file and saw them approve).
     */
    private void warnWhatTheConfigurationNoLongerNames(GatewayConfig cfg) {
        java.util.Set<String> terminals = new java.util.HashSet<>();
        for (GatewayConfig.Terminal t : nn(cfg.terminals())) terminals.add(t.id());
        java.util.Set<String> merchants = new java.util.HashSet<>();
        for (GatewayConfig.Merchant m : nn(cfg.merchants())) merchants.add(m.id());
        List<String> goneTerminals = new java.util.ArrayList<>();
        for (var t : store.listTerminals()) {
            if (!terminals.contains(t.id()) && t.status() != TerminalStatus.RETURNED) goneTerminals.add(t.id() + " (" + t.status().wireName() + ")");
        }
        List<String> goneMerchants = new java.util.ArrayList<>();
        for (var m : store.listMerchants()) {
            if (!merchants.contains(m.id()) && m.status() != io.switchgate.model.MerchantStatus.CLOSED) goneMerchants.add(m.id() + " (" + m.status().wireName() + ")");
        }
        if (!goneTerminals.isEmpty()) {
            log.warn("terminals the store holds but the configuration no longer names still transact as before: {};"
                    + " to take one out of service, set its status with the admin API (returned, suspended)", abbreviated(goneTerminals));
        }
        if (!goneMerchants.isEmpty()) {
            log.warn("merchants the store holds but the configuration no longer names still transact as before: {};"
                    + " to stop one, set its status with the admin API (frozen, closed)", abbreviated(goneMerchants));
        }
    }

    private static String abbreviated(List<String> ids) {
        return ids.size() <= 10 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 10)) + " and " + (ids.size() - 10) + " more";
    }

    private static long noLimitAsZero(long limit) {
        return limit <= 0 || limit == Long.MAX_VALUE ? 0 : limit;
    }

    private void seedTerminal(GatewayConfig.Terminal t, ChangeSet cs, Instant now, String path) {
        Map<String, String> keys = t.keys() == null ? Map.of() : t.keys();
        String tmk = importKey(KeyType.TMK, keys.get("tmk"), path + ".keys.tmk");
        String tpk = importKey(KeyType.TPK, keys.get("tpk"), path + ".keys.tpk");
        String tak = importKey(KeyType.TAK, keys.get("tak"), path + ".keys.tak");
        String bdk = importKey(KeyType.BDK, keys.get("bdk"), path + ".keys.bdk");
        TerminalStatus status = TerminalStatus.parse(t.status() == null ? "active" : t.status());
        if (status == null) throw new InvalidConfigException(path + ".status", "must be registered, active, suspended or returned");
        var existing = store.findTerminal(t.id()).orElse(null);
        if (existing == null) {
            Instant activated = status == TerminalStatus.ACTIVE ? now : null;
            cs.terminal(new TerminalState(t.id(), t.merchant(), status, t.macRequired(), tmk, tpk, tak, bdk, 1, activated, now, 1));
            cs.event(new StatusEvent("terminal", t.id(), null, status.wireName(), "CONFIGURED", now));
            return;
        }
        warnIfStatusDiffers(path, "terminal", t.id(), t.status(), status.wireName(), existing.status().wireName());
        if (!existing.merchantId().equals(t.merchant())) {
            log.warn("{}.merchant moves terminal {} from merchant {} to {}: its open batch {} is settled under {} from now"
                    + " on, with whatever {} transactions it holds (settle the batch before such a move)", path, t.id(),
                    existing.merchantId(), t.merchant(), existing.batchNo(), t.merchant(), existing.merchantId());
        }
        // Working keys issued at sign-on (newer than the configured ones) stay; a changed TMK resets them. After an
        // operator's key reset (POST /api/terminals/{id}/keys/reset) the configured TPK and TAK are superseded too:
        // a restart must not bring back keys the operator took away, or the next sign-on would need a MAC again.
        requireOpens(KeyType.TMK, existing.tmk(), t.id());
        requireOpens(KeyType.TPK, existing.tpk(), t.id());
        requireOpens(KeyType.TAK, existing.tak(), t.id());
        requireOpens(KeyType.BDK, existing.bdk(), t.id());
        boolean tmkChanged = !Objects.equals(existing.tmk(), tmk);
        boolean reset = (existing.tpk() == null || existing.tak() == null) && wasKeyReset(t.id());
        String keepTpk = tmkChanged || existing.tpk() == null && !reset ? tpk : existing.tpk();
        String keepTak = tmkChanged || existing.tak() == null && !reset ? tak : existing.tak();
        if (!existing.merchantId().equals(t.merchant()) || existing.macRequired() != t.macRequired() || tmkChanged
                || !Objects.equals(existing.bdk(), bdk) || !Objects.equals(existing.tpk(), keepTpk) || !Objects.equals(existing.tak(), keepTak)) {
            cs.terminal(new TerminalState(t.id(), t.merchant(), existing.status(), t.macRequired(), tmk, keepTpk, keepTak, bdk,
                    existing.batchNo(), existing.activatedAt(), now, existing.version() + 1));
        }
    }

    /**
     * A key the store holds for a terminal must open under the master key this start was given. If it does not, the
     * master key was changed (or mistyped): the stored keys look like other keys, and seeding would silently replace
     * the working keys issued at sign-on with the configured ones (a black-box audit saw exactly that, the terminal
     * then answered 63, and the card PINs stored under the old key could no longer be checked). Start-up stops
     * instead, naming the key (exit 2); nothing was written.
     */
    private void requireOpens(KeyType type, String stored, String terminalId) {
        if (stored == null) return;
        try {
            security.importStored(type, stored);
        } catch (IllegalArgumentException | SecurityModuleException e) {
            throw new InvalidConfigException("security.masterKey", "does not open the " + type + " the store holds for "
                    + "terminal " + terminalId + " (its key check value does not match): the store was written under "
                    + "another master key; start with that one");
        }
    }

    /** Whether an operator reset this terminal's working keys (its history has a {@code KEYS_RESET} event). */
    private boolean wasKeyReset(String terminalId) {
        for (StatusEvent e : store.events("terminal", terminalId)) {
            if (e.reason() != null && e.reason().startsWith("KEYS_RESET")) return true;
        }
        return false;
    }

    private void seedCard(GatewayConfig.Card c, ChangeSet cs, Instant now, String path) {
        if (!io.switchgate.route.Luhn.valid(c.pan())) {
            // every request for it is declined 14 INVALID_CARD_NUMBER before the card is looked up (an audit: no word)
            log.warn("{}.pan {} fails the Luhn check: every request with it will be declined 14", path, PanMask.mask(c.pan()));
        }
        String hash = panHasher.hash(c.pan());
        if (store.findCard(hash).isPresent()) return;
        String storedPin = null;
        if (c.pin() != null && !c.pin().isEmpty()) {
            try {
                storedPin = HexFormat.of().formatHex(security.encryptPinForStorage(c.pin()));
            } catch (SecurityModuleException e) {
                throw new InvalidConfigException(path + ".pin", "not a PIN of 4 to 12 digits");
            }
        }
        cs.card(new CardAccount(hash, PanMask.mask(c.pan()), c.expiry(), storedPin, c.balance(), 0, now, 1));
    }

    /** Clear hex (test configs) or {@code kcv:XXXXXX:<hex under master key>}; returns the stored form. */
    private String importKey(KeyType type, String value, String path) {
        if (value == null || value.isBlank()) return null;
        KeyHandle k;
        try {
            k = value.startsWith("kcv:") ? security.importStored(type, value)
                    : security.importClear(type, HexFormat.of().parseHex(value));
        } catch (IllegalArgumentException | SecurityModuleException e) {
            throw new InvalidConfigException(path, value.startsWith("kcv:") ? "key check value does not match the key" : "not a valid key (hex of 16, 24 or 32 bytes)");
        }
        if (TERMINAL_TDES_ONLY.contains(type) && k.algorithm() != io.switchgate.security.KeyAlgorithm.TDES) {
            // Before, an AES BDK was taken here and every request of its terminal was answered 96 (its MAC cannot be
            // X9.19, and an AES PIN block does not fit the 8 bytes of DE 52).
            throw new InvalidConfigException(path, "an " + k.algorithm() + " key: a terminal's " + type
                    + " must be TDES (double or triple length): the terminal wire carries X9.19 MACs and ISO format 0"
                    + " PIN blocks in the 8 bytes of DE 52");
        }
        return k.toStoredForm();
    }

    /** Terminal keys the wire can only use as TDES keys (X9.19 MAC, format 0 PIN block in DE 52, TDES DUKPT). */
    private static final java.util.Set<KeyType> TERMINAL_TDES_ONLY = java.util.EnumSet.of(KeyType.TPK, KeyType.TAK, KeyType.BDK);

    private static <T> List<T> nn(List<T> l) {
        return l == null ? List.of() : l;
    }
}
