package io.switchgate.security;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Key check values, 6 uppercase hex characters unless stated.
 *
 * <ul>
 *   <li>{@link #tdes}: leftmost 3 bytes of TDES-ECB(K, 00&times;8) (DES for an 8-byte key). The
 *       universal TDES convention (ANSI X9.24-1, payShield, jPOS).</li>
 *   <li>{@link #aes}: leftmost 3 bytes of AES-CMAC(K, 00&times;16): the CMAC method of ANSI X9.24-3
 *       (AWS Payment Cryptography's KeyCheckValueAlgorithm {@code CMAC}). This is the module's AES KCV.</li>
 *   <li>{@link #aesCmac5}: the same CMAC, 5 bytes (10 hex), for systems that show 10 digits.</li>
 *   <li>{@link #aesLegacyEncryptZeros}: leftmost 3 bytes of AES-ECB(K, 00&times;16), an older method some
 *       systems still print. It differs from {@link #aes} for the same key: always say which one.</li>
 * </ul>
 */
public final class Kcv {
    private Kcv() {}

    /** TDES KCV: leftmost 3 bytes of the encryption of 8 zero bytes. */
    public static String tdes(byte[] key) {
        byte[] out = Ciphers.ecb(KeyAlgorithm.TDES, key, true, new byte[8]);
        return Hex.encode(out, 0, 3);
    }

    /** AES KCV per ANSI X9.24-3: leftmost 3 bytes of AES-CMAC(K, 00&times;16). */
    public static String aes(byte[] key) {
        return Hex.encode(aesCmac(key), 0, 3);
    }

    /** AES KCV, CMAC method, 5 bytes (10 hex). */
    public static String aesCmac5(byte[] key) {
        return Hex.encode(aesCmac(key), 0, 5);
    }

    /** Legacy AES KCV: leftmost 3 bytes of AES-ECB(K, 00&times;16). */
    public static String aesLegacyEncryptZeros(byte[] key) {
        byte[] out = Ciphers.ecb(KeyAlgorithm.AES, key, true, new byte[16]);
        return Hex.encode(out, 0, 3);
    }

    /** The module's KCV for a key of the given algorithm ({@link #tdes} or {@link #aes}). */
    public static String of(KeyAlgorithm alg, byte[] key) {
        return alg == KeyAlgorithm.AES ? aes(key) : tdes(key);
    }

    private static byte[] aesCmac(byte[] key) {
        KeyAlgorithm.AES.checkLength(key.length);
        CMac mac = new CMac(AESEngine.newInstance(), 128);
        mac.init(new KeyParameter(key));
        mac.update(new byte[16], 0, 16);
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return out;
    }
}
