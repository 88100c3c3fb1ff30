package io.switchgate.txn;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Keyed hash of a PAN (HMAC-SHA-256, key derived from the master key), so that the store can match a
 * refund to its sale's card without ever holding the card number. Without the master key the hashes
 * cannot be brute-forced from the small PAN space.
 */
public final class PanHasher {
    private final byte[] key;
    private final ThreadLocal<Mac> macs;

    public PanHasher(byte[] secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("switchgate-pan-hash-v1".getBytes(StandardCharsets.US_ASCII));
            this.key = sha.digest(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        this.macs = ThreadLocal.withInitial(this::newMac);
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

    /** 32 hex characters (128 bits of the HMAC); null for a null PAN. */
    public String hash(String pan) {
        if (pan == null) return null;
        byte[] out = macs.get().doFinal(pan.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(out, 0, 16);
    }
}
