package io.switchgate.security;

import org.bouncycastle.crypto.BlockCipher;

/**
 * ANSI X9.24-1:2009 TDES DUKPT, host side, over clear keys (pure; the module wraps it).
 *
 * <p>KSN: 10 bytes (20 hex), the rightmost 21 bits are the transaction counter. BDK and IPEK are
 * double-length TDES keys.
 * <ul>
 *   <li>IPEK = TDES-E(BDK, KSN<sub>left 8, counter cleared</sub>) ‖ TDES-E(BDK ⊕ C0C0C0C000000000C0C0C0C000000000, same).</li>
 *   <li>Transaction key: from the IPEK, one non-reversible key generation step per set counter bit,
 *       high to low (the standard's "future key" chain, computed directly).</li>
 *   <li>Working keys: the transaction key XOR a variant (see {@link DukptUsage}); data keys then get
 *       the one-way step (each half TDES-encrypted under the variant key).</li>
 * </ul>
 */
public final class DukptTdes {
    private static final byte[] KEY_MASK = Hex.decode("C0C0C0C000000000C0C0C0C000000000");
    /** Counter: rightmost 21 bits of the KSN. */
    public static final int COUNTER_MASK = 0x1FFFFF;

    private DukptTdes() {}

    /** Initial PIN encryption key (IPEK, "initial key") from the BDK and any KSN of the device. */
    public static byte[] ipek(byte[] bdk, byte[] ksn) {
        checkKsn(ksn);
        if (bdk.length != 16) {
            throw new IllegalArgumentException("TDES DUKPT BDK must be double length (16 bytes)");
        }
        byte[] ksn8 = java.util.Arrays.copyOf(ksn, 8);
        ksn8[7] &= (byte) 0xE0;
        byte[] variantBdk = bdk.clone();
        Ciphers.xor(variantBdk, 0, KEY_MASK, 0, 16);
        byte[] out = new byte[16];
        Ciphers.engine(KeyAlgorithm.TDES, bdk, true).processBlock(ksn8, 0, out, 0);
        Ciphers.engine(KeyAlgorithm.TDES, variantBdk, true).processBlock(ksn8, 0, out, 8);
        Ciphers.zero(variantBdk);
        return out;
    }

    /** The transaction counter in a KSN. */
    public static int counter(byte[] ksn) {
        checkKsn(ksn);
        return ((ksn[7] & 0x1F) << 16) | ((ksn[8] & 0xFF) << 8) | (ksn[9] & 0xFF);
    }

    /** The current (transaction) key for the KSN's counter, before any variant. */
    public static byte[] transactionKey(byte[] ipek, byte[] ksn) {
        int counter = counter(ksn);
        long reg = 0;
        for (int i = 2; i < 10; i++) reg = (reg << 8) | (ksn[i] & 0xFF);
        reg &= ~(long) COUNTER_MASK;
        byte[] key = ipek.clone();
        byte[] r = new byte[8];
        for (int bit = 1 << 20; bit != 0; bit >>>= 1) {
            if ((counter & bit) != 0) {
                reg |= bit;
                for (int i = 7, s = 0; i >= 0; i--, s += 8) r[i] = (byte) (reg >>> s);
                byte[] next = nonReversibleKeyGeneration(key, r);
                Ciphers.zero(key);
                key = next;
            }
        }
        return key;
    }

    /**
     * One derivation step: the key for {@code workingCounter} (the KSN's counter bits that are set so
     * far, high to low) from the key of its parent (the same counter without its lowest set bit).
     */
    static byte[] step(byte[] parentKey, byte[] ksn, int workingCounter) {
        long reg = 0;
        for (int i = 2; i < 10; i++) reg = (reg << 8) | (ksn[i] & 0xFF);
        reg = (reg & ~(long) COUNTER_MASK) | workingCounter;
        byte[] r = new byte[8];
        for (int i = 7, s = 0; i >= 0; i--, s += 8) r[i] = (byte) (reg >>> s);
        return nonReversibleKeyGeneration(parentKey, r);
    }

    /** The working key of a usage from a transaction key. */
    public static byte[] workingKey(byte[] transactionKey, DukptUsage usage) {
        byte[] k = transactionKey.clone();
        int idx = switch (usage) {
            case PIN -> 7;
            case MAC_REQUEST -> 6;
            case MAC_RESPONSE -> 4;
            case DATA_REQUEST -> 5;
            case DATA_RESPONSE -> 3;
        };
        k[idx] ^= (byte) 0xFF;
        k[idx + 8] ^= (byte) 0xFF;
        if (usage == DukptUsage.DATA_REQUEST || usage == DukptUsage.DATA_RESPONSE) {
            byte[] out = Ciphers.ecb(KeyAlgorithm.TDES, k, true, k);
            Ciphers.zero(k);
            return out;
        }
        return k;
    }

    /** BDK + KSN to the working key of a usage. */
    public static byte[] derive(byte[] bdk, byte[] ksn, DukptUsage usage) {
        byte[] ipek = ipek(bdk, ksn);
        byte[] tk = transactionKey(ipek, ksn);
        try {
            return workingKey(tk, usage);
        } finally {
            Ciphers.zero(ipek, tk);
        }
    }

    /** X9.24-1 non-reversible key generation process: key register (16 bytes) and crypto register (8 bytes). */
    static byte[] nonReversibleKeyGeneration(byte[] key, byte[] reg) {
        byte[] out = new byte[16];
        byte[] right = new byte[8];
        // right half: DES-E(KL, reg ^ KR) ^ KR
        System.arraycopy(reg, 0, right, 0, 8);
        Ciphers.xor(right, 0, key, 8, 8);
        des(key, 0).processBlock(right, 0, right, 0);
        Ciphers.xor(right, 0, key, 8, 8);
        // left half: same with the key XOR C0C0C0C000000000C0C0C0C000000000
        byte[] k2 = key.clone();
        Ciphers.xor(k2, 0, KEY_MASK, 0, 16);
        byte[] left = new byte[8];
        System.arraycopy(reg, 0, left, 0, 8);
        Ciphers.xor(left, 0, k2, 8, 8);
        des(k2, 0).processBlock(left, 0, left, 0);
        Ciphers.xor(left, 0, k2, 8, 8);
        System.arraycopy(left, 0, out, 0, 8);
        System.arraycopy(right, 0, out, 8, 8);
        Ciphers.zero(k2, left, right);
        return out;
    }

    private static BlockCipher des(byte[] key, int off) {
        return Ciphers.engine(KeyAlgorithm.TDES, java.util.Arrays.copyOfRange(key, off, off + 8), true);
    }

    static void checkKsn(byte[] ksn) {
        if (ksn == null || ksn.length != 10) {
            throw new IllegalArgumentException("TDES DUKPT KSN must be 10 bytes (20 hex)");
        }
    }
}
