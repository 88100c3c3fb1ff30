package io.switchgate.security;

/**
 * What the gateway asks of a security module, shaped like a payment HSM's host commands so a
 * network HSM adapter (e.g. Thales payShield) can replace {@link SoftwareSecurityModule} without
 * touching the engine. Keys travel as {@link KeyHandle}s (encrypted under the module's master key);
 * clear keys and clear PINs never leave the module.
 *
 * <p>Conventions: TDES KCV = leftmost 3 bytes of E(K, 00&times;8); AES KCV = leftmost 3 bytes of
 * AES-CMAC(K, 00&times;16) (ANSI X9.24-3). PANs are decimal strings (1-19 digits). Failures are
 * {@link SecurityModuleException}s whose messages carry no key, PIN, PIN block or PAN.
 */
public interface SecurityModule {

    /** A fresh random key: TDES double length with odd parity, or AES-128. */
    KeyHandle generateKey(KeyType type, KeyAlgorithm alg);

    /** Imports a clear key (test configs). 8/16/24 bytes are taken as TDES, 32 as AES-256; use the overload for AES-128/192. */
    KeyHandle importClear(KeyType type, byte[] clearKey);

    /** Imports a clear key of a given algorithm. */
    default KeyHandle importClear(KeyType type, KeyAlgorithm alg, byte[] clearKey) {
        throw new UnsupportedOperationException("importClear with an explicit algorithm");
    }

    /**
     * Imports {@code kcv:XXXXXX:<hex under master>}. The algorithm is recognised by the KCV (TDES
     * first, then AES). Throws {@link KeyCheckException} naming the key's role if the check value
     * does not match (wrong master key, corrupted or tampered value).
     */
    KeyHandle importStored(KeyType type, String storedForm);

    /** Imports a key received encrypted under a key-encryption key (TMK, ZMK, KEK), checking its KCV. TDES key. */
    KeyHandle importUnderKek(KeyHandle kek, KeyType type, byte[] encrypted, String expectedKcv);

    /** As {@link #importUnderKek(KeyHandle, KeyType, byte[], String)} for a key of the given algorithm. */
    default KeyHandle importUnderKek(KeyHandle kek, KeyType type, KeyAlgorithm alg, byte[] encrypted, String expectedKcv) {
        throw new UnsupportedOperationException("importUnderKek with an explicit algorithm");
    }

    /** Exports a key under a KEK: TDES-ECB under a TDES KEK (DE 48 at sign-on), RFC 3394 key wrap under an AES KEK. */
    ExportedKey exportUnderKek(KeyHandle kek, KeyHandle key);

    /** Recomputes the check value of a key from its clear value inside the module. */
    String kcv(KeyHandle key);

    /** A MAC of data[off, off+len) under a TAK or ZAK. */
    byte[] generateMac(KeyHandle tak, MacAlgorithm alg, byte[] data, int off, int len);

    /**
     * Verifies a MAC in constant time. {@code macLen} may be shorter than the algorithm's output
     * (leftmost bytes, at least 4). A wrong length is simply "not verified".
     */
    boolean verifyMac(KeyHandle tak, MacAlgorithm alg, byte[] data, int off, int len, byte[] mac, int macOff, int macLen);

    /** Translates a PIN block from one key and format to another; the clear PIN never leaves the module. */
    byte[] translatePin(KeyHandle from, PinFormat fromFmt, byte[] pinBlock, String pan, KeyHandle to, PinFormat toFmt);

    /** A clear PIN encrypted under a key derived from the master key (like an HSM's PIN under LMK), for the embedded authorizer's card table. */
    byte[] encryptPinForStorage(String clearPin);

    /**
     * Whether the PIN in the block equals the stored PIN (constant-time compare).
     * Throws {@link PinBlockException} if the block is malformed after decryption.
     */
    boolean verifyPin(KeyHandle pinKey, PinFormat fmt, byte[] pinBlock, String pan, byte[] storedPin);

    /** Encrypts a clear PIN into a block of the format (random fill where the format has one). For simulators and tests. */
    byte[] encryptPinBlock(KeyHandle pinKey, PinFormat fmt, String clearPin, String pan);

    /**
     * A DUKPT working key for a KSN: TDES (ANSI X9.24-1, 10-byte KSN) or AES (ANSI X9.24-3, 12-byte
     * KSN) by the BDK's algorithm. The handle's type is {@link DukptUsage#keyType()}.
     */
    KeyHandle deriveDukptKey(KeyHandle bdk, byte[] ksn, DukptUsage usage);
}
