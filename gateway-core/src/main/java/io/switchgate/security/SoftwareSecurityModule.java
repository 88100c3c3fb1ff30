package io.switchgate.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.Mac;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC3394WrapEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.DESParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.Arrays;

/**
 * A software security module on BouncyCastle's lightweight engines.
 *
 * <p>Key hierarchy: one master key (like an HSM's LMK), given at start-up ({@code security.masterKey}).
 * Every other key exists outside the module only as a {@link KeyHandle}: the key encrypted under the
 * master key (TDES-ECB under a TDES master, RFC 3394 AES key wrap under an AES master) with its KCV.
 * PINs at rest ({@link #encryptPinForStorage}) are under a separate AES-128 key derived from the master
 * key with HMAC-SHA256 (label {@code switchgate/pin-storage/v1}), so no key-import/export sequence can
 * produce the PIN storage key's value.
 *
 * <p>Roles are enforced: MACs only with TAK/ZAK, PIN blocks only with TPK/ZPK, wrapping only with
 * TMK/ZMK/KEK, DUKPT only from a BDK. Thread-safe.
 */
public final class SoftwareSecurityModule implements SecurityModule {
    private static final byte[] PIN_STORAGE_LABEL = "switchgate/pin-storage/v1".getBytes(StandardCharsets.US_ASCII);

    private final KeyAlgorithm masterAlgorithm;
    private final byte[] master;
    private final byte[] pinStorageKey;
    private final SecureRandom random = new SecureRandom();
    private final Object masterLock = new Object();
    private final BlockCipher masterEncrypt;
    private final BlockCipher masterDecrypt;

    /** 16 or 24 bytes: TDES master; 32 bytes: AES-256 master. */
    public SoftwareSecurityModule(byte[] masterKey) {
        this(masterKey.length == 32 ? KeyAlgorithm.AES : KeyAlgorithm.TDES, masterKey);
    }

    public SoftwareSecurityModule(KeyAlgorithm algorithm, byte[] masterKey) {
        Objects.requireNonNull(masterKey, "masterKey");
        algorithm.checkLength(masterKey.length);
        if (algorithm == KeyAlgorithm.TDES && masterKey.length == 8) {
            throw new IllegalArgumentException("a TDES master key must be double or triple length");
        }
        this.masterAlgorithm = algorithm;
        this.master = masterKey.clone();
        if (algorithm == KeyAlgorithm.TDES) {
            masterEncrypt = Ciphers.engine(algorithm, master, true);
            masterDecrypt = Ciphers.engine(algorithm, master, false);
        } else {
            masterEncrypt = null;
            masterDecrypt = null;
        }
        HMac hmac = new HMac(new SHA256Digest());
        hmac.init(new KeyParameter(master));
        hmac.update(PIN_STORAGE_LABEL, 0, PIN_STORAGE_LABEL.length);
        byte[] h = new byte[32];
        hmac.doFinal(h, 0);
        this.pinStorageKey = java.util.Arrays.copyOf(h, 16);
        Ciphers.zero(h);
    }

    /**
     * From hex: 32 or 48 hex digits = TDES double/triple length, 64 = AES-256. Prefix {@code aes:}
     * or {@code tdes:} to choose explicitly (e.g. {@code aes:<32 hex>} for AES-128).
     */
    public static SoftwareSecurityModule fromHex(String masterKeyHex) {
        Objects.requireNonNull(masterKeyHex, "masterKey");
        String s = masterKeyHex.trim();
        KeyAlgorithm alg = null;
        if (s.regionMatches(true, 0, "aes:", 0, 4)) {
            alg = KeyAlgorithm.AES;
            s = s.substring(4);
        } else if (s.regionMatches(true, 0, "tdes:", 0, 5)) {
            alg = KeyAlgorithm.TDES;
            s = s.substring(5);
        }
        if (!Hex.isHex(s)) {
            throw new IllegalArgumentException("master key must be hex digits");
        }
        if (alg == null) {
            if (s.length() == 32 || s.length() == 48) {
                alg = KeyAlgorithm.TDES;
            } else if (s.length() == 64) {
                alg = KeyAlgorithm.AES;
            } else {
                throw new IllegalArgumentException("master key must be 32 or 48 hex digits (TDES) or 64 (AES-256); prefix aes: for AES-128/192");
            }
        }
        byte[] k = Hex.decode(s);
        try {
            return new SoftwareSecurityModule(alg, k);
        } finally {
            Ciphers.zero(k);
        }
    }

    /** The master key's algorithm. */
    public KeyAlgorithm masterAlgorithm() { return masterAlgorithm; }

    /** KCV of the master key, for start-up logs (identifies the key, reveals nothing). */
    public String masterKcv() { return Kcv.of(masterAlgorithm, master); }

    @Override
    public String toString() { return "SoftwareSecurityModule[master " + masterAlgorithm + " kcv=" + masterKcv() + "]"; }

    // ------------------------------------------------------------------ key management

    @Override
    public KeyHandle generateKey(KeyType type, KeyAlgorithm alg) {
        return generateKey(type, alg, 16);
    }

    /** A fresh random key of the given length (TDES: 16 or 24, odd parity, no weak halves; AES: 16, 24, 32). */
    public KeyHandle generateKey(KeyType type, KeyAlgorithm alg, int length) {
        Objects.requireNonNull(type, "type");
        alg.checkLength(length);
        byte[] k = new byte[length];
        try {
            if (alg == KeyAlgorithm.TDES) {
                if (length == 8) throw new IllegalArgumentException("single-length DES keys are not generated");
                do {
                    random.nextBytes(k);
                    DESParameters.setOddParity(k);
                } while (!goodTdes(k));
            } else {
                random.nextBytes(k);
            }
            return newHandle(type, alg, k);
        } finally {
            Ciphers.zero(k);
        }
    }

    private static boolean goodTdes(byte[] k) {
        for (int off = 0; off < k.length; off += 8) {
            if (DESParameters.isWeakKey(k, off)) return false;
            for (int other = 0; other < off; other += 8) {
                if (java.util.Arrays.equals(k, off, off + 8, k, other, other + 8)) return false;
            }
        }
        return true;
    }

    @Override
    public KeyHandle importClear(KeyType type, byte[] clearKey) {
        Objects.requireNonNull(clearKey, "clearKey");
        KeyAlgorithm alg = switch (clearKey.length) {
            case 8, 16, 24 -> KeyAlgorithm.TDES;
            case 32 -> KeyAlgorithm.AES;
            default -> throw new IllegalArgumentException(type + " key must be 16, 24 or 32 bytes, not " + clearKey.length);
        };
        return importClear(type, alg, clearKey);
    }

    @Override
    public KeyHandle importClear(KeyType type, KeyAlgorithm alg, byte[] clearKey) {
        Objects.requireNonNull(type, "type");
        alg.checkLength(clearKey.length);
        return newHandle(type, alg, clearKey);
    }

    @Override
    public KeyHandle importStored(KeyType type, String storedForm) {
        Objects.requireNonNull(type, "type");
        if (storedForm == null || storedForm.length() < 12 || !storedForm.regionMatches(true, 0, "kcv:", 0, 4)
                || storedForm.charAt(10) != ':') {
            throw new KeyCheckException(type, "stored " + type + " key is not of the form kcv:XXXXXX:<hex under master key>");
        }
        String kcv = storedForm.substring(4, 10).toUpperCase(java.util.Locale.ROOT);
        String hex = storedForm.substring(11);
        if (!Hex.isHex(kcv) || !Hex.isHex(hex)) {
            throw new KeyCheckException(type, "stored " + type + " key is not of the form kcv:XXXXXX:<hex under master key>");
        }
        byte[] enc = Hex.decode(hex);
        byte[] clear = null;
        try {
            clear = unwrap(enc);
            KeyAlgorithm alg = null;
            int n = clear.length;
            if ((n == 8 || n == 16 || n == 24) && Kcv.tdes(clear).equals(kcv)) {
                alg = KeyAlgorithm.TDES;
            } else if ((n == 16 || n == 24 || n == 32) && Kcv.aes(clear).equals(kcv)) {
                alg = KeyAlgorithm.AES;
            }
            if (alg == null) {
                throw new KeyCheckException(type, "stored " + type + " key fails its check value (wrong master key, or a corrupted value)");
            }
            KeyHandle h = new KeyHandle(type, alg, n, kcv, enc);
            h.context = new KeyContext(this, alg, clear);
            return h;
        } catch (KeyCheckException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KeyCheckException(type, "stored " + type + " key does not decrypt under the master key");
        } finally {
            Ciphers.zero(clear);
        }
    }

    @Override
    public KeyHandle importUnderKek(KeyHandle kek, KeyType type, byte[] encrypted, String expectedKcv) {
        return importUnderKek(kek, type, KeyAlgorithm.TDES, encrypted, expectedKcv);
    }

    @Override
    public KeyHandle importUnderKek(KeyHandle kek, KeyType type, KeyAlgorithm alg, byte[] encrypted, String expectedKcv) {
        requireKek(kek);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(expectedKcv, "expectedKcv");
        KeyContext kc = ctx(kek);
        byte[] clear = null;
        try {
            if (kc.algorithm == KeyAlgorithm.TDES) {
                BlockCipher d = kc.takeCipher(false);
                clear = Ciphers.ecb(d, encrypted);
                kc.giveCipher(false, d);
            } else {
                byte[] kekClear = kc.keyCopy();
                try {
                    RFC3394WrapEngine w = new RFC3394WrapEngine(AESEngine.newInstance());
                    w.init(false, new KeyParameter(kekClear));
                    clear = w.unwrap(encrypted, 0, encrypted.length);
                } catch (InvalidCipherTextException e) {
                    throw new KeyCheckException(type, type + " received under " + kek.type() + " fails the key wrap integrity check");
                } finally {
                    Ciphers.zero(kekClear);
                }
            }
            try {
                alg.checkLength(clear.length);
            } catch (IllegalArgumentException e) {
                throw new KeyCheckException(type, type + " received under " + kek.type() + " has a wrong length for " + alg);
            }
            if (!Kcv.of(alg, clear).equalsIgnoreCase(expectedKcv)) {
                throw new KeyCheckException(type, type + " received under " + kek.type() + " fails its check value");
            }
            return newHandle(type, alg, clear);
        } finally {
            Ciphers.zero(clear);
        }
    }

    @Override
    public ExportedKey exportUnderKek(KeyHandle kek, KeyHandle key) {
        requireKek(kek);
        KeyContext kc = ctx(kek);
        KeyContext k = ctx(key);
        byte[] clear = k.keyCopy();
        try {
            byte[] enc;
            if (kc.algorithm == KeyAlgorithm.TDES) {
                BlockCipher e = kc.takeCipher(true);
                enc = Ciphers.ecb(e, clear);
                kc.giveCipher(true, e);
            } else {
                byte[] kekClear = kc.keyCopy();
                try {
                    RFC3394WrapEngine w = new RFC3394WrapEngine(AESEngine.newInstance());
                    w.init(true, new KeyParameter(kekClear));
                    enc = w.wrap(clear, 0, clear.length);
                } finally {
                    Ciphers.zero(kekClear);
                }
            }
            return new ExportedKey(enc, key.kcv());
        } finally {
            Ciphers.zero(clear);
        }
    }

    @Override
    public String kcv(KeyHandle key) {
        byte[] clear = ctx(key).keyCopy();
        try {
            return Kcv.of(key.algorithm(), clear);
        } finally {
            Ciphers.zero(clear);
        }
    }

    // ------------------------------------------------------------------ MAC

    @Override
    public byte[] generateMac(KeyHandle tak, MacAlgorithm alg, byte[] data, int off, int len) {
        byte[] out = new byte[alg.macLength()];
        mac(tak, alg, data, off, len, out);
        return out;
    }

    private void mac(KeyHandle tak, MacAlgorithm alg, byte[] data, int off, int len, byte[] out) {
        requireMacKey(tak, alg);
        Objects.checkFromIndexSize(off, len, data.length);
        KeyContext kc = ctx(tak);
        Mac m = kc.takeMac(alg);
        m.update(data, off, len);
        m.doFinal(out, 0);
        kc.giveMac(alg, m);
    }

    @Override
    public boolean verifyMac(KeyHandle tak, MacAlgorithm alg, byte[] data, int off, int len, byte[] mac, int macOff, int macLen) {
        if (mac == null || macLen < 4 || macLen > alg.macLength() || macOff < 0 || macOff + macLen > mac.length) {
            requireMacKey(tak, alg);
            return false;
        }
        byte[] computed = new byte[alg.macLength()];
        mac(tak, alg, data, off, len, computed);
        boolean ok = Arrays.constantTimeAreEqual(macLen, computed, 0, mac, macOff);
        Ciphers.zero(computed);
        return ok;
    }

    // ------------------------------------------------------------------ PIN

    @Override
    public byte[] translatePin(KeyHandle from, PinFormat fromFmt, byte[] pinBlock, String pan, KeyHandle to, PinFormat toFmt) {
        requirePinKey(from, fromFmt);
        requirePinKey(to, toFmt);
        byte[] digits = decryptPinDigits(from, fromFmt, pinBlock, pan);
        try {
            return encryptDigits(to, toFmt, digits, pan);
        } finally {
            Ciphers.zero(digits);
        }
    }

    @Override
    public byte[] encryptPinForStorage(String clearPin) {
        byte[] d = PinBlocks.digits(clearPin);
        byte[] field = null;
        try {
            byte[] r = new byte[8];
            random.nextBytes(r);
            field = PinBlocks.build(PinFormat.ISO4, d, null, null, r);
            return Ciphers.ecb(KeyAlgorithm.AES, pinStorageKey, true, field);
        } finally {
            Ciphers.zero(d, field);
        }
    }

    @Override
    public boolean verifyPin(KeyHandle pinKey, PinFormat fmt, byte[] pinBlock, String pan, byte[] storedPin) {
        requirePinKey(pinKey, fmt);
        if (storedPin == null || storedPin.length != 16) {
            throw new SecurityModuleException("stored PIN must be 16 bytes (from encryptPinForStorage)");
        }
        byte[] entered = decryptPinDigits(pinKey, fmt, pinBlock, pan);
        byte[] field = Ciphers.ecb(KeyAlgorithm.AES, pinStorageKey, false, storedPin);
        byte[] stored = null;
        try {
            try {
                stored = PinBlocks.extractDigits(PinFormat.ISO4, field, null);
            } catch (PinBlockException e) {
                throw new SecurityModuleException("stored PIN does not decrypt under this master key");
            }
            return Arrays.constantTimeAreEqual(entered, stored);
        } finally {
            Ciphers.zero(entered, field, stored);
        }
    }

    @Override
    public byte[] encryptPinBlock(KeyHandle pinKey, PinFormat fmt, String clearPin, String pan) {
        requirePinKey(pinKey, fmt);
        byte[] d = PinBlocks.digits(clearPin);
        try {
            return encryptDigits(pinKey, fmt, d, pan);
        } finally {
            Ciphers.zero(d);
        }
    }

    private byte[] decryptPinDigits(KeyHandle key, PinFormat fmt, byte[] pinBlock, String pan) {
        if (fmt.usesPan()) PinBlocks.checkPan(pan);
        KeyContext kc = ctx(key);
        BlockCipher d = kc.takeCipher(false);
        byte[] clear = PinBlocks.decipher(fmt, d, pinBlock, pan);
        kc.giveCipher(false, d);
        try {
            return PinBlocks.extractDigits(fmt, clear, pan);
        } finally {
            Ciphers.zero(clear);
        }
    }

    private byte[] encryptDigits(KeyHandle key, PinFormat fmt, byte[] digits, String pan) {
        if (fmt.usesPan()) PinBlocks.checkPan(pan);
        byte[] clear = PinBlocks.buildRandom(fmt, digits, pan, random);
        try {
            KeyContext kc = ctx(key);
            BlockCipher e = kc.takeCipher(true);
            byte[] out = PinBlocks.encipher(fmt, e, clear, pan);
            kc.giveCipher(true, e);
            return out;
        } finally {
            Ciphers.zero(clear);
        }
    }

    // ------------------------------------------------------------------ DUKPT

    @Override
    public KeyHandle deriveDukptKey(KeyHandle bdk, byte[] ksn, DukptUsage usage) {
        Objects.requireNonNull(bdk, "bdk");
        if (bdk.type() != KeyType.BDK) {
            throw new KeyUsageException("DUKPT keys are derived from a BDK, not a " + bdk.type());
        }
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(ksn, "ksn");
        KeyContext kc = ctx(bdk);
        byte[] tk = null;
        byte[] derived = null;
        try {
            tk = kc.dukptCache().transactionKey(ksn);
            derived = bdk.algorithm() == KeyAlgorithm.TDES
                    ? DukptTdes.workingKey(tk, usage)
                    : DukptAes.workingKey(tk, ksn, usage, kc.keyLength());
            // a derived key is used once and rarely shown: its KCV is computed only if asked for
            KeyHandle h = new KeyHandle(usage.keyType(), bdk.algorithm(), derived.length, null, wrap(derived));
            h.context = new KeyContext(this, bdk.algorithm(), derived);
            return h;
        } finally {
            Ciphers.zero(tk, derived);
        }
    }

    // ------------------------------------------------------------------ internals

    private KeyHandle newHandle(KeyType type, KeyAlgorithm alg, byte[] clear) {
        KeyHandle h = new KeyHandle(type, alg, clear.length, Kcv.of(alg, clear), wrap(clear));
        h.context = new KeyContext(this, alg, clear);
        return h;
    }

    /** The handle's working context, built (and its KCV checked) on first use by this module. */
    KeyContext ctx(KeyHandle h) {
        Objects.requireNonNull(h, "key");
        Object c = h.context;
        if (c instanceof KeyContext kc && kc.owner == this) {
            return kc;
        }
        byte[] clear = null;
        try {
            clear = unwrap(h.encryptedBytes());
            if (clear.length != h.keyLength() || !Kcv.of(h.algorithm(), clear).equals(h.kcv())) {
                throw new KeyCheckException(h.type(), h.type() + " key does not match its check value under this module's master key");
            }
            KeyContext kc = new KeyContext(this, h.algorithm(), clear);
            h.context = kc;
            return kc;
        } catch (KeyCheckException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KeyCheckException(h.type(), h.type() + " key does not decrypt under this module's master key");
        } finally {
            Ciphers.zero(clear);
        }
    }

    private byte[] wrap(byte[] clear) {
        if (masterAlgorithm == KeyAlgorithm.TDES) {
            synchronized (masterLock) {
                return Ciphers.ecb(masterEncrypt, clear);
            }
        }
        RFC3394WrapEngine w = new RFC3394WrapEngine(AESEngine.newInstance());
        w.init(true, new KeyParameter(master));
        return w.wrap(clear, 0, clear.length);
    }

    private byte[] unwrap(byte[] enc) {
        if (masterAlgorithm == KeyAlgorithm.TDES) {
            synchronized (masterLock) {
                return Ciphers.ecb(masterDecrypt, enc);
            }
        }
        RFC3394WrapEngine w = new RFC3394WrapEngine(AESEngine.newInstance());
        w.init(false, new KeyParameter(master));
        try {
            return w.unwrap(enc, 0, enc.length);
        } catch (InvalidCipherTextException e) {
            throw new SecurityModuleException("key wrap integrity check failed");
        }
    }

    private static void requireKek(KeyHandle kek) {
        Objects.requireNonNull(kek, "kek");
        if (!kek.type().isKeyEncryptionKey()) {
            throw new KeyUsageException("keys are wrapped with a TMK, ZMK or KEK, not a " + kek.type());
        }
    }

    private static void requireMacKey(KeyHandle k, MacAlgorithm alg) {
        Objects.requireNonNull(k, "key");
        if (!k.type().isMacKey()) {
            throw new KeyUsageException("MACs need a TAK or ZAK, not a " + k.type());
        }
        if (k.algorithm() != alg.keyAlgorithm()) {
            throw new KeyUsageException(alg + " needs a " + alg.keyAlgorithm() + " key, not " + k.algorithm());
        }
    }

    private static void requirePinKey(KeyHandle k, PinFormat fmt) {
        Objects.requireNonNull(k, "key");
        Objects.requireNonNull(fmt, "format");
        if (!k.type().isPinKey()) {
            throw new KeyUsageException("PIN blocks need a TPK or ZPK, not a " + k.type());
        }
        if (k.algorithm() != fmt.keyAlgorithm() || (fmt != PinFormat.ISO4 && k.keyLength() == 8)) {
            throw new KeyUsageException("PIN block " + fmt + " needs a " + fmt.keyAlgorithm() + " key, not " + k.algorithm());
        }
    }
}
