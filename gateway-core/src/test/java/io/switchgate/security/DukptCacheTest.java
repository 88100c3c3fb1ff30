package io.switchgate.security;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The module's cached DUKPT derivation gives exactly the uncached keys, in any counter order. */
class DukptCacheTest {
    private static final SoftwareSecurityModule SM = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");

    @Test
    void tdesSequentialAndRandomCountersMatchTheUncachedDerivation() {
        Random r = new Random(11);
        byte[] bdk = new byte[16];
        r.nextBytes(bdk);
        KeyHandle h = SM.importClear(KeyType.BDK, bdk);
        byte[][] devices = new byte[3][10];
        for (byte[] d : devices) r.nextBytes(d);
        for (int i = 0; i < 1500; i++) {
            byte[] ksn = devices[r.nextInt(devices.length)].clone();
            int counter = i < 600 ? i + 1 : r.nextInt(1 << 21);
            ksn[7] = (byte) ((ksn[7] & 0xE0) | (counter >>> 16));
            ksn[8] = (byte) (counter >>> 8);
            ksn[9] = (byte) counter;
            DukptUsage usage = DukptUsage.values()[r.nextInt(5)];
            KeyHandle derived = SM.deriveDukptKey(h, ksn, usage);
            assertEquals(Kcv.tdes(DukptTdes.derive(bdk, ksn, usage)), derived.kcv(), Hex.encode(ksn));
            assertEquals(usage.keyType(), derived.type());
        }
    }

    @Test
    void aesSequentialAndRandomCountersMatchTheUncachedDerivation() {
        Random r = new Random(12);
        for (int len : new int[] {16, 32}) {
            byte[] bdk = new byte[len];
            r.nextBytes(bdk);
            KeyHandle h = SM.importClear(KeyType.BDK, KeyAlgorithm.AES, bdk);
            byte[] device = new byte[12];
            r.nextBytes(device);
            for (int i = 0; i < 400; i++) {
                byte[] ksn = device.clone();
                int counter = i < 200 ? i + 1 : r.nextInt();
                ksn[8] = (byte) (counter >>> 24);
                ksn[9] = (byte) (counter >>> 16);
                ksn[10] = (byte) (counter >>> 8);
                ksn[11] = (byte) counter;
                DukptUsage usage = DukptUsage.values()[r.nextInt(5)];
                KeyHandle derived = SM.deriveDukptKey(h, ksn, usage);
                assertEquals(Kcv.aes(DukptAes.derive(bdk, ksn, usage)), derived.kcv(), Hex.encode(ksn));
                assertEquals(len, derived.keyLength());
            }
        }
    }

    @Test
    void derivedHandlesAreStorableAndKeepTheirKcv() {
        KeyHandle bdk = SM.importClear(KeyType.BDK, Hex.decode("0123456789ABCDEFFEDCBA9876543210"));
        KeyHandle pin = SM.deriveDukptKey(bdk, Hex.decode("FFFF9876543210E00001"), DukptUsage.PIN);
        assertEquals(Kcv.tdes(Hex.decode("042666B49184CF5C68DE9628D0397B36")), pin.kcv());
        assertEquals("KeyHandle[TPK TDES kcv=" + pin.kcv() + "]", pin.toString());
        KeyHandle again = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210").importStored(KeyType.TPK, pin.toStoredForm());
        assertEquals(pin, again);
    }
}
