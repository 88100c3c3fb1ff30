package io.switchgate.security;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Garbage in: random PIN blocks, PANs, MACs and stored forms never make the module fail with
 * anything but its documented exceptions, and no message carries the input.
 */
class HostileInputTest {
    private static final SoftwareSecurityModule SM = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");

    @Test
    void randomPinBlocksAreRefusedCleanly() {
        Random r = new Random(7);
        KeyHandle tpk = SM.generateKey(KeyType.TPK, KeyAlgorithm.TDES);
        KeyHandle zpk = SM.generateKey(KeyType.ZPK, KeyAlgorithm.TDES);
        KeyHandle aes = SM.generateKey(KeyType.ZPK, KeyAlgorithm.AES);
        byte[] stored = SM.encryptPinForStorage("1234");
        int malformed = 0;
        for (int i = 0; i < 5000; i++) {
            PinFormat fmt = PinFormat.values()[r.nextInt(4)];
            KeyHandle key = fmt == PinFormat.ISO4 ? aes : tpk;
            byte[] block = new byte[r.nextInt(10) == 0 ? r.nextInt(20) : fmt.blockLength()];
            r.nextBytes(block);
            String pan = PinRoundTripTest.digits(r, 1 + r.nextInt(19));
            try {
                SM.verifyPin(key, fmt, block, pan, stored);
                SM.translatePin(key, fmt, block, pan, fmt == PinFormat.ISO4 ? aes : zpk, fmt);
            } catch (PinBlockException e) {
                malformed++;
                if (pan.length() >= 6) assertFalse(e.getMessage().contains(pan), e.getMessage());
                if (block.length >= 4) assertFalse(e.getMessage().contains(Hex.encode(block)), e.getMessage());
            }
        }
        assertTrue(malformed > 4000, "random blocks are nearly always malformed: " + malformed);
    }

    @Test
    void badPansAreRefusedAsPinBlockErrors() {
        KeyHandle tpk = SM.generateKey(KeyType.TPK, KeyAlgorithm.TDES);
        byte[] block = SM.encryptPinBlock(tpk, PinFormat.ISO0, "1234", "6212345678901232");
        byte[] stored = SM.encryptPinForStorage("1234");
        for (String pan : new String[] {null, "", "621234******1232", "62123456789012345678"}) {
            assertThrows(PinBlockException.class, () -> SM.verifyPin(tpk, PinFormat.ISO0, block, pan, stored));
        }
        assertThrows(SecurityModuleException.class, () -> SM.verifyPin(tpk, PinFormat.ISO0, block, "6212345678901232", new byte[5]));
    }

    @Test
    void randomStoredFormsAreRefusedWithKeyCheckException() {
        Random r = new Random(8);
        for (int i = 0; i < 2000; i++) {
            byte[] enc = new byte[8 * (1 + r.nextInt(4))];
            r.nextBytes(enc);
            String s = switch (r.nextInt(4)) {
                case 0 -> "kcv:" + Hex.encode(enc, 0, 3) + ":" + Hex.encode(enc);
                case 1 -> "kcv:" + Hex.encode(enc, 0, 3) + ":" + Hex.encode(enc).substring(1);
                case 2 -> Hex.encode(enc);
                default -> "kcv::" + Hex.encode(enc);
            };
            KeyCheckException e = assertThrows(KeyCheckException.class, () -> SM.importStored(KeyType.ZAK, s));
            assertTrue(e.getMessage().contains("ZAK"));
            assertFalse(e.getMessage().contains(Hex.encode(enc)));
        }
    }

    @Test
    void macsOverBadRangesThrowIndexErrorsNotGarbage() {
        KeyHandle tak = SM.generateKey(KeyType.TAK, KeyAlgorithm.TDES);
        byte[] data = new byte[10];
        assertThrows(IndexOutOfBoundsException.class, () -> SM.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, data, 5, 6));
        // the pooled MAC is still good afterwards
        byte[] a = SM.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, data, 0, 10);
        assertTrue(SM.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, data, 0, 10, a, 0, 8));
    }
}
