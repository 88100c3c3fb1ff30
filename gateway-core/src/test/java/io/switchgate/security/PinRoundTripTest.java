package io.switchgate.security;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.RepetitionInfo;

/** PIN translation round trips between keys and formats, on random PINs and PANs. */
class PinRoundTripTest {
    private static final SoftwareSecurityModule SM = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
    private static final KeyHandle TPK = SM.generateKey(KeyType.TPK, KeyAlgorithm.TDES);
    private static final KeyHandle ZPK = SM.generateKey(KeyType.ZPK, KeyAlgorithm.TDES);
    private static final KeyHandle ZPK_AES = SM.generateKey(KeyType.ZPK, KeyAlgorithm.AES);

    static String digits(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) ('0' + r.nextInt(10)));
        return sb.toString();
    }

    @RepeatedTest(50)
    void translateThereAndBackAcrossAllFormats(RepetitionInfo info) {
        Random r = new Random(info.getCurrentRepetition());
        String pin = digits(r, 4 + r.nextInt(9));
        String pan = digits(r, 12 + r.nextInt(8));
        byte[] f0 = SM.encryptPinBlock(TPK, PinFormat.ISO0, pin, pan);
        byte[] stored = SM.encryptPinForStorage(pin);

        // 0 -> 0 -> 0 (format 0 is deterministic: back to the same bytes)
        byte[] there = SM.translatePin(TPK, PinFormat.ISO0, f0, pan, ZPK, PinFormat.ISO0);
        assertArrayEquals(f0, SM.translatePin(ZPK, PinFormat.ISO0, there, pan, TPK, PinFormat.ISO0));

        // 0 -> 4 (AES) -> 0
        byte[] f4 = SM.translatePin(TPK, PinFormat.ISO0, f0, pan, ZPK_AES, PinFormat.ISO4);
        assertEquals(16, f4.length);
        assertTrue(SM.verifyPin(ZPK_AES, PinFormat.ISO4, f4, pan, stored));
        assertArrayEquals(f0, SM.translatePin(ZPK_AES, PinFormat.ISO4, f4, pan, TPK, PinFormat.ISO0));

        // 0 -> 1 -> 0 and 0 -> 3 -> 0
        for (PinFormat via : new PinFormat[] {PinFormat.ISO1, PinFormat.ISO3}) {
            byte[] mid = SM.translatePin(TPK, PinFormat.ISO0, f0, pan, ZPK, via);
            assertTrue(SM.verifyPin(ZPK, via, mid, pan, stored), via.toString());
            assertArrayEquals(f0, SM.translatePin(ZPK, via, mid, pan, TPK, PinFormat.ISO0), via.toString());
        }
    }

    @Test
    void randomisedFormatsDifferEachTimeButCarryThePin() {
        byte[] a = SM.encryptPinBlock(ZPK_AES, PinFormat.ISO4, "1234", "6212345678901232");
        byte[] b = SM.encryptPinBlock(ZPK_AES, PinFormat.ISO4, "1234", "6212345678901232");
        assertFalse(java.util.Arrays.equals(a, b));
        byte[] stored = SM.encryptPinForStorage("1234");
        assertFalse(java.util.Arrays.equals(stored, SM.encryptPinForStorage("1234")));
        assertTrue(SM.verifyPin(ZPK_AES, PinFormat.ISO4, a, "6212345678901232", stored));
        assertTrue(SM.verifyPin(ZPK_AES, PinFormat.ISO4, b, "6212345678901232", stored));
    }

    @Test
    void wrongPanOrKeyGivesMalformedOrWrongPin() {
        String pan = "6212345678901232";
        byte[] f0 = SM.encryptPinBlock(TPK, PinFormat.ISO0, "1234", pan);
        byte[] stored = SM.encryptPinForStorage("1234");
        // a block under another key decrypts to garbage: malformed, or at least not the PIN
        try {
            assertFalse(SM.verifyPin(ZPK, PinFormat.ISO0, f0, pan, stored));
        } catch (PinBlockException expected) {
            assertFalse(expected.getMessage().contains("1234"));
        }
        // the wrong PAN breaks the F fill of format 0
        PinBlockException e = assertThrows(PinBlockException.class,
                () -> SM.verifyPin(TPK, PinFormat.ISO0, f0, "4000001234562", stored));
        assertFalse(e.getMessage().contains("1234"));
        assertFalse(e.getMessage().contains(pan));
    }

    @Test
    void formatAndKeyMustAgree() {
        byte[] f0 = SM.encryptPinBlock(TPK, PinFormat.ISO0, "1234", "6212345678901232");
        assertThrows(KeyUsageException.class, () -> SM.translatePin(TPK, PinFormat.ISO0, f0, "6212345678901232", ZPK_AES, PinFormat.ISO0));
        assertThrows(KeyUsageException.class, () -> SM.encryptPinBlock(TPK, PinFormat.ISO4, "1234", "6212345678901232"));
        assertThrows(PinBlockException.class, () -> SM.encryptPinBlock(TPK, PinFormat.ISO0, "123", "6212345678901232"));
        assertThrows(PinBlockException.class, () -> SM.encryptPinBlock(TPK, PinFormat.ISO0, "1234567890123", "6212345678901232"));
        assertThrows(PinBlockException.class, () -> SM.verifyPin(TPK, PinFormat.ISO0, new byte[7], "6212345678901232", SM.encryptPinForStorage("1234")));
    }
}
