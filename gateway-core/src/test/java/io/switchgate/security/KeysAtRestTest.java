package io.switchgate.security;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.engines.DESEngine;
import org.bouncycastle.crypto.macs.ISO9797Alg3Mac;
import org.bouncycastle.crypto.paddings.ISO7816d4Padding;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys under the master key, check values, roles, and that no clear key shows up in text. */
class KeysAtRestTest {
    static final String TAK1 = "BAD09770CBA42FEFAB327F86C7F49883";
    static final String TPK1 = "EC3D756DD35498A8DC2FCDA875D358FD";

    @ParameterizedTest
    @ValueSource(strings = {"0123456789ABCDEFFEDCBA9876543210", "0123456789ABCDEFFEDCBA987654321089ABCDEF01234567",
            "603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4", "aes:2B7E151628AED2A6ABF7158809CF4F3C"})
    void storedKeysRoundTripAndAWrongKcvIsRefused(String master) {
        SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex(master);
        KeyHandle tak = sm.importClear(KeyType.TAK, Hex.decode(TAK1));
        KeyHandle aes = sm.importClear(KeyType.BDK, KeyAlgorithm.AES, Hex.decode("FEDCBA9876543210F1F1F1F1F1F1F1F1"));
        String stored = tak.toStoredForm();
        assertTrue(stored.startsWith("kcv:FA6993:"), stored);
        assertFalse(stored.contains(TAK1));

        // a fresh module with the same master reads both back, recognising the algorithm by the KCV
        SoftwareSecurityModule again = SoftwareSecurityModule.fromHex(master);
        KeyHandle t2 = again.importStored(KeyType.TAK, stored);
        assertEquals(KeyAlgorithm.TDES, t2.algorithm());
        assertEquals("FA6993", again.kcv(t2));
        KeyHandle a2 = again.importStored(KeyType.BDK, aes.toStoredForm());
        assertEquals(KeyAlgorithm.AES, a2.algorithm());
        assertEquals("FF0BD7", a2.kcv());

        byte[] msg = "0200 message".getBytes();
        assertArrayEquals(sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, msg.length),
                again.generateMac(t2, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, msg.length));

        // wrong KCV: refused, naming the role, not the key
        String wrongKcv = "kcv:FA6994:" + tak.encryptedHex();
        KeyCheckException e = assertThrows(KeyCheckException.class, () -> again.importStored(KeyType.TAK, wrongKcv));
        assertEquals(KeyType.TAK, e.keyType());
        assertTrue(e.getMessage().contains("TAK"), e.getMessage());
        assertNoKeyMaterial(e.getMessage(), TAK1, tak.encryptedHex());

        // a tampered value: refused
        String hex = tak.encryptedHex();
        String tampered = "kcv:FA6993:" + (hex.charAt(0) == '0' ? '1' : '0') + hex.substring(1);
        assertThrows(KeyCheckException.class, () -> again.importStored(KeyType.TAK, tampered));
        // malformed: refused with the same exception type
        assertThrows(KeyCheckException.class, () -> again.importStored(KeyType.TAK, "FA6993:" + hex));
        assertThrows(KeyCheckException.class, () -> again.importStored(KeyType.TAK, "kcv:FA6993:XYZ"));
    }

    @Test
    void anotherMasterKeyCannotReadOrUseTheKeys() {
        SoftwareSecurityModule a = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
        SoftwareSecurityModule b = SoftwareSecurityModule.fromHex("FEDCBA98765432100123456789ABCDEF");
        KeyHandle tak = a.importClear(KeyType.TAK, Hex.decode(TAK1));
        KeyCheckException e = assertThrows(KeyCheckException.class, () -> b.importStored(KeyType.TAK, tak.toStoredForm()));
        assertNoKeyMaterial(e.getMessage(), TAK1, tak.encryptedHex());
        // a handle made by one module is re-checked (KCV) by another before use
        byte[] msg = new byte[16];
        assertThrows(KeyCheckException.class, () -> b.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 16));
    }

    @Test
    void noClearKeyInToStringOrMessages() {
        SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
        KeyHandle tak = sm.importClear(KeyType.TAK, Hex.decode(TAK1));
        KeyHandle tpk = sm.importClear(KeyType.TPK, Hex.decode(TPK1));
        List<String> texts = new ArrayList<>();
        texts.add(tak.toString());
        texts.add(tpk.toString());
        texts.add(sm.toString());
        texts.add(String.valueOf(tak.context));
        KeyHandle tmk = sm.generateKey(KeyType.TMK, KeyAlgorithm.TDES);
        SignOnKeys.Issued issued = SignOnKeys.issue(sm, tmk);
        texts.add(issued.toString());
        texts.add(sm.exportUnderKek(tmk, tak).toString());
        // role violations
        texts.add(assertThrows(KeyUsageException.class, () -> sm.generateMac(tpk, MacAlgorithm.X919_RETAIL_PAD1, new byte[8], 0, 8)).getMessage());
        texts.add(assertThrows(KeyUsageException.class, () -> sm.encryptPinBlock(tak, PinFormat.ISO0, "1234", "6212345678901232")).getMessage());
        texts.add(assertThrows(KeyUsageException.class, () -> sm.exportUnderKek(tak, tpk)).getMessage());
        texts.add(assertThrows(KeyUsageException.class, () -> sm.deriveDukptKey(tak, new byte[10], DukptUsage.PIN)).getMessage());
        texts.add(assertThrows(KeyCheckException.class, () -> sm.importUnderKek(tmk, KeyType.TPK, new byte[16], "000000")).getMessage());
        texts.add(assertThrows(IllegalArgumentException.class, () -> sm.importClear(KeyType.TAK, new byte[15])).getMessage());
        for (String t : texts) {
            assertNoKeyMaterial(t, TAK1, TPK1);
        }
        assertEquals("KeyHandle[TAK TDES kcv=FA6993]", tak.toString());
    }

    @Test
    void generatedKeysHaveOddParityAndDistinctHalves() {
        SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
        for (int i = 0; i < 20; i++) {
            KeyHandle k = sm.generateKey(KeyType.TPK, KeyAlgorithm.TDES);
            byte[] clear = Ciphers.ecb(KeyAlgorithm.TDES, Hex.decode("0123456789ABCDEFFEDCBA9876543210"), false, Hex.decode(k.encryptedHex()));
            for (byte b : clear) assertEquals(1, Integer.bitCount(b & 0xFF) & 1, "odd parity");
            assertFalse(java.util.Arrays.equals(clear, 0, 8, clear, 8, 16));
            assertEquals(Kcv.tdes(clear), k.kcv());
        }
        assertEquals(16, sm.generateKey(KeyType.ZPK, KeyAlgorithm.AES).keyLength());
    }

    @Test
    void importUnderKekChecksTheKcvAndAesKeksUseKeyWrap() {
        SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
        KeyHandle kek = sm.generateKey(KeyType.ZMK, KeyAlgorithm.AES);
        KeyHandle zpk = sm.generateKey(KeyType.ZPK, KeyAlgorithm.TDES);
        ExportedKey ex = sm.exportUnderKek(kek, zpk);
        assertEquals(24, ex.encrypted().length); // RFC 3394: 16 + 8
        KeyHandle back = sm.importUnderKek(kek, KeyType.ZPK, KeyAlgorithm.TDES, ex.encrypted(), ex.kcv());
        assertEquals(zpk, back);
        byte[] broken = ex.encrypted();
        broken[3] ^= 1;
        assertThrows(KeyCheckException.class, () -> sm.importUnderKek(kek, KeyType.ZPK, KeyAlgorithm.TDES, broken, ex.kcv()));
    }

    @Test
    void x919MacMatchesBouncyCastleIso9797Alg3MacOnRandomInput() {
        Random r = new Random(42);
        for (int i = 0; i < 300; i++) {
            byte[] key = new byte[r.nextBoolean() ? 16 : 24];
            r.nextBytes(key);
            byte[] msg = new byte[r.nextInt(300)];
            r.nextBytes(msg);
            boolean m2 = r.nextBoolean();
            ISO9797Alg3Mac bc = new ISO9797Alg3Mac(new DESEngine(), m2 ? new ISO7816d4Padding() : null);
            bc.init(new KeyParameter(key));
            bc.update(msg, 0, msg.length);
            byte[] expected = new byte[8];
            bc.doFinal(expected, 0);
            X919Mac ours = new X919Mac(m2 ? new ISO7816d4Padding() : null);
            ours.init(new KeyParameter(key));
            // twice on the same instance: state resets after doFinal
            for (int k = 0; k < 2; k++) {
                ours.update(msg, 0, msg.length);
                byte[] out = new byte[8];
                ours.doFinal(out, 0);
                assertArrayEquals(expected, out);
            }
        }
    }

    @Test
    void verifyMacRejectsShortOrOverlongMacsWithoutThrowing() {
        SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
        KeyHandle tak = sm.importClear(KeyType.TAK, Hex.decode(TAK1));
        byte[] msg = new byte[40];
        byte[] mac = sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 40);
        assertFalse(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 40, mac, 0, 3));
        assertFalse(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 40, new byte[9], 0, 9));
        assertFalse(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 40, mac, 4, 8));
        assertFalse(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 40, null, 0, 8));
        assertTrue(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 40, mac, 0, 8));
    }

    @Test
    void concurrentMacsUnderOneKeyAgree() throws Exception {
        SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
        KeyHandle tak = sm.importClear(KeyType.TAK, Hex.decode(TAK1));
        byte[] msg = new byte[200];
        for (int i = 0; i < 200; i++) msg[i] = (byte) i;
        String expected = "";
        for (var v : Vectors.family("mac")) {
            if (v.get("id").asText().equals("mac-x919-m1-len200")) expected = v.get("mac").asText();
        }
        String exp = expected;
        Thread[] ts = new Thread[4];
        Throwable[] fail = new Throwable[1];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 2000; i++) {
                        assertEquals(exp, Hex.encode(sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 200)));
                    }
                } catch (Throwable x) {
                    fail[0] = x;
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        assertNull(fail[0]);
    }

    static void assertNoKeyMaterial(String text, String... secrets) {
        for (String s : secrets) {
            assertFalse(text.toUpperCase().contains(s.toUpperCase()), "text carries key material: " + text);
            assertFalse(text.toUpperCase().contains(s.substring(0, 16).toUpperCase()), "text carries key material: " + text);
        }
    }
}
