package io.switchgate.security;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.params.KeyParameter;

/** BouncyCastle block-cipher plumbing shared by the module and the pure helpers. Package-private. */
final class Ciphers {
    private Ciphers() {}

    /** A BouncyCastle engine keyed for one direction: DES for an 8-byte TDES key, DESede for 16/24, AES. */
    static BlockCipher engine(KeyAlgorithm alg, byte[] key, boolean encrypt) {
        alg.checkLength(key.length);
        BlockCipher e;
        if (alg == KeyAlgorithm.AES) {
            e = AESEngine.newInstance();
        } else if (key.length == 8) {
            e = new DESEngine();
        } else {
            e = new DESedeEngine();
        }
        e.init(encrypt, new KeyParameter(key));
        return e;
    }

    /** ECB over whole blocks, in place into a new array. */
    static byte[] ecb(BlockCipher engine, byte[] data) {
        int bs = engine.getBlockSize();
        if (data.length % bs != 0) {
            throw new IllegalArgumentException("data is not a whole number of " + bs + "-byte blocks");
        }
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i += bs) {
            engine.processBlock(data, i, out, i);
        }
        return out;
    }

    static byte[] ecb(KeyAlgorithm alg, byte[] key, boolean encrypt, byte[] data) {
        return ecb(engine(alg, key, encrypt), data);
    }

    static void xor(byte[] a, int aOff, byte[] b, int bOff, int len) {
        for (int i = 0; i < len; i++) {
            a[aOff + i] ^= b[bOff + i];
        }
    }

    static void zero(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) java.util.Arrays.fill(a, (byte) 0);
        }
    }
}
