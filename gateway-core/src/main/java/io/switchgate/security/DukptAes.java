package io.switchgate.security;

import org.bouncycastle.crypto.BlockCipher;

/**
 * ANSI X9.24-3-2017 AES DUKPT, host side, over clear keys (pure; the module wraps it).
 *
 * <p>KSN: 12 bytes = initial key ID (8) ‖ 32-bit transaction counter. Every key is derived as
 * AES-ECB(parent, derivation data) per 16-byte block, derivation data =
 * {@code 01 ‖ block counter ‖ key usage (2) ‖ algorithm (2) ‖ length in bits (2) ‖ 8 bytes}:
 * the initial key ID for the initial key (usage 8001), otherwise the last 4 bytes of the initial key
 * ID ‖ the counter. Intermediate keys (usage 8000, one per set counter bit, high to low) and the
 * initial key have the BDK's type. Working keys: see {@link DukptUsage}. Algorithm codes: 0002 AES-128,
 * 0003 AES-192, 0004 AES-256. BDKs of 16, 24 and 32 bytes are supported; working keys default to the
 * BDK's length.
 */
public final class DukptAes {
    private DukptAes() {}

    /** Initial key from the BDK and the 8-byte initial key ID. */
    public static byte[] initialKey(byte[] bdk, byte[] initialKeyId) {
        if (initialKeyId == null || initialKeyId.length != 8) {
            throw new IllegalArgumentException("AES DUKPT initial key ID must be 8 bytes");
        }
        return derive(bdk, 0x8001, bdk.length, initialKeyId);
    }

    /** The transaction (derivation) key for the KSN's counter, from the initial key. */
    public static byte[] transactionKey(byte[] initialKey, byte[] ksn) {
        checkKsn(ksn);
        int counter = counter(ksn);
        byte[] data = new byte[8];
        System.arraycopy(ksn, 4, data, 0, 4);
        int working = 0;
        byte[] key = initialKey.clone();
        for (int bit = 31; bit >= 0; bit--) {
            int mask = 1 << bit;
            if ((counter & mask) != 0) {
                working |= mask;
                putInt(data, 4, working);
                byte[] next = derive(key, 0x8000, key.length, data);
                Ciphers.zero(key);
                key = next;
            }
        }
        return key;
    }

    /** One derivation step (usage 8000): the key for {@code workingCounter} from its parent's key. */
    static byte[] step(byte[] parentKey, byte[] ksn, int workingCounter) {
        byte[] data = new byte[8];
        System.arraycopy(ksn, 4, data, 0, 4);
        putInt(data, 4, workingCounter);
        return derive(parentKey, 0x8000, parentKey.length, data);
    }

    /** A working key from the transaction key, of the given length (16, 24 or 32 bytes). */
    public static byte[] workingKey(byte[] transactionKey, byte[] ksn, DukptUsage usage, int keyLength) {
        checkKsn(ksn);
        byte[] data = java.util.Arrays.copyOfRange(ksn, 4, 12);
        return derive(transactionKey, usageCode(usage), keyLength, data);
    }

    /** BDK + KSN to a working key of the BDK's length. */
    public static byte[] derive(byte[] bdk, byte[] ksn, DukptUsage usage) {
        checkKsn(ksn);
        byte[] ik = initialKey(bdk, java.util.Arrays.copyOf(ksn, 8));
        byte[] tk = transactionKey(ik, ksn);
        try {
            return workingKey(tk, ksn, usage, bdk.length);
        } finally {
            Ciphers.zero(ik, tk);
        }
    }

    /** The X9.24-3 key usage indicator for a usage. */
    public static int usageCode(DukptUsage usage) {
        return switch (usage) {
            case PIN -> 0x1000;
            case MAC_REQUEST -> 0x2000;
            case MAC_RESPONSE -> 0x2001;
            case DATA_REQUEST -> 0x3000;
            case DATA_RESPONSE -> 0x3001;
        };
    }

    public static int counter(byte[] ksn) {
        checkKsn(ksn);
        return ((ksn[8] & 0xFF) << 24) | ((ksn[9] & 0xFF) << 16) | ((ksn[10] & 0xFF) << 8) | (ksn[11] & 0xFF);
    }

    /** The derivation function: AES-ECB(parent, derivation data) per block, truncated to keyLength bytes. */
    static byte[] derive(byte[] parent, int usage, int keyLength, byte[] data8) {
        KeyAlgorithm.AES.checkLength(keyLength);
        int alg = switch (keyLength) { case 16 -> 2; case 24 -> 3; default -> 4; };
        int bits = keyLength * 8;
        BlockCipher aes = Ciphers.engine(KeyAlgorithm.AES, parent, true);
        byte[] out = new byte[((keyLength + 15) / 16) * 16];
        byte[] dd = new byte[16];
        dd[0] = 0x01;
        dd[2] = (byte) (usage >>> 8);
        dd[3] = (byte) usage;
        dd[4] = (byte) (alg >>> 8);
        dd[5] = (byte) alg;
        dd[6] = (byte) (bits >>> 8);
        dd[7] = (byte) bits;
        System.arraycopy(data8, 0, dd, 8, 8);
        for (int block = 0; block * 16 < keyLength; block++) {
            dd[1] = (byte) (block + 1);
            aes.processBlock(dd, 0, out, block * 16);
        }
        if (out.length == keyLength) return out;
        byte[] k = java.util.Arrays.copyOf(out, keyLength);
        Ciphers.zero(out);
        return k;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void checkKsn(byte[] ksn) {
        if (ksn == null || ksn.length != 12) {
            throw new IllegalArgumentException("AES DUKPT KSN must be 12 bytes (24 hex)");
        }
    }
}
