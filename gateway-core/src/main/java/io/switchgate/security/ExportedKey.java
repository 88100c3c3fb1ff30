package io.switchgate.security;

import java.util.Arrays;

/**
 * A key encrypted under a key-encryption key, with the check value of the clear key: what goes on
 * the wire (e.g. DE 48 at sign-on).
 */
public record ExportedKey(byte[] encrypted, String kcv) {
    public ExportedKey {
        encrypted = encrypted.clone();
    }

    @Override
    public byte[] encrypted() { return encrypted.clone(); }

    /** The encrypted key as uppercase hex. */
    public String encryptedHex() { return Hex.encode(encrypted); }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportedKey e && Arrays.equals(encrypted, e.encrypted) && kcv.equals(e.kcv);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(encrypted) * 31 + kcv.hashCode(); }

    @Override
    public String toString() { return "ExportedKey[" + encryptedHex() + ", kcv=" + kcv + "]"; }
}
