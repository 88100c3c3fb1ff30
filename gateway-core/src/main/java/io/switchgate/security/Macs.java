package io.switchgate.security;

import org.bouncycastle.crypto.Mac;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.macs.CBCBlockCipherMac;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.paddings.ISO7816d4Padding;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Pure MAC helpers over clear keys, for tests, terminal simulators and the load generator. The
 * engine goes through {@link SecurityModule} instead.
 */
public final class Macs {
    private Macs() {}

    /** A BouncyCastle {@link Mac} for the algorithm, keyed with the clear key (which is not kept by reference). */
    public static Mac create(MacAlgorithm alg, byte[] key) {
        alg.keyAlgorithm().checkLength(key.length);
        Mac mac = switch (alg) {
            case X919_RETAIL_PAD1 -> new X919Mac(null);
            case X919_RETAIL_PAD2 -> new X919Mac(new ISO7816d4Padding());
            case ISO9797_ALG1_PAD1 -> new CBCBlockCipherMac(key.length == 8 ? new DESEngine() : new DESedeEngine(), 64, null);
            case ISO9797_ALG1_PAD2 -> new CBCBlockCipherMac(key.length == 8 ? new DESEngine() : new DESedeEngine(), 64, new ISO7816d4Padding());
            case TDES_CMAC -> new CMac(new DESedeEngine(), 64);
            case AES_CMAC -> new CMac(AESEngine.newInstance(), 128);
        };
        mac.init(new KeyParameter(key));
        return mac;
    }

    /** Computes a MAC over data[off, off+len) with a clear key. */
    public static byte[] compute(MacAlgorithm alg, byte[] key, byte[] data, int off, int len) {
        Mac mac = create(alg, key);
        mac.update(data, off, len);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    public static byte[] compute(MacAlgorithm alg, byte[] key, byte[] data) {
        return compute(alg, key, data, 0, data.length);
    }

    /**
     * Length of the message after ISO 9797-1 padding as the algorithm applies it: method 1 pads to a
     * positive multiple of 8 (an empty message is one zero block); method 2 always adds 0x80 and zeros.
     * CMAC: the message rounded up to whole blocks, at least one.
     */
    public static int paddedLength(MacAlgorithm alg, int messageLength) {
        int bs = alg.keyAlgorithm().blockSize();
        return switch (alg) {
            case X919_RETAIL_PAD2, ISO9797_ALG1_PAD2 -> (messageLength / bs + 1) * bs;
            default -> messageLength == 0 ? bs : ((messageLength + bs - 1) / bs) * bs;
        };
    }
}
