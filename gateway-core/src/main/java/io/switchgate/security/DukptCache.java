package io.switchgate.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Host-side DUKPT transaction-key cache for one BDK, the way host DUKPT implementations avoid
 * re-deriving every key from the BDK: per device (KSN with the counter cleared) it keeps the initial key
 * and the most recent transaction keys by counter. The key for counter c is derived from its nearest
 * cached ancestor (c with its lowest set bits cleared; the initial key is the root), so consecutive
 * counters usually cost one derivation step instead of the initial key plus one step per set bit.
 * Results are identical to the uncached derivation (tests compare them on random KSNs).
 *
 * <p>Bounded: {@value #DEVICES} devices, {@value #KEYS_PER_DEVICE} keys each; evicted keys are zeroed.
 * The cache holds clear key material in memory, like the rest of the software module's contexts.
 */
final class DukptCache {
    static final int DEVICES = 4096;
    static final int KEYS_PER_DEVICE = 16;

    private final KeyAlgorithm algorithm;
    private final byte[] bdk;
    private final Map<String, Device> devices = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Device> e) {
            if (size() > DEVICES) {
                e.getValue().clear();
                return true;
            }
            return false;
        }
    };

    DukptCache(KeyAlgorithm algorithm, byte[] bdk) {
        this.algorithm = algorithm;
        this.bdk = bdk.clone();
    }

    /** The transaction key for the KSN (a fresh copy; the caller zeroes it). */
    byte[] transactionKey(byte[] ksn) {
        boolean tdes = algorithm == KeyAlgorithm.TDES;
        if (tdes) DukptTdes.checkKsn(ksn); else DukptAes.checkKsn(ksn);
        int counter = tdes ? DukptTdes.counter(ksn) : DukptAes.counter(ksn);
        String deviceId = deviceId(ksn, tdes);
        Device d;
        synchronized (devices) {
            d = devices.get(deviceId);
            if (d == null) {
                d = new Device();
                devices.put(deviceId, d);
            }
        }
        synchronized (d) {
            if (d.initialKey == null) {
                d.initialKey = tdes ? DukptTdes.ipek(bdk, ksn) : DukptAes.initialKey(bdk, java.util.Arrays.copyOf(ksn, 8));
            }
            // nearest cached ancestor
            int ancestor = counter;
            byte[] key = null;
            while (true) {
                key = ancestor == 0 ? d.initialKey : d.keys.get(ancestor);
                if (key != null || ancestor == 0) break;
                ancestor &= ancestor - 1;
            }
            key = key.clone();
            int working = ancestor;
            int remaining = counter & ~ancestor;
            while (remaining != 0) {
                int bit = Integer.highestOneBit(remaining);
                remaining &= ~bit;
                working |= bit;
                byte[] next = tdes ? DukptTdes.step(key, ksn, working) : DukptAes.step(key, ksn, working);
                Ciphers.zero(key);
                key = next;
                d.put(working, key.clone());
            }
            return key;
        }
    }

    private static String deviceId(byte[] ksn, boolean tdes) {
        if (tdes) {
            byte[] id = ksn.clone();
            id[7] &= (byte) 0xE0;
            id[8] = 0;
            id[9] = 0;
            return Hex.encode(id);
        }
        return Hex.encode(ksn, 0, 8);
    }

    private static final class Device {
        byte[] initialKey;
        final Map<Integer, byte[]> keys = new LinkedHashMap<>(32, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> e) {
                if (size() > KEYS_PER_DEVICE) {
                    Ciphers.zero(e.getValue());
                    return true;
                }
                return false;
            }
        };

        void put(int counter, byte[] key) {
            byte[] old = keys.put(counter, key);
            if (old != null) Ciphers.zero(old);
        }

        synchronized void clear() {
            Ciphers.zero(initialKey);
            keys.values().forEach(Ciphers::zero);
            keys.clear();
        }
    }

    @Override
    public String toString() { return "DukptCache[" + algorithm + ", redacted]"; }
}
