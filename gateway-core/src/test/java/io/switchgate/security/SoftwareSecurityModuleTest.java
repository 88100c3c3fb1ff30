package io.switchgate.security;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SoftwareSecurityModuleTest {
    static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    static final String TPK1 = "EC3D756DD35498A8DC2FCDA875D358FD";
    static final String TAK1 = "BAD09770CBA42FEFAB327F86C7F49883";
    static final String TMK1 = "D56152AB7370ECD5ABDF2F4C8591A1FE";
    static final String ZPK1 = "EF1C7C8FD6F24A86DF1364CB2C97191F";

    final SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex(MASTER);

    @Test
    void demoCardPinBlockVerifiesAndTranslates() {
        KeyHandle tpk = sm.importClear(KeyType.TPK, Hex.decode(TPK1));
        KeyHandle zpk = sm.importClear(KeyType.ZPK, Hex.decode(ZPK1));
        assertEquals("C2494A", tpk.kcv());
        byte[] block = Hex.decode("67EB0C1EF8B17291");
        byte[] stored = sm.encryptPinForStorage("1234");
        assertTrue(sm.verifyPin(tpk, PinFormat.ISO0, block, "6212345678901232", stored));
        assertFalse(sm.verifyPin(tpk, PinFormat.ISO0, block, "6212345678901232", sm.encryptPinForStorage("1235")));
        assertEquals("00C27736DFF244FC", Hex.encode(sm.translatePin(tpk, PinFormat.ISO0, block, "6212345678901232", zpk, PinFormat.ISO0)));
        assertEquals("67EB0C1EF8B17291", Hex.encode(sm.encryptPinBlock(tpk, PinFormat.ISO0, "1234", "6212345678901232")));
    }

    @Test
    void x919MacOfTheContract() {
        KeyHandle tak = sm.importClear(KeyType.TAK, Hex.decode(TAK1));
        byte[] msg = new byte[200];
        for (int i = 0; i < 200; i++) msg[i] = (byte) i;
        byte[] mac = sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 200);
        assertTrue(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 200, mac, 0, 8));
        mac[7] ^= 1;
        assertFalse(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, msg, 0, 200, mac, 0, 8));
    }

    @Test
    void signOnKeyExchangeAndStoredForm() {
        KeyHandle tmk = sm.importClear(KeyType.TMK, Hex.decode(TMK1));
        KeyHandle tpk = sm.importClear(KeyType.TPK, Hex.decode(TPK1));
        KeyHandle tak = sm.importClear(KeyType.TAK, Hex.decode(TAK1));
        assertEquals("D38782559B03480752B102D724A45117C2494AE8C34B29C4795A9277E62D2D1EB5AE0CFA6993",
                SignOnKeys.de48(sm, tmk, tpk, tak));
        SignOnKeys.Issued issued = SignOnKeys.issue(sm, tmk);
        assertEquals(76, issued.de48().length());
        SignOnKeys.Accepted acc = SignOnKeys.accept(sm, tmk, issued.de48());
        assertEquals(issued.tpk().kcv(), acc.tpk().kcv());
        KeyHandle again = sm.importStored(KeyType.TAK, tak.toStoredForm());
        assertEquals(tak, again);
        assertThrows(KeyCheckException.class, () -> sm.importStored(KeyType.TAK, "kcv:000000:" + tak.encryptedHex()));
    }
}
