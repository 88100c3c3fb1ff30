package io.switchgate.security;

/** ISO 9564-1 PIN block formats. 0, 1 and 3 are 8-byte blocks (TDES keys); 4 is a 16-byte block (AES keys). */
public enum PinFormat {
    /** Format 0 (ANSI X9.8): PIN field XOR PAN field (12 rightmost PAN digits without check digit). */
    ISO0,
    /** Format 1: PIN with a transaction field fill, no PAN. */
    ISO1,
    /** Format 3: as format 0 but filled with random digits A-F. */
    ISO3,
    /** Format 4 (ISO 9564-1:2017): AES, enciphered PIN field XOR PAN field, enciphered again. */
    ISO4;

    /** The digit that leads the PIN field. */
    public int controlNibble() {
        return switch (this) { case ISO0 -> 0; case ISO1 -> 1; case ISO3 -> 3; case ISO4 -> 4; };
    }

    /** The cipher the format is defined for. */
    public KeyAlgorithm keyAlgorithm() { return this == ISO4 ? KeyAlgorithm.AES : KeyAlgorithm.TDES; }

    /** Block length in bytes. */
    public int blockLength() { return this == ISO4 ? 16 : 8; }

    /** Whether the block is bound to the PAN. */
    public boolean usesPan() { return this != ISO1; }
}
