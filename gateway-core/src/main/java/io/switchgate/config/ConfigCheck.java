package io.switchgate.config;

import io.switchgate.iso.PanMask;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a configuration must hold together, however it was made (the YAML loader, or a program that builds the records
 * in code): the values every start needs are there, names and ids are unique, and what one part names exists in
 * another (a terminal's merchant; a route's host, {@link #routes}). Each fault is an {@link InvalidConfigException} naming the key as
 * the YAML loader would ({@code terminals[1].merchant}), before the store is opened. The formats of single values
 * (lengths, digits, ranges) are the loader's checks, and the start's where it uses them (dialects, keys); those whose
 * slip showed only as refused requests are checked here too (a card's expiry and balance, refund limits, the journal's
 * durability, a route's merchants and terminals).
 *
 * <p>Without it, an embedding program's slip showed as a {@code NullPointerException}, as a store error after store
 * files were written (a duplicate terminal), or not at all until every request was refused (a route to a host that
 * does not exist: {@code 91}; a terminal whose merchant is not configured: {@code 03}): a black-box audit.
 */
public final class ConfigCheck {
    private static final String EMBEDDED = "embedded";

    private ConfigCheck() {
    }

    public static void check(GatewayConfig c) {
        if (c == null) throw new InvalidConfigException("(configuration)", "is null");
        if (c.node() == null || c.node().id() == null) {
            throw new InvalidConfigException("node.id", "missing (required: two characters, part of every RRN)");
        }
        if (c.node().id().length() != 2) {
            throw new InvalidConfigException("node.id", "'" + c.node().id() + "' must be exactly 2 letters or digits");
        }
        if (c.security() == null || c.security().masterKey() == null || c.security().masterKey().isBlank()) {
            throw new InvalidConfigException("security.masterKey", "is required");
        }
        unique("listeners", "name", "listener name", list(c.listeners()), GatewayConfig.Listener::name);
        Set<String> merchants = unique("merchants", "id", "merchant id", list(c.merchants()), GatewayConfig.Merchant::id);
        unique("terminals", "id", "terminal id", list(c.terminals()), GatewayConfig.Terminal::id);
        List<GatewayConfig.Terminal> terminals = list(c.terminals());
        for (int i = 0; i < terminals.size(); i++) {
            GatewayConfig.Terminal t = terminals.get(i);
            if (t.merchant() == null || !merchants.contains(t.merchant())) {
                throw new InvalidConfigException("terminals[" + i + "].merchant", t.merchant() == null ? "missing"
                        : "unknown merchant '" + t.merchant() + "' (not in merchants)");
            }
            oneOf("terminals[" + i + "].status", t.status(), "registered", "active", "suspended", "returned");
            Map<String, String> keys = t.keys() == null ? Map.of() : t.keys();
            if (t.macRequired() && !keys.containsKey("tak") && !keys.containsKey("tmk") && !keys.containsKey("bdk")) {
                // a bdk is a MAC key too: a DUKPT terminal MACs under the key its KSN derives
                throw new InvalidConfigException("terminals[" + i + "].macRequired",
                        "true, but the terminal has no tak (nor a tmk to issue one at sign-on, nor a bdk)");
            }
        }
        Set<String> terminalIds = new HashSet<>();
        for (GatewayConfig.Terminal t : terminals) terminalIds.add(t.id());
        List<GatewayConfig.Route> routes = list(c.routes());
        for (int i = 0; i < routes.size(); i++) {
            GatewayConfig.RouteMatch m = routes.get(i) == null ? null : routes.get(i).match();
            if (m == null) continue;
            // a misspelt id never matches, and its traffic went on to a later route (the embedded authorizer instead of
            // a host, say) without a word (a commands audit)
            known("routes[" + i + "].match.merchant", "merchant", list(m.merchant()), merchants, "merchants");
            known("routes[" + i + "].match.terminal", "terminal", list(m.terminal()), terminalIds, "terminals");
        }
        String durability = c.journal() == null || c.journal().durability() == null ? "fsync"
                : c.journal().durability().trim().toLowerCase(java.util.Locale.ROOT);
        if (!durability.equals("fsync") && !durability.equals("write")) {
            // here, before the store is opened: found where the journal was placed, it left the H2 files behind
            throw new InvalidConfigException("journal.durability", "'" + c.journal().durability() + "' is not one of fsync | write");
        }
        unique("hosts", "name", "host name", list(c.hosts()), GatewayConfig.Host::name);
        List<GatewayConfig.Host> hosts = list(c.hosts());
        for (int i = 0; i < hosts.size(); i++) {
            // here, before any store file exists: checked only when the host's client was made, a host without one
            // stopped the start after the H2 file and 128 MiB of journal segments were created (an audit)
            String acq = hosts.get(i).acquirerId();
            if (acq == null || acq.isEmpty() || acq.length() > 11 || !acq.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new InvalidConfigException("hosts[" + i + "].acquirerId", acq == null
                        ? "missing (required: 1 to 11 digits, sent in DE 32)" : "'" + acq + "' must be 1 to 11 digits (DE 32)");
            }
        }
        List<GatewayConfig.Card> cards = c.authorizer() == null ? List.of() : list(c.authorizer().cards());
        Set<String> pans = new HashSet<>();
        for (int i = 0; i < cards.size(); i++) {
            String pan = cards.get(i) == null ? null : cards.get(i).pan();
            if (pan == null) throw new InvalidConfigException("authorizer.cards[" + i + "].pan", "missing");
            if (!pans.add(pan)) throw new InvalidConfigException("authorizer.cards[" + i + "].pan", "duplicate card " + PanMask.mask(pan));
            // the loader's checks, for a configuration built in code: an expiry of month 13 declined every sale 54, none
            // approved whatever the request's expiry, a negative balance stood (an embedding audit)
            String expiry = cards.get(i).expiry();
            if (expiry == null || expiry.length() != 4 || !expiry.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(expiry.substring(2)) < 1 || Integer.parseInt(expiry.substring(2)) > 12) {
                throw new InvalidConfigException("authorizer.cards[" + i + "].expiry", expiry == null ? "missing"
                        : "'" + expiry + "' must be YYMM with a month 01..12");
            }
            if (cards.get(i).balance() < 0) {
                throw new InvalidConfigException("authorizer.cards[" + i + "].balance", cards.get(i).balance() + " is below 0");
            }
        }
        List<GatewayConfig.Merchant> ms = list(c.merchants());
        for (int i = 0; i < ms.size(); i++) {
            oneOf("merchants[" + i + "].status", ms.get(i).status(), "active", "frozen", "closed");
            List<String> currencies = ms.get(i).currencies();
            if (currencies != null) {
                if (currencies.isEmpty()) throw new InvalidConfigException("merchants[" + i + "].currencies", "is empty (left out: [\"156\"])");
                for (String cur : currencies) {
                    if (cur == null || cur.length() != 3 || !cur.chars().allMatch(Character::isDigit)) {
                        throw new InvalidConfigException("merchants[" + i + "].currencies", "'" + cur + "' is not a 3-digit ISO 4217 code");
                    }
                }
            }
            GatewayConfig.RefundLimits r = ms.get(i).refund();
            if (r == null) continue;
            String at = "merchants[" + i + "].refund.";
            if (r.windowDays() < 0 || r.windowDays() > 3650) throw new InvalidConfigException(at + "windowDays", r.windowDays() + " is not 0..3650");
            if (r.maxSingleAmount() < 0) throw new InvalidConfigException(at + "maxSingleAmount", r.maxSingleAmount() + " is below 0");
            if (r.dailyAmountLimit() < 0) throw new InvalidConfigException(at + "dailyAmountLimit", r.dailyAmountLimit() + " is below 0");
        }
    }

    /**
     * Every route names the embedded authorizer or one of {@code hosts}: the configured hosts (the YAML loader), or the
     * authorizers a start was given, which an embedding program may bring without a {@code hosts} entry.
     */
    public static void routes(GatewayConfig c, Set<String> hosts) {
        List<GatewayConfig.Route> routes = list(c.routes());
        for (int i = 0; i < routes.size(); i++) {
            String host = routes.get(i) == null ? null : routes.get(i).host();
            if (host == null) throw new InvalidConfigException("routes[" + i + "].host", "missing");
            if (!host.equals(EMBEDDED) && !hosts.contains(host)) {
                throw new InvalidConfigException("routes[" + i + "].host", "unknown host '" + host + "' (use 'embedded' or a name from hosts)");
            }
        }
    }

    /** Null is the default (the loader's too); anything else must be one of {@code values}, in any case. */
    private static void oneOf(String key, String value, String... values) {
        if (value == null) return;
        for (String v : values) if (v.equalsIgnoreCase(value.trim())) return;
        throw new InvalidConfigException(key, "'" + value + "' is not one of " + String.join(" | ", values));
    }

    private static void known(String key, String what, List<String> ids, Set<String> configured, String section) {
        for (String id : ids) {
            if (id == null || !configured.contains(id)) {
                throw new InvalidConfigException(key, "unknown " + what + " '" + id + "' (not in " + section + ")");
            }
        }
    }

    /** The values of {@code name} in {@code items}, each present and unique; the key is {@code section[i].key}. */
    private static <T> Set<String> unique(String section, String key, String what, List<T> items,
                                          java.util.function.Function<T, String> name) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String path = section + "[" + i + "]." + key;
            String v = items.get(i) == null ? null : name.apply(items.get(i));
            if (v == null) throw new InvalidConfigException(path, "missing");
            if (!seen.add(v)) throw new InvalidConfigException(path, "duplicate " + what + " '" + v + "'");
        }
        return seen;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
