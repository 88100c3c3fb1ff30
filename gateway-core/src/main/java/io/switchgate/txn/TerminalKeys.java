package io.switchgate.txn;

import io.switchgate.model.TerminalState;
import io.switchgate.model.TxnType;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SecurityModule;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The security step of a request: the keys it is checked with (the terminal's, or DUKPT keys derived from its KSN), its
 * MAC, and the key its response is MACed under. Stored keys are imported into the security module once and their
 * handles kept, so a request imports nothing. Any thread: the event loops run it first ({@link TerminalAdmission}), the
 * engine thread again when the terminal changed meanwhile; what it finds depends only on the request and the terminal.
 */
final class TerminalKeys {
    private final SecurityModule security;
    /** A map per role, every role's made here: the event loops and the engine thread read and fill them at once. */
    private final Map<KeyType, Map<String, KeyHandle>> keys = new java.util.EnumMap<>(KeyType.class);

    TerminalKeys(SecurityModule security) {
        this.security = security;
        for (KeyType type : KeyType.values()) keys.put(type, new ConcurrentHashMap<>());
    }

    /** The handle of a stored key of role {@code type} (imported once, then cached); null for none. */
    KeyHandle key(KeyType type, String stored) {
        if (stored == null) return null;
        // Keyed on role and value: the same key material configured for two roles gets two handles. A map per role, so
        // that a lookup (one or two per request) builds no key string.
        Map<String, KeyHandle> ofRole = keys.get(type);
        KeyHandle handle = ofRole.get(stored);
        if (handle == null) {
            // Two threads may import the same key at once: both handles work, the first one put is kept.
            KeyHandle imported = security.importStored(type, stored);
            handle = ofRole.putIfAbsent(stored, imported);
            if (handle == null) handle = imported;
        }
        return handle;
    }

    /**
     * The keys this request is checked with: the terminal's TAK and TPK, or, for a DUKPT terminal (a BDK
     * configured) sending its KSN in DE 62, the per-transaction keys derived from the BDK. False when
     * DE 62 is not a KSN.
     */
    boolean resolve(Request r) {
        TerminalState t = r.terminal;
        String ksnHex = t.bdk() == null ? null : r.msg.getString(62);
        if (ksnHex != null) {
            ksnHex = ksnHex.trim();
            if ((ksnHex.length() != 20 && ksnHex.length() != 24) || !io.switchgate.security.Hex.isHex(ksnHex)) return false;
            byte[] ksn = java.util.HexFormat.of().parseHex(ksnHex);
            KeyHandle bdk = key(KeyType.BDK, t.bdk());
            try {
                r.macKey = security.deriveDukptKey(bdk, ksn, io.switchgate.security.DukptUsage.MAC_REQUEST);
                r.responseMacKey = security.deriveDukptKey(bdk, ksn, io.switchgate.security.DukptUsage.MAC_RESPONSE);
                r.pinKey = security.deriveDukptKey(bdk, ksn, io.switchgate.security.DukptUsage.PIN);
            } catch (IllegalArgumentException wrongKind) {
                return false; // a KSN of the other DUKPT's length (24 hex to a TDES BDK, 20 to an AES one)
            }
            return true;
        }
        if (t.bdk() != null && t.tak() == null && t.tpk() == null
                && (r.msg.hasField(52) || r.msg.hasField(64) || r.msg.hasField(128))) {
            // A DUKPT terminal's PIN block or MAC without the KSN it was made under: nothing can check it, and a PIN
            // "verified" with no key would count a wrong try against the card.
            return false;
        }
        r.macKey = key(KeyType.TAK, t.tak());
        r.responseMacKey = r.macKey;
        r.pinKey = key(KeyType.TPK, t.tpk());
        return true;
    }

    /**
     * MAC over the packed request up to the MAC field (X9.19, padding 1) when the terminal has a MAC key. Network
     * management (0800 echo and sign-on) from a terminal with a MAC key must always carry a valid MAC, whatever
     * {@code macRequired} says: an unMACed sign-on would let anyone on the network replace the terminal's keys.
     */
    boolean macValid(Request r) {
        boolean hasMacKey = r.terminal.tak() != null || r.terminal.bdk() != null;
        if (!hasMacKey) {
            // A terminal that must MAC but has no key (its keys were reset, or only a TMK is configured) signs on
            // first: nothing else of it can be checked, so nothing else is taken from it.
            return !r.terminal.macRequired() || r.type == TxnType.ECHO || r.type == TxnType.SIGNON;
        }
        int macField = r.msg.hasField(128) ? 128 : r.msg.hasField(64) ? 64 : -1;
        boolean network = r.type == TxnType.ECHO || r.type == TxnType.SIGNON;
        if (macField < 0) return !network && !r.terminal.macRequired();
        return Boolean.TRUE.equals(MessageMac.verify(r.raw, r.msg, r.macKey, security));
    }

    /**
     * The key the response is MACed under: the terminal's (or the DUKPT response) MAC key, for every response to a
     * known terminal, declines and 0810 included (a sign-on's answer under the TAK its request was checked with).
     */
    static KeyHandle responseMacKey(Request r) {
        if (r.terminal == null) return null;
        // Keys found at admission for another state of the terminal (replaced before the engine got to the request,
        // which it answers without deciding it: a failure before the decision) are not the terminal's now.
        if (r.securityCheckedFor != null && r.securityCheckedFor != r.terminal) return null;
        return r.responseMacKey;
    }
}
