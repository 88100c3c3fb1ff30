package io.switchgate.security;

/**
 * The cipher a key belongs to. {@link #TDES} keys are 16 bytes (double length, K1K2K1) or 24 bytes
 * (triple length); 8-byte single-DES keys are accepted for legacy ISO 9797-1 algorithm 1 only.
 * {@link #AES} keys are 16, 24 or 32 bytes.
 */
public enum KeyAlgorithm {
    TDES, AES;

    /** Cipher block size in bytes. */
    public int blockSize() { return this == TDES ? 8 : 16; }

    void checkLength(int len) {
        boolean ok = this == TDES ? (len == 8 || len == 16 || len == 24) : (len == 16 || len == 24 || len == 32);
        if (!ok) {
            throw new IllegalArgumentException(name() + " key must not be " + len + " bytes long");
        }
    }
}
