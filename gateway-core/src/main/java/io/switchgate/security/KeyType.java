package io.switchgate.security;

/**
 * The role of a key. The software module enforces roles the way an HSM does: a MAC is only
 * computed with a {@link #TAK} or {@link #ZAK}, a PIN block only handled with a {@link #TPK} or
 * {@link #ZPK}, keys are only wrapped with a {@link #TMK}, {@link #ZMK} or {@link #KEK}, and DUKPT
 * keys only derived from a {@link #BDK}.
 */
public enum KeyType {
    /** Terminal master key: key-encryption key shared with one terminal (sign-on key exchange). */
    TMK,
    /** Terminal PIN key: protects DE 52 between terminal and gateway. */
    TPK,
    /** Terminal authentication (MAC) key. */
    TAK,
    /** Zone master key: key-encryption key shared with a host. */
    ZMK,
    /** Zone PIN key: protects PIN blocks between gateway and host. */
    ZPK,
    /** Zone authentication (MAC) key with a host. */
    ZAK,
    /** DUKPT base derivation key. */
    BDK,
    /** Generic key-encryption key. */
    KEK,
    /** Data encryption key. */
    DATA;

    boolean isMacKey() { return this == TAK || this == ZAK; }

    boolean isPinKey() { return this == TPK || this == ZPK; }

    boolean isKeyEncryptionKey() { return this == TMK || this == ZMK || this == KEK; }
}
