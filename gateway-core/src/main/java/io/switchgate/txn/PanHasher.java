package io.switchgate.txn;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Keyed hash of a PAN (HMAC-SHA-256, key derived from the master key), so that the store can match a
 * refund to its sale's card without ever holding the card number. Without the master key the hashes
 * cannot be brute-forced from the small PAN space.
 */
public final class PanHasher {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** PANs are at most 19 digits; a longer value (a malformed field) takes a buffer of its own. */
    private static final int PAN_BYTES = 32;

    private final byte[] key;
    private final ThreadLocal<Scratch> scratch;

    /**
     * One per thread: the MAC and the buffers one hash needs, so that a hash (once per sale, on the decision thread)
     * leaves only its result as garbage, not the PAN's bytes, the MAC's output and a string builder.
     */
    private static final class Scratch {
        final Mac mac;
        final byte[] in = new byte[PAN_BYTES];
        final byte[] out;
        final byte[] hex = new byte[32];

        Scratch(Mac mac) {
            this.mac = mac;
            this.out = new byte[mac.getMacLength()];
        }
    }

    public PanHasher(byte[] secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("switchgate-pan-hash-v1".getBytes(StandardCharsets.US_ASCII));
            this.key = sha.digest(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(newMac()));
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** 32 lowercase hex characters (128 bits of the HMAC over the PAN's ASCII bytes); null for a null PAN. */
    public String hash(String pan) {
        if (pan == null) return null;
        Scratch s = scratch.get();
        int n = pan.length();
        byte[] in = n <= PAN_BYTES ? s.in : new byte[n];
        for (int i = 0; i < n; i++) {
            char ch = pan.charAt(i);
            in[i] = ch < 0x80 ? (byte) ch : (byte) '?'; // as String.getBytes(US_ASCII) replaces what it cannot map
        }
        try {
            s.mac.update(in, 0, n);
            s.mac.doFinal(s.out, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("HmacSHA256 output longer than its own length", e);
        } finally {
            Arrays.fill(in, 0, n, (byte) 0); // no card number left behind in the thread's buffer
        }
        byte[] hex = s.hex;
        for (int i = 0; i < 16; i++) {
            int b = s.out[i] & 0xFF;
            hex[2 * i] = HEX[b >>> 4];
            hex[2 * i + 1] = HEX[b & 0x0F];
        }
        return new String(hex, 0, 32, StandardCharsets.ISO_8859_1);
    }
}
