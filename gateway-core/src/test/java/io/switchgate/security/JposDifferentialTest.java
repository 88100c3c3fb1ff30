package io.switchgate.security;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.bouncycastle.crypto.params.DESParameters;
import org.jpos.security.SMAdapter;
import org.jpos.security.SecureDESKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential tests against jPOS's JCESecurityModule (SunJCE) on random inputs: KCVs, X9.19 MACs,
 * format 0 PIN blocks, PIN translation (0 to 0, 0 to 1 and back), key export under a TMK, and TDES
 * DUKPT PIN and data keys. Fixed seeds, so a failure reproduces.
 */
class JposDifferentialTest {
    private static final int N = 200;
    private static JposOracle jpos;
    private static final SoftwareSecurityModule SM = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");

    @BeforeAll
    static void setUp() {
        jpos = new JposOracle();
        // independence: jPOS runs on SunJCE; BouncyCastle is never a registered JCE provider here
        assertNull(java.security.Security.getProvider("BC"));
    }

    static byte[] randomKey(Random r, int len) {
        byte[] k = new byte[len];
        do {
            r.nextBytes(k);
            DESParameters.setOddParity(k);
        } while (java.util.Arrays.equals(k, 0, 8, k, 8, 16));
        return k;
    }

    static String digits(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) ('0' + r.nextInt(10)));
        return sb.toString();
    }

    @Test
    void kcvAgrees() throws Exception {
        Random r = new Random(1);
        for (int i = 0; i < N; i++) {
            byte[] k = randomKey(r, i % 2 == 0 ? 16 : 24);
            assertEquals(jpos.kcv(jpos.key(SMAdapter.TYPE_ZPK, k)), Kcv.tdes(k));
            assertEquals(Kcv.tdes(k), SM.importClear(KeyType.ZPK, k).kcv());
        }
    }

    @Test
    void x919MacAgrees() throws Exception {
        Random r = new Random(2);
        for (int i = 0; i < N; i++) {
            byte[] k = randomKey(r, 16);
            byte[] msg = new byte[1 + r.nextInt(400)]; // jPOS's routine MACs no block for an empty message
            r.nextBytes(msg);
            byte[] ours = SM.generateMac(SM.importClear(KeyType.TAK, k), MacAlgorithm.X919_RETAIL_PAD1, msg, 0, msg.length);
            assertEquals(Hex.encode(jpos.x919Mac(jpos.key(SMAdapter.TYPE_TAK, k), msg)), Hex.encode(ours), "length " + msg.length);
        }
    }

    @Test
    void format0PinBlocksAgree() throws Exception {
        Random r = new Random(3);
        for (int i = 0; i < N; i++) {
            byte[] k = randomKey(r, 16);
            String pin = digits(r, 4 + r.nextInt(9));
            String pan = digits(r, 13 + r.nextInt(7));
            byte[] theirs = jpos.encryptPinFormat0(pin, pan, jpos.key(SMAdapter.TYPE_TPK, k));
            byte[] ours = SM.encryptPinBlock(SM.importClear(KeyType.TPK, k), PinFormat.ISO0, pin, pan);
            assertEquals(Hex.encode(theirs), Hex.encode(ours));
        }
    }

    @Test
    void pinTranslationAgrees() throws Exception {
        Random r = new Random(4);
        for (int i = 0; i < N; i++) {
            byte[] tpkClear = randomKey(r, 16);
            byte[] zpkClear = randomKey(r, 16);
            String pin = digits(r, 4 + r.nextInt(9));
            String pan = digits(r, 13 + r.nextInt(7));
            KeyHandle tpk = SM.importClear(KeyType.TPK, tpkClear);
            KeyHandle zpk = SM.importClear(KeyType.ZPK, zpkClear);
            SecureDESKey jTpk = jpos.key(SMAdapter.TYPE_TPK, tpkClear);
            SecureDESKey jZpk = jpos.key(SMAdapter.TYPE_ZPK, zpkClear);
            byte[] block = SM.encryptPinBlock(tpk, PinFormat.ISO0, pin, pan);

            // 0 -> 0: deterministic, byte for byte
            byte[] ours = SM.translatePin(tpk, PinFormat.ISO0, block, pan, zpk, PinFormat.ISO0);
            byte[] theirs = jpos.translate(block, SMAdapter.FORMAT01, pan, jTpk, jZpk, SMAdapter.FORMAT01);
            assertEquals(Hex.encode(theirs), Hex.encode(ours));

            // 0 -> 1 (random fill): jPOS (its FORMAT05 = ISO format 1) must bring ours back to the source block
            byte[] f1 = SM.translatePin(tpk, PinFormat.ISO0, block, pan, zpk, PinFormat.ISO1);
            byte[] back = jpos.translate(f1, SMAdapter.FORMAT05, pan, jZpk, jTpk, SMAdapter.FORMAT01);
            assertEquals(Hex.encode(block), Hex.encode(back));
            // and ours must read jPOS's format 1 blocks
            byte[] jf1 = jpos.translate(block, SMAdapter.FORMAT01, pan, jTpk, jZpk, SMAdapter.FORMAT05);
            assertArrayEquals(block, SM.translatePin(zpk, PinFormat.ISO1, jf1, pan, tpk, PinFormat.ISO0));
        }
    }

    @Test
    void keyExportAndImportUnderTmkAgree() throws Exception {
        Random r = new Random(5);
        for (int i = 0; i < N / 2; i++) {
            byte[] tmkClear = randomKey(r, 16);
            byte[] takClear = randomKey(r, 16);
            KeyHandle tmk = SM.importClear(KeyType.TMK, tmkClear);
            KeyHandle tak = SM.importClear(KeyType.TAK, takClear);
            SecureDESKey jTmk = jpos.key(SMAdapter.TYPE_TMK, tmkClear);
            SecureDESKey jTak = jpos.key(SMAdapter.TYPE_TAK, takClear);
            ExportedKey ours = SM.exportUnderKek(tmk, tak);
            assertEquals(Hex.encode(jpos.sm.exportKey(jTak, jTmk)), ours.encryptedHex());
            // the terminal side in jPOS: import with parity checking, same KCV
            SecureDESKey imported = jpos.sm.importKey(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_TAK, ours.encrypted(), jTmk, true);
            assertEquals(ours.kcv(), jpos.kcv(imported));
        }
        // and keys we generate pass jPOS's parity check
        KeyHandle tmk = SM.generateKey(KeyType.TMK, KeyAlgorithm.TDES);
        SignOnKeys.Issued issued = SignOnKeys.issue(SM, tmk);
        SecureDESKey jTmk = jpos.key(SMAdapter.TYPE_TMK, clear(tmk));
        SecureDESKey jTpk = jpos.sm.importKey(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_TPK, Hex.decode(issued.de48().substring(0, 32)), jTmk, true);
        assertEquals(issued.de48().substring(32, 38), jpos.kcv(jTpk));
        SecureDESKey jTak = jpos.sm.importKey(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_TAK, Hex.decode(issued.de48().substring(38, 70)), jTmk, true);
        assertEquals(issued.de48().substring(70), jpos.kcv(jTak));
    }

    @Test
    void tdesDukptAgrees() throws Exception {
        Random r = new Random(6);
        for (int i = 0; i < N / 2; i++) {
            byte[] bdk = randomKey(r, 16);
            byte[] ksn = new byte[10];
            r.nextBytes(ksn);
            ksn[0] = (byte) 0xFF;
            ksn[1] = (byte) 0xFF;
            // a counter with at most 10 one-bits, as X9.24-1 devices use
            int counter;
            do {
                counter = r.nextInt(1 << 21);
            } while (Integer.bitCount(counter) > 10);
            ksn[7] = (byte) ((ksn[7] & 0xE0) | (counter >>> 16));
            ksn[8] = (byte) (counter >>> 8);
            ksn[9] = (byte) counter;
            String ksnHex = Hex.encode(ksn);
            SecureDESKey jBdk = jpos.key(SMAdapter.TYPE_BDK, bdk);
            assertEquals(Hex.encode(jpos.dukpt(ksnHex, jBdk, false)), Hex.encode(DukptTdes.derive(bdk, ksn, DukptUsage.PIN)), ksnHex);
            assertEquals(Hex.encode(jpos.dukpt(ksnHex, jBdk, true)), Hex.encode(DukptTdes.derive(bdk, ksn, DukptUsage.DATA_REQUEST)), ksnHex);
            // and through the module: the derived PIN key's KCV matches jPOS's key
            KeyHandle h = SM.deriveDukptKey(SM.importClear(KeyType.BDK, bdk), ksn, DukptUsage.PIN);
            assertEquals(Kcv.tdes(jpos.dukpt(ksnHex, jBdk, false)), h.kcv());
        }
    }

    private static byte[] clear(KeyHandle h) {
        return Ciphers.ecb(KeyAlgorithm.TDES, Hex.decode("0123456789ABCDEFFEDCBA9876543210"), false, Hex.decode(h.encryptedHex()));
    }
}
