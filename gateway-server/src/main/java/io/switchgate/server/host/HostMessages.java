package io.switchgate.server.host;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.FieldSpec;
import io.switchgate.iso.IsoMessage;
import io.switchgate.route.AuthRequest;
import io.switchgate.saf.SafMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.SecurityModule;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The mapping between terminal and host messages (one place for what a host sees).
 *
 * <p>Towards the host a financial request carries only: DE 2, 3, 4, 12, 13, 14, 22, 25, 35, 41, 42, 49, 55 as the
 * terminal sent them; DE 7 = the gateway's transmission time (UTC); DE 11 = the gateway's own STAN for this host;
 * DE 32 = {@code acquirerId}; DE 37 = the RRN the gateway assigned; DE 52 = the PIN block translated to the host's
 * ZPK; DE 64/128 = MAC under the host's ZAK. Never the terminal's MAC, its DE 37 (for refunds, the sale's RRN),
 * private-use fields (DE 48, 60-63) or anything else the terminal added. From a terminal of the 1993 layout to a host
 * of the 1987 one, DE 12, 13, 22 and 25 are rewritten (see {@link FieldLayouts}).
 */
final class HostMessages {
    static final DateTimeFormatter DE7 = DateTimeFormatter.ofPattern("MMddHHmmss").withZone(ZoneOffset.UTC);
    static final int[] FORWARDED = {2, 3, 4, 12, 13, 14, 22, 25, 35, 41, 42, 49, 55};

    private HostMessages() {
    }

    static String de7(Instant t) {
        return DE7.format(t);
    }

    /** The host's request for a sale, balance inquiry or refund (without PIN and MAC). */
    static IsoMessage request(AuthRequest req, Dialect host, String stan, String acquirerId) {
        IsoMessage src = req.request();
        IsoMessage m = new IsoMessage(src.getMti()).dialect(host);
        boolean translate = FieldLayouts.from1993To1987(src.dialect(), host);
        for (int f : FORWARDED) {
            if (!src.hasField(f) || translate && FieldLayouts.TRANSLATED.contains(f)) continue;
            copy(src, m, f, host);
        }
        if (translate) FieldLayouts.fromY1993(src, m);
        m.set(7, de7(req.now()));
        m.set(11, stan);
        m.set(32, acquirerId);
        m.set(37, req.rrn());
        return m;
    }

    private static void copy(IsoMessage src, IsoMessage dst, int f, Dialect host) {
        FieldSpec spec = host.field(f);
        FieldSpec srcSpec = src.dialect() == null ? null : src.dialect().field(f);
        boolean srcBinary = srcSpec != null && srcSpec.isBinary();
        if (spec != null && spec.isBinary() && srcBinary) dst.set(f, src.getBytes(f));
        else dst.set(f, src.getString(f));
    }

    /** DE 90: original MTI (4), STAN (6), DE 7 (10), acquirer id (11, zero-filled on the left), forwarding id (11 zeros). */
    static String originalData(String mti, String stan, String de7, String acquirerId) {
        StringBuilder sb = new StringBuilder(42).append(mti).append(stan).append(de7);
        String acq = acquirerId == null ? "" : acquirerId;
        for (int i = acq.length(); i < 11; i++) sb.append('0');
        sb.append(acq.length() > 11 ? acq.substring(acq.length() - 11) : acq);
        return sb.append("00000000000").toString();
    }

    /** A reversal or reversal advice from its stored data: DE 3, 4, 7, 11, 32, 37, 41, 42, 49, 90 (no card data). */
    static IsoMessage reversal(SafMessage s, String mti, Dialect host) {
        IsoMessage m = new IsoMessage(mti).dialect(host);
        if (s.processingCode() != null) m.set(3, s.processingCode());
        m.set(4, pad(s.amount(), 12));
        m.set(7, s.transmissionTime());
        m.set(11, s.stan());
        m.set(32, s.acquirerId());
        if (s.rrn() != null) m.set(37, s.rrn());
        m.set(41, s.terminalId());
        m.set(42, s.merchantId());
        m.set(49, s.currency() == null ? "156" : s.currency());
        m.set(90, s.originalData());
        return m;
    }

    static String pad(long v, int width) {
        String s = Long.toString(v);
        StringBuilder sb = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s).toString();
    }

    /** Packs {@code m}, with the MAC (X9.19, padding 1) under {@code zak} in DE 64, or DE 128 when a field above 64 is present. */
    static byte[] pack(IsoMessage m, Dialect d, KeyHandle zak, SecurityModule security) {
        return zak == null ? d.pack(m) : io.switchgate.txn.MessageMac.pack(d, m, zak, security);
    }

    /** Whether the host's answer carries a MAC that verifies under the ZAK (true when there is no ZAK). */
    static boolean macValid(IsoMessage resp, byte[] raw, KeyHandle zak, SecurityModule security) {
        if (zak == null) return true;
        int macField = resp.hasField(128) ? 128 : resp.hasField(64) ? 64 : -1;
        if (macField < 0) return false;
        if (!io.switchgate.txn.MessageMac.coversEveryField(resp, macField)) return false; // fields after DE 64 unMACed
        int offset = resp.offsetOf(macField);
        byte[] mac = resp.getBytes(macField);
        if (offset < 0 || mac == null) return false;
        if (mac.length == 16) {
            try {
                mac = java.util.HexFormat.of().parseHex(new String(mac, java.nio.charset.StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (mac.length != 8) return false;
        return security.verifyMac(zak, MacAlgorithm.X919_RETAIL_PAD1, raw, 0, offset, mac, 0, 8);
    }

    /** The available balance from DE 54 (additional amounts, 20 characters a block; amount type 02 preferred), or null. */
    /**
     * Whether a host's answer names the amount and currency asked (DE 4 and DE 49; a field it leaves out says nothing
     * against it). An amount that is not digits is another amount.
     */
    static boolean sameMoney(IsoMessage resp, long amount, String currency) {
        String de4 = resp.getString(4);
        if (de4 != null) {
            String digits = de4.trim();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) return false;
            if (Long.parseLong(digits) != amount) return false;
        }
        String de49 = resp.getString(49);
        return de49 == null || currency == null || de49.trim().equals(currency.trim());
    }

    static Long balance(String de54) {
        if (de54 == null || de54.length() < 20) return null;
        Long first = null;
        for (int i = 0; i + 20 <= de54.length(); i += 20) {
            String b = de54.substring(i, i + 20);
            Long v = parseAmount(b);
            if (v == null) continue;
            if ("02".equals(b.substring(2, 4))) return v;
            if (first == null) first = v;
        }
        return first;
    }

    private static Long parseAmount(String block) {
        char sign = block.charAt(7);
        long v = 0;
        for (int i = 8; i < 20; i++) {
            char c = block.charAt(i);
            if (c < '0' || c > '9') return null;
            v = v * 10 + (c - '0');
        }
        return sign == 'D' ? -v : v;
    }

    /** Most digits a host's reason token may hold: a card number has at least 12 (ISO/IEC 7812: 8 to 19). */
    static final int MAX_DIGITS = 7;

    /**
     * The host's DE 44 as a reason token when it is one (at most 25 of A-Z, 0-9, _, with no more than
     * {@link #MAX_DIGITS} digits in all), else {@code fallback}. The digits' bound: a host that put the card number in
     * DE 44 had it copied whole into the terminal's answer, the admin API and the log line (a black-box audit), also
     * split by underscores (a re-audit: {@code 6229_0000_0000_0002}); no reason token needs that many digits.
     */
    static String reason(String de44, String fallback) {
        if (de44 == null) return fallback;
        String t = de44.strip();
        if (t.isEmpty() || t.length() > 25) return fallback;
        int digits = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_') return fallback;
            if (c >= '0' && c <= '9' && ++digits > MAX_DIGITS) return fallback;
        }
        return t;
    }
}
