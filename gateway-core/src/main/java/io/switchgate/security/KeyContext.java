package io.switchgate.security;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.Mac;

/**
 * The software module's per-key working state: the clear key (never printed) and small pools of
 * pre-keyed BouncyCastle engines, so the hot path (MAC, PIN translation) neither unwraps the key nor
 * rebuilds key schedules. Each pool is one slot: a thread takes the instance (or builds one if another
 * thread holds it) and puts it back afterwards; no locks, no ThreadLocal per key.
 */
final class KeyContext {
    final SoftwareSecurityModule owner;
    final KeyAlgorithm algorithm;
    private final byte[] key;
    private final AtomicReferenceArray<Mac> macs = new AtomicReferenceArray<>(MacAlgorithm.values().length);
    private final AtomicReference<BlockCipher> encrypt = new AtomicReference<>();
    private final AtomicReference<BlockCipher> decrypt = new AtomicReference<>();

    KeyContext(SoftwareSecurityModule owner, KeyAlgorithm algorithm, byte[] clearKey) {
        this.owner = owner;
        this.algorithm = algorithm;
        this.key = clearKey.clone();
    }

    /** A copy of the clear key; the caller zeroes it. */
    byte[] keyCopy() { return key.clone(); }

    int keyLength() { return key.length; }

    /** The module's KCV of this key. */
    String kcv() { return Kcv.of(algorithm, key); }

    private volatile DukptCache dukpt;

    /** The DUKPT transaction-key cache of this BDK (created on first use). */
    DukptCache dukptCache() {
        DukptCache c = dukpt;
        if (c == null) {
            synchronized (this) {
                c = dukpt;
                if (c == null) {
                    c = new DukptCache(algorithm, key);
                    dukpt = c;
                }
            }
        }
        return c;
    }

    Mac takeMac(MacAlgorithm alg) {
        Mac m = macs.getAndSet(alg.ordinal(), null);
        return m != null ? m : Macs.create(alg, key);
    }

    void giveMac(MacAlgorithm alg, Mac m) { macs.lazySet(alg.ordinal(), m); }

    BlockCipher takeCipher(boolean forEncryption) {
        BlockCipher c = (forEncryption ? encrypt : decrypt).getAndSet(null);
        return c != null ? c : Ciphers.engine(algorithm, key, forEncryption);
    }

    void giveCipher(boolean forEncryption, BlockCipher c) { (forEncryption ? encrypt : decrypt).lazySet(c); }

    @Override
    public String toString() { return "KeyContext[" + algorithm + ", redacted]"; }
}
