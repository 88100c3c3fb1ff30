package io.switchgate.txn;

import io.switchgate.policy.Codes;
import io.switchgate.policy.Decline;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * What a host checks of a DUKPT terminal's KSN (DE 62) beyond the keys derived from it (engine thread only). A BDK
 * loads many devices, and each device's keys derive from the KSN it sends, so the MAC alone only proves "a device of
 * this BDK", not "this terminal's device":
 * <ul>
 *   <li>A terminal is bound to the device (the KSN with its 21-bit transaction counter cleared: key set ID and device
 *   ID) of its first request in this run that carried a MAC (verified before this is asked); a request of another
 *   device is refused {@code 63 KSN_OTHER_DEVICE}, with a MAC or without (a terminal whose {@code macRequired} is
 *   false: its KSN proves no device, so it binds nothing). An operator's key reset
 *   ({@code POST /api/terminals/{id}/keys/reset}) lets the next device bind (a terminal whose PIN pad was replaced).
 *   Each node keeps its own binding.</li>
 *   <li>A counter with more than 10 one-bits is one no device ever uses (ANSI X9.24-1: the device skips them), so a
 *   request under it was not made by a device: {@code 63 KSN_COUNTER_INVALID}.</li>
 * </ul>
 * Not checked (docs/security.md says why): that the counter moves forward (a KSN used again within 24 hours is a
 * retransmission, answered by the duplicate check; one whose request differs is checked by its MAC), and the binding
 * is not kept across a restart.
 */
final class KsnGuard {
    /** TDES DUKPT: the transaction counter is the KSN's low 21 bits. */
    private static final int COUNTER_BITS = 21;
    private static final int MAX_COUNTER_ONES = 10;

    /** Terminal ID -> the device its requests come from (the KSN, counter cleared, as hex). */
    private final Map<String, String> devices = new HashMap<>();

    /**
     * Checks, and binds if {@code macVerified}. {@code ksnHex} is the request's DE 62, already found to be a KSN its
     * keys derive from.
     *
     * @return null if the request may go on, else the decline
     */
    Decline check(String terminalId, String ksnHex, boolean macVerified) {
        if (ksnHex == null) return null;
        String ksn = ksnHex.trim();
        if (ksn.length() != 20) return null; // only TDES DUKPT reaches a terminal (an AES BDK is refused at start)
        byte[] b = HexFormat.of().parseHex(ksn);
        int counter = (((b[7] & 0xFF) << 16) | ((b[8] & 0xFF) << 8) | (b[9] & 0xFF)) & ((1 << COUNTER_BITS) - 1);
        if (Integer.bitCount(counter) > MAX_COUNTER_ONES) return Decline.of(Codes.SECURITY_VIOLATION, "KSN_COUNTER_INVALID");
        b[7] &= (byte) 0xE0;
        b[8] = 0;
        b[9] = 0;
        String device = HexFormat.of().withUpperCase().formatHex(b);
        String bound = macVerified ? devices.putIfAbsent(terminalId, device) : devices.get(terminalId);
        if (bound != null && !bound.equals(device)) return Decline.of(Codes.SECURITY_VIOLATION, "KSN_OTHER_DEVICE");
        return null;
    }

    /** The terminal's next authenticated device binds (an operator reset its keys). */
    void forget(String terminalId) {
        devices.remove(terminalId);
    }
}
