package io.switchgate.security;

/** MAC algorithms. Output length: 8 bytes, except {@link #AES_CMAC}: 16 bytes. */
public enum MacAlgorithm {
    /** ISO 9797-1 algorithm 3 (ANSI X9.19 retail MAC), padding method 1 (zero fill; nothing added to an aligned message). The contract's DE 64/128 MAC. */
    X919_RETAIL_PAD1,
    /** ISO 9797-1 algorithm 3, padding method 2 (0x80 then zeros, always). */
    X919_RETAIL_PAD2,
    /** ISO 9797-1 algorithm 1 (CBC-MAC), padding method 1; single DES for an 8-byte key, TDES otherwise. */
    ISO9797_ALG1_PAD1,
    /** ISO 9797-1 algorithm 1, padding method 2. */
    ISO9797_ALG1_PAD2,
    /** CMAC (NIST SP 800-38B) over TDES. */
    TDES_CMAC,
    /** CMAC (NIST SP 800-38B, RFC 4493) over AES. */
    AES_CMAC;

    /** Length of the full MAC in bytes. */
    public int macLength() { return this == AES_CMAC ? 16 : 8; }

    /** The key algorithm the MAC needs. */
    public KeyAlgorithm keyAlgorithm() { return this == AES_CMAC ? KeyAlgorithm.AES : KeyAlgorithm.TDES; }
}
