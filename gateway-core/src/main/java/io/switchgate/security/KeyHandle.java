package io.switchgate.security;

import java.util.Arrays;

/**
 * A key as stored: its role, algorithm, check value, and its value encrypted under the module's
 * master key (TDES-ECB for keys under a TDES master; RFC 3394 AES key wrap under an AES master).
 * Immutable and safe to persist ({@link #toStoredForm()}); {@link #toString()} shows type,
 * algorithm and KCV only.
 *
 * <p>The software module may attach a private per-key context to a handle (pre-keyed cipher and MAC
 * engines, so a MAC does not decrypt the key and rebuild key schedules every time). That context is
 * invisible from outside, never printed, and only usable by the module that created it.
 */
public final class KeyHandle {
    private final KeyType type;
    private final KeyAlgorithm algorithm;
    private final int keyLength;
    /** Computed lazily for DUKPT-derived keys (used once, rarely shown); see {@link #kcv()}. */
    private volatile String kcv;
    private final byte[] encrypted;
    /** Module-private cache; see the class comment. */
    volatile Object context;

    KeyHandle(KeyType type, KeyAlgorithm algorithm, int keyLength, String kcv, byte[] encrypted) {
        this.type = type;
        this.algorithm = algorithm;
        this.keyLength = keyLength;
        this.kcv = kcv;
        this.encrypted = encrypted.clone();
    }

    public KeyType type() { return type; }

    public KeyAlgorithm algorithm() { return algorithm; }

    /** Length of the clear key in bytes. */
    public int keyLength() { return keyLength; }

    /** Check value of the clear key, 6 uppercase hex ({@link Kcv#tdes} or {@link Kcv#aes}). */
    public String kcv() {
        String k = kcv;
        if (k == null) {
            // only handles made with a lazy KCV get here, and they are born with their module context
            k = ((KeyContext) context).kcv();
            kcv = k;
        }
        return k;
    }

    /** The key under the master key, uppercase hex. */
    public String encryptedHex() { return Hex.encode(encrypted); }

    byte[] encryptedBytes() { return encrypted; }

    /** {@code kcv:XXXXXX:<hex under master>}, the form config files and the store keep. */
    public String toStoredForm() { return "kcv:" + kcv() + ":" + encryptedHex(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyHandle h && h.type == type && h.algorithm == algorithm && Arrays.equals(h.encrypted, encrypted);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(encrypted) * 31 + type.hashCode(); }

    @Override
    public String toString() { return "KeyHandle[" + type + " " + algorithm + " kcv=" + kcv() + "]"; }
}
