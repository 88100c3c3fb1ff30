package io.switchgate.security;

import static io.switchgate.security.Vectors.has;
import static io.switchgate.security.Vectors.hex;
import static io.switchgate.security.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.stream.Stream;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.macs.ISO9797Alg3Mac;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.paddings.ISO7816d4Padding;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.engines.DESEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector of payment-crypto-vectors.json, every output field compared, through the pure helpers
 * and through {@link SoftwareSecurityModule} (TDES master key; the AES-master variant of the module is
 * exercised in {@link KeysAtRestTest}).
 */
class PaymentCryptoVectorsTest {
    private static final SoftwareSecurityModule SM = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");

    static Stream<Arguments> kcv() { return Vectors.arguments("kcv"); }
    static Stream<Arguments> pinblock() { return Vectors.arguments("pinblock"); }
    static Stream<Arguments> pintranslate() { return Vectors.arguments("pintranslate"); }
    static Stream<Arguments> mac() { return Vectors.arguments("mac"); }
    static Stream<Arguments> dukptTdes() { return Vectors.arguments("dukpt_tdes"); }
    static Stream<Arguments> dukptAes() { return Vectors.arguments("dukpt_aes"); }
    static Stream<Arguments> keyexchange() { return Vectors.arguments("keyexchange"); }

    @Test
    void familySizesMatchTheReadme() {
        assertEquals(9, Vectors.family("kcv").size());
        assertEquals(15, Vectors.family("pinblock").size());
        assertEquals(5, Vectors.family("pintranslate").size());
        assertEquals(42, Vectors.family("mac").size());
        assertEquals(6, Vectors.family("dukpt_tdes").size());
        assertEquals(6, Vectors.family("dukpt_aes").size());
        assertEquals(2, Vectors.family("keyexchange").size());
    }

    // ------------------------------------------------------------------ kcv

    @ParameterizedTest
    @MethodSource
    void kcv(JsonNode v) {
        byte[] key = hex(v, "key");
        String alg = text(v, "algorithm");
        if (alg.startsWith("TDES")) {
            assertEquals(alg.equals("TDES-2KEY") ? 16 : 24, key.length);
            assertEquals(text(v, "kcv"), Kcv.tdes(key));
            KeyHandle h = SM.importClear(KeyType.KEK, KeyAlgorithm.TDES, key);
            assertEquals(text(v, "kcv"), h.kcv());
            assertEquals(text(v, "kcv"), SM.kcv(h));
        } else {
            assertEquals(Integer.parseInt(alg.substring(4)) / 8, key.length);
            assertEquals(text(v, "kcvCmac"), Kcv.aes(key));
            assertEquals(text(v, "kcvCmac5"), Kcv.aesCmac5(key));
            assertEquals(text(v, "kcvLegacyEncryptZeros"), Kcv.aesLegacyEncryptZeros(key));
            KeyHandle h = SM.importClear(KeyType.KEK, KeyAlgorithm.AES, key);
            assertEquals(text(v, "kcvCmac"), h.kcv());
            assertEquals(text(v, "kcvCmac"), SM.kcv(h));
        }
    }

    // ------------------------------------------------------------------ pinblock

    @ParameterizedTest
    @MethodSource
    void pinblock(JsonNode v) {
        int format = v.get("format").asInt();
        String pin = text(v, "pin");
        byte[] key = hex(v, "key");
        PinFormat fmt = PinFormat.values()[format == 4 ? 3 : format == 3 ? 2 : format];
        assertEquals(format, fmt.controlNibble());
        assertEquals(format == 4 ? "AES-128" : "TDES-2KEY", text(v, "keyAlgorithm"));
        byte[] expected = hex(v, "encryptedBlock");
        // a PAN for the module: the vector's, or one whose pan12 is the vector's (IBM format 3 example)
        // (format 1 has no PAN: any PAN must do)
        String pan = has(v, "pan") ? text(v, "pan") : has(v, "pan12") ? text(v, "pan12") + "0" : "4000001234562";

        if (format == 4) {
            byte[] random = Arrays.copyOfRange(hex(v, "plainPinField"), 8, 16);
            assertEquals(text(v, "randomFill"), Hex.encode(random));
            byte[] plain = PinBlocks.format4PinField(pin, random);
            assertEquals(text(v, "plainPinField"), Hex.encode(plain));
            assertEquals(text(v, "panField"), Hex.encode(PinBlocks.format4PanField(pan)));
            assertEquals(text(v, "intermediateBlock"), Hex.encode(Ciphers.ecb(KeyAlgorithm.AES, key, true, plain)));
            assertEquals(Hex.encode(expected), Hex.encode(PinBlocks.encipherClear(fmt, key, plain, pan)));
            assertArrayEquals(plain, PinBlocks.decipherToClear(fmt, key, expected, pan));
            assertEquals(pin, PinBlocks.parse(fmt, plain, pan));
        } else {
            byte[] clear = switch (format) {
                case 0 -> PinBlocks.format0(pin, pan);
                case 1 -> PinBlocks.format1(pin, text(v, "fill"));
                default -> PinBlocks.format3FromPan12(pin, text(v, "pan12"), text(v, "fill"));
            };
            assertEquals(text(v, "clearBlock"), Hex.encode(clear));
            if (format != 1) {
                assertEquals(text(v, "pan12"), PinBlocks.pan12(pan));
                byte[] panField = PinBlocks.panField(pan);
                assertEquals(text(v, "panField"), Hex.encode(panField));
                byte[] pinField = clear.clone();
                Ciphers.xor(pinField, 0, panField, 0, 8);
                assertEquals(text(v, "pinField"), Hex.encode(pinField));
            }
            assertEquals(Hex.encode(expected), Hex.encode(PinBlocks.encipherClear(fmt, key, clear, pan)));
            assertArrayEquals(clear, PinBlocks.decipherToClear(fmt, key, expected, pan));
            assertEquals(pin, PinBlocks.parse(fmt, clear, pan));
        }

        // through the module: the block verifies against the stored PIN, not against another PIN
        KeyHandle pinKey = SM.importClear(KeyType.TPK, fmt.keyAlgorithm(), key);
        assertTrue(SM.verifyPin(pinKey, fmt, expected, pan, SM.encryptPinForStorage(pin)));
        String other = (pin.charAt(0) == '9' ? "0" : "9") + pin.substring(1);
        assertFalse(SM.verifyPin(pinKey, fmt, expected, pan, SM.encryptPinForStorage(other)));
        if (fmt == PinFormat.ISO0) {
            // format 0 has no random part: the module's own encryption must give the vector's block
            assertEquals(Hex.encode(expected), Hex.encode(SM.encryptPinBlock(pinKey, fmt, pin, pan)));
        }
        byte[] again = SM.encryptPinBlock(pinKey, fmt, pin, pan);
        assertEquals(pin, PinBlocks.parse(fmt, PinBlocks.decipherToClear(fmt, key, again, pan), pan));
    }

    // ------------------------------------------------------------------ pintranslate

    @ParameterizedTest
    @MethodSource
    void pintranslate(JsonNode v) {
        String pin = text(v, "pin");
        String pan = text(v, "pan");
        assertEquals(text(v, "pan12"), PinBlocks.pan12(pan));
        assertEquals(0, v.get("sourceFormat").asInt());
        int destFormat = v.get("destFormat").asInt();
        PinFormat dest = destFormat == 0 ? PinFormat.ISO0 : PinFormat.ISO1;
        assertEquals(destFormat, dest.controlNibble());
        byte[] srcKey = hex(v, "sourceKey");
        byte[] dstKey = hex(v, "destKey");
        KeyHandle tpk = SM.importClear(KeyType.TPK, srcKey);
        KeyHandle zpk = SM.importClear(KeyType.ZPK, dstKey);

        assertEquals(text(v, "sourceClearBlock"), Hex.encode(PinBlocks.format0(pin, pan)));
        byte[] source = SM.encryptPinBlock(tpk, PinFormat.ISO0, pin, pan);
        assertEquals(text(v, "sourceBlock"), Hex.encode(source));

        byte[] translated = SM.translatePin(tpk, PinFormat.ISO0, source, pan, zpk, dest);
        if (dest == PinFormat.ISO0) {
            assertEquals(text(v, "destBlock"), Hex.encode(translated));
            assertEquals(text(v, "destClearBlock"), Hex.encode(PinBlocks.decipherToClear(dest, dstKey, translated, pan)));
        } else {
            // format 1 has a random fill: check the vector's fixed-fill block, and that ours carries the PIN
            byte[] destClear = PinBlocks.format1(pin, text(v, "destFill"));
            assertEquals(text(v, "destClearBlock"), Hex.encode(destClear));
            assertEquals(text(v, "destBlock"), Hex.encode(PinBlocks.encipherClear(dest, dstKey, destClear, pan)));
            assertEquals(pin, PinBlocks.parse(dest, PinBlocks.decipherToClear(dest, dstKey, translated, pan), pan));
            // and the vector's block translates back to the source block
            byte[] back = SM.translatePin(zpk, dest, hex(v, "destBlock"), pan, tpk, PinFormat.ISO0);
            assertEquals(text(v, "sourceBlock"), Hex.encode(back));
        }
        assertTrue(SM.verifyPin(zpk, dest, translated, pan, SM.encryptPinForStorage(pin)));
    }

    // ------------------------------------------------------------------ mac

    static MacAlgorithm macAlgorithm(JsonNode v) {
        String alg = text(v, "algorithm");
        boolean m2 = has(v, "padding") && text(v, "padding").endsWith("method-2");
        return switch (alg) {
            case "ISO9797-1-ALG1-DES", "ISO9797-1-ALG1-TDES" -> m2 ? MacAlgorithm.ISO9797_ALG1_PAD2 : MacAlgorithm.ISO9797_ALG1_PAD1;
            case "ISO9797-1-ALG3-X9.19" -> m2 ? MacAlgorithm.X919_RETAIL_PAD2 : MacAlgorithm.X919_RETAIL_PAD1;
            case "AES-CMAC" -> MacAlgorithm.AES_CMAC;
            case "TDES-CMAC" -> MacAlgorithm.TDES_CMAC;
            default -> throw new IllegalArgumentException("unknown MAC algorithm " + alg);
        };
    }

    @ParameterizedTest
    @MethodSource
    void mac(JsonNode v) {
        MacAlgorithm alg = macAlgorithm(v);
        byte[] key = hex(v, "key");
        byte[] msg = hex(v, "message");
        assertEquals(v.get("messageLength").asInt(), msg.length);
        if (text(v, "algorithm").equals("ISO9797-1-ALG1-DES")) assertEquals(8, key.length);
        if (has(v, "paddedLength")) assertEquals(v.get("paddedLength").asInt(), Macs.paddedLength(alg, msg.length));
        String expected = text(v, "mac");
        assertEquals(alg.macLength() * 2, expected.length());

        assertEquals(expected, Hex.encode(Macs.compute(alg, key, msg)));
        if (alg == MacAlgorithm.X919_RETAIL_PAD1 || alg == MacAlgorithm.X919_RETAIL_PAD2) {
            // our X919Mac and BouncyCastle's ISO9797Alg3Mac agree
            ISO9797Alg3Mac bc = new ISO9797Alg3Mac(new DESEngine(), alg == MacAlgorithm.X919_RETAIL_PAD2 ? new ISO7816d4Padding() : null);
            bc.init(new KeyParameter(key));
            bc.update(msg, 0, msg.length);
            byte[] out = new byte[8];
            bc.doFinal(out, 0);
            assertEquals(expected, Hex.encode(out));
        }

        // through the module, with the message inside a larger buffer
        KeyHandle tak = SM.importClear(KeyType.TAK, alg.keyAlgorithm(), key);
        byte[] buf = new byte[msg.length + 7];
        System.arraycopy(msg, 0, buf, 3, msg.length);
        byte[] mac = SM.generateMac(tak, alg, buf, 3, msg.length);
        assertEquals(expected, Hex.encode(mac));
        assertTrue(SM.verifyMac(tak, alg, buf, 3, msg.length, mac, 0, mac.length));
        if (has(v, "mac4")) {
            assertEquals(text(v, "mac4"), Hex.encode(mac, 0, 4));
            assertTrue(SM.verifyMac(tak, alg, buf, 3, msg.length, hex(v, "mac4"), 0, 4));
        }
        mac[mac.length - 1] ^= 0x01;
        assertFalse(SM.verifyMac(tak, alg, buf, 3, msg.length, mac, 0, mac.length));
    }

    // ------------------------------------------------------------------ DUKPT TDES

    @ParameterizedTest
    @MethodSource
    void dukptTdes(JsonNode v) {
        byte[] bdk = hex(v, "bdk");
        byte[] ksn = hex(v, "ksn");
        byte[] ipek = DukptTdes.ipek(bdk, ksn);
        assertEquals(text(v, "ipek"), Hex.encode(ipek));
        if (!has(v, "counter")) return;
        assertEquals(Integer.parseInt(text(v, "counter"), 16), DukptTdes.counter(ksn));
        byte[] tk = DukptTdes.transactionKey(ipek, ksn);
        assertEquals(text(v, "transactionKey"), Hex.encode(tk));
        byte[] pinKey = DukptTdes.workingKey(tk, DukptUsage.PIN);
        byte[] macReq = DukptTdes.workingKey(tk, DukptUsage.MAC_REQUEST);
        byte[] macResp = DukptTdes.workingKey(tk, DukptUsage.MAC_RESPONSE);
        byte[] dataReq = DukptTdes.workingKey(tk, DukptUsage.DATA_REQUEST);
        assertEquals(text(v, "pinKey"), Hex.encode(pinKey));
        assertEquals(text(v, "macRequestKey"), Hex.encode(macReq));
        assertEquals(text(v, "macResponseKey"), Hex.encode(macResp));
        assertEquals(text(v, "dataEncryptionRequestKey"), Hex.encode(dataReq));
        assertArrayEquals(pinKey, DukptTdes.derive(bdk, ksn, DukptUsage.PIN));

        String pin = text(v, "pin");
        String pan = text(v, "pan");
        assertEquals(text(v, "clearPinBlock"), Hex.encode(PinBlocks.format0(pin, pan)));
        byte[] macData = hex(v, "macData");
        assertEquals("4012345678909D987", new String(macData, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(text(v, "macRequest"), Hex.encode(Macs.compute(MacAlgorithm.X919_RETAIL_PAD1, macReq, macData)));
        assertEquals(text(v, "macResponse"), Hex.encode(Macs.compute(MacAlgorithm.X919_RETAIL_PAD1, macResp, macData)));
        byte[] plain = Arrays.copyOf(macData, 24);
        assertEquals(text(v, "dataRequestPlain"), Hex.encode(plain));
        assertEquals(text(v, "encryptedDataRequest"), Hex.encode(tdesCbc(dataReq, plain)));

        // through the module: derived keys never leave it, so compare what they produce
        KeyHandle bdkH = SM.importClear(KeyType.BDK, bdk);
        KeyHandle pinH = SM.deriveDukptKey(bdkH, ksn, DukptUsage.PIN);
        assertEquals(KeyType.TPK, pinH.type());
        assertEquals(Kcv.tdes(pinKey), pinH.kcv());
        assertEquals(text(v, "encryptedPinBlock"), Hex.encode(SM.encryptPinBlock(pinH, PinFormat.ISO0, pin, pan)));
        assertTrue(SM.verifyPin(pinH, PinFormat.ISO0, hex(v, "encryptedPinBlock"), pan, SM.encryptPinForStorage(pin)));
        KeyHandle reqH = SM.deriveDukptKey(bdkH, ksn, DukptUsage.MAC_REQUEST);
        KeyHandle respH = SM.deriveDukptKey(bdkH, ksn, DukptUsage.MAC_RESPONSE);
        byte[] mReq = SM.generateMac(reqH, MacAlgorithm.X919_RETAIL_PAD1, macData, 0, macData.length);
        byte[] mResp = SM.generateMac(respH, MacAlgorithm.X919_RETAIL_PAD1, macData, 0, macData.length);
        assertEquals(text(v, "macRequest"), Hex.encode(mReq));
        assertEquals(text(v, "macRequest4"), Hex.encode(mReq, 0, 4));
        assertEquals(text(v, "macResponse"), Hex.encode(mResp));
        assertEquals(text(v, "macResponse4"), Hex.encode(mResp, 0, 4));
        assertEquals(Kcv.tdes(dataReq), SM.deriveDukptKey(bdkH, ksn, DukptUsage.DATA_REQUEST).kcv());
    }

    private static byte[] tdesCbc(byte[] key, byte[] data) {
        CBCBlockCipher cbc = (CBCBlockCipher) CBCBlockCipher.newInstance(new DESedeEngine());
        cbc.init(true, new KeyParameter(key));
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i += 8) cbc.processBlock(data, i, out, i);
        return out;
    }

    // ------------------------------------------------------------------ DUKPT AES

    @ParameterizedTest
    @MethodSource
    void dukptAes(JsonNode v) {
        byte[] bdk = hex(v, "bdk");
        byte[] ikid = hex(v, "initialKeyId");
        byte[] ik = DukptAes.initialKey(bdk, ikid);
        assertEquals(text(v, "initialKey"), Hex.encode(ik));
        if (!has(v, "counter")) return;
        byte[] ksn = hex(v, "ksn");
        assertEquals(text(v, "initialKeyId") + text(v, "counter"), text(v, "ksn"));
        assertEquals(Long.parseLong(text(v, "counter"), 16), DukptAes.counter(ksn) & 0xFFFFFFFFL);
        byte[] tk = DukptAes.transactionKey(ik, ksn);
        assertEquals(text(v, "transactionKey"), Hex.encode(tk));
        byte[] pinKey = DukptAes.workingKey(tk, ksn, DukptUsage.PIN, 16);
        assertEquals(text(v, "pinKey"), Hex.encode(pinKey));
        assertEquals(text(v, "macGenerationKey"), Hex.encode(DukptAes.workingKey(tk, ksn, DukptUsage.MAC_REQUEST, 16)));
        assertEquals(text(v, "dataEncryptionKey"), Hex.encode(DukptAes.workingKey(tk, ksn, DukptUsage.DATA_REQUEST, 16)));
        assertArrayEquals(pinKey, DukptAes.derive(bdk, ksn, DukptUsage.PIN));

        String pin = text(v, "pin");
        String pan = text(v, "pan");
        byte[] random = Arrays.copyOfRange(hex(v, "plainPinField"), 8, 16);
        byte[] plain = PinBlocks.format4PinField(pin, random);
        assertEquals(text(v, "plainPinField"), Hex.encode(plain));
        assertEquals(text(v, "encryptedPinBlock"), Hex.encode(PinBlocks.encipherClear(PinFormat.ISO4, pinKey, plain, pan)));

        KeyHandle bdkH = SM.importClear(KeyType.BDK, KeyAlgorithm.AES, bdk);
        KeyHandle pinH = SM.deriveDukptKey(bdkH, ksn, DukptUsage.PIN);
        assertEquals(KeyAlgorithm.AES, pinH.algorithm());
        assertEquals(Kcv.aes(pinKey), pinH.kcv());
        assertTrue(SM.verifyPin(pinH, PinFormat.ISO4, hex(v, "encryptedPinBlock"), pan, SM.encryptPinForStorage(pin)));
        assertEquals(Kcv.aes(hex(v, "macGenerationKey")), SM.deriveDukptKey(bdkH, ksn, DukptUsage.MAC_REQUEST).kcv());
        assertEquals(Kcv.aes(hex(v, "dataEncryptionKey")), SM.deriveDukptKey(bdkH, ksn, DukptUsage.DATA_REQUEST).kcv());
    }

    // ------------------------------------------------------------------ key exchange

    @ParameterizedTest
    @MethodSource
    void keyexchange(JsonNode v) {
        KeyHandle tmk = SM.importClear(KeyType.TMK, hex(v, "tmk"));
        KeyHandle tpk = SM.importClear(KeyType.TPK, hex(v, "tpk"));
        KeyHandle tak = SM.importClear(KeyType.TAK, hex(v, "tak"));
        assertEquals(text(v, "tmkKcv"), tmk.kcv());
        assertEquals(text(v, "tpkKcv"), tpk.kcv());
        assertEquals(text(v, "takKcv"), tak.kcv());
        ExportedKey p = SM.exportUnderKek(tmk, tpk);
        ExportedKey a = SM.exportUnderKek(tmk, tak);
        assertEquals(text(v, "tpkUnderTmk"), p.encryptedHex());
        assertEquals(text(v, "tpkKcv"), p.kcv());
        assertEquals(text(v, "takUnderTmk"), a.encryptedHex());
        assertEquals(text(v, "takKcv"), a.kcv());
        String de48 = SignOnKeys.de48(SM, tmk, tpk, tak);
        assertEquals(text(v, "de48"), de48);
        assertEquals(SignOnKeys.DE48_LENGTH, de48.length());

        // the terminal side imports what was sent and gets the same keys
        SignOnKeys.Accepted acc = SignOnKeys.accept(SM, tmk, text(v, "de48"));
        assertEquals(tpk, acc.tpk());
        assertEquals(tak, acc.tak());
        // a wrong KCV is refused
        String bad = de48.substring(0, 32) + "000000" + de48.substring(38);
        KeyCheckException e = assertThrows(KeyCheckException.class, () -> SignOnKeys.accept(SM, tmk, bad));
        assertEquals(KeyType.TPK, e.keyType());
    }
}
