package io.switchgate.bench.crypto;

import io.switchgate.security.DukptTdes;
import io.switchgate.security.DukptUsage;
import io.switchgate.security.Hex;
import io.switchgate.security.KeyAlgorithm;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SoftwareSecurityModule;
import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.security.Key;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.jpos.core.SimpleConfiguration;
import org.jpos.security.EncryptedPIN;
import org.jpos.security.KeySerialNumber;
import org.jpos.security.SMAdapter;
import org.jpos.security.SecureDESKey;
import org.jpos.security.jceadapter.JCESecurityModule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Payment crypto, switchgate's SoftwareSecurityModule (BouncyCastle lightweight engines) beside
 * jPOS 2.1.10's JCESecurityModule (on the JDK's SunJCE) in the same run, plus the bare block-cipher
 * cost of the same bytes.
 *
 * <ul>
 *   <li>{@code mac_*}: X9.19 retail MAC (ISO 9797-1 alg. 3, padding 1) over a 200-byte message, and
 *       AES-CMAC over the same 200 bytes. jPOS has no public X9.19 call that runs on SunJCE, so its own
 *       algorithm-3 routine (the one its DUKPT code uses) is called through reflection, after the key is
 *       decrypted from its LMK as its API does on every call ({@code jpos_x919_perCall}), and also with
 *       the key decrypted once ({@code jpos_x919_clearKeyCached}). jPOS 2.1.10 has no AES-CMAC.</li>
 *   <li>{@code bare_*}: the block cipher alone over the same bytes with a pre-keyed BouncyCastle
 *       engine: 25 single-DES CBC blocks (what X9.19 chains before its final two DES operations) and
 *       13 AES blocks (what CMAC runs over 200 bytes).</li>
 *   <li>{@code pin_translate_*}: format 0 under a TPK to format 0 under a ZPK.</li>
 *   <li>{@code dukpt_*}: DUKPT PIN key for one device whose transaction counter advances 1, 2, 3, ...
 *       (counters with more than 10 one-bits skipped, as X9.24-1 devices do; 1000 KSNs in rotation).
 *       Ours: the module call (cached host-side derivation, the key wrapped under the master key as a
 *       handle) and the pure uncached derivation from the BDK; jPOS: its DUKPT derivation
 *       ({@code calculateDerivedKey}, reflection), uncached. {@code dukpt_pin_translate_*}: the whole host
 *       step, a format 0 PIN block under the device's DUKPT key translated to a ZPK (jPOS: its public
 *       {@code translatePIN} with a KSN and BDK). Plus ours for AES DUKPT (no jPOS counterpart).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CryptoBenchmark {
    static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    static final byte[] TAK = Hex.decode("BAD09770CBA42FEFAB327F86C7F49883");
    static final byte[] TPK = Hex.decode("EC3D756DD35498A8DC2FCDA875D358FD");
    static final byte[] ZPK = Hex.decode("EF1C7C8FD6F24A86DF1364CB2C97191F");
    static final byte[] AES_KEY = Hex.decode("2B7E151628AED2A6ABF7158809CF4F3C");
    static final byte[] BDK = Hex.decode("0123456789ABCDEFFEDCBA9876543210");
    static final byte[] AES_BDK = Hex.decode("FEDCBA9876543210F1F1F1F1F1F1F1F1");
    static final String PAN = "6212345678901232";
    static final int KSNS = 1000;

    byte[] message;
    SoftwareSecurityModule sm;
    KeyHandle tak;
    KeyHandle aesTak;
    KeyHandle tpk;
    KeyHandle zpk;
    KeyHandle bdk;
    KeyHandle aesBdk;
    byte[] pinBlock;
    byte[][] ksnTdes = new byte[KSNS][];
    byte[][] ksnAes = new byte[KSNS][];
    byte[][] dukptPinBlocks = new byte[KSNS][];
    KeySerialNumber[] jKsns = new KeySerialNumber[KSNS];
    EncryptedPIN[] jDukptPinBlocks = new EncryptedPIN[KSNS];
    int next;

    BlockCipher bareDes;
    BlockCipher bareAes;
    byte[] chain8 = new byte[8];
    byte[] chain16 = new byte[16];
    byte[] aesPadded;

    JCESecurityModule jpos;
    Method jposDecryptFromLmk;
    Method jposMacAlg3;
    Method jposDerivedKey;
    SecureDESKey jTak;
    SecureDESKey jTpk;
    SecureDESKey jZpk;
    SecureDESKey jBdk;
    Key jTakClear;
    EncryptedPIN jPinBlock;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        message = new byte[200];
        for (int i = 0; i < message.length; i++) message[i] = (byte) i;
        sm = SoftwareSecurityModule.fromHex(MASTER);
        tak = sm.importClear(KeyType.TAK, TAK);
        aesTak = sm.importClear(KeyType.TAK, KeyAlgorithm.AES, AES_KEY);
        tpk = sm.importClear(KeyType.TPK, TPK);
        zpk = sm.importClear(KeyType.ZPK, ZPK);
        bdk = sm.importClear(KeyType.BDK, BDK);
        aesBdk = sm.importClear(KeyType.BDK, KeyAlgorithm.AES, AES_BDK);
        pinBlock = sm.encryptPinBlock(tpk, PinFormat.ISO0, "1234", PAN);
        for (int i = 0, counter = 1; i < KSNS; counter++) {
            if (Integer.bitCount(counter) > 10) continue;
            ksnTdes[i] = Hex.decode(String.format("FFFF9876543210%06X", 0xE00000 | counter));
            ksnAes[i] = Hex.decode(String.format("1234567890123456%08X", counter));
            i++;
        }

        bareDes = new DESEngine();
        bareDes.init(true, new KeyParameter(Arrays.copyOf(TAK, 8)));
        bareAes = AESEngine.newInstance();
        bareAes.init(true, new KeyParameter(AES_KEY));
        aesPadded = Arrays.copyOf(message, 208);

        File dir = Files.createTempDirectory("jpos-lmk").toFile();
        File lmk = new File(dir, "lmk");
        lmk.deleteOnExit();
        dir.deleteOnExit();
        Properties p = new Properties();
        p.put("lmk", lmk.getAbsolutePath());
        p.put("rebuildlmk", "true");
        p.put("provider", SunJceShim.class.getName());
        jpos = new JCESecurityModule();
        jpos.setConfiguration(new SimpleConfiguration(p));
        jposDecryptFromLmk = JCESecurityModule.class.getDeclaredMethod("decryptFromLMK", SecureDESKey.class);
        jposDecryptFromLmk.setAccessible(true);
        jposMacAlg3 = JCESecurityModule.class.getDeclaredMethod("calculateMACISO9797Alg3", Key.class, byte[].class);
        jposMacAlg3.setAccessible(true);
        jposDerivedKey = JCESecurityModule.class.getDeclaredMethod("calculateDerivedKey", KeySerialNumber.class, SecureDESKey.class, boolean.class, boolean.class);
        jposDerivedKey.setAccessible(true);
        jTak = jpos.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_TAK, Hex.encode(TAK));
        jTpk = jpos.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_TPK, Hex.encode(TPK));
        jZpk = jpos.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_ZPK, Hex.encode(ZPK));
        jBdk = jpos.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_BDK, Hex.encode(BDK));
        jTakClear = (Key) jposDecryptFromLmk.invoke(jpos, jTak);
        jPinBlock = new EncryptedPIN(pinBlock, SMAdapter.FORMAT01, EncryptedPIN.extractAccountNumberPart(PAN), false);
        SoftwareSecurityModule terminal = SoftwareSecurityModule.fromHex(MASTER);
        KeyHandle terminalBdk = terminal.importClear(KeyType.BDK, BDK);
        for (int i = 0; i < KSNS; i++) {
            jKsns[i] = new KeySerialNumber(Hex.encode(ksnTdes[i]), 10, 4, 6);
            dukptPinBlocks[i] = terminal.encryptPinBlock(terminal.deriveDukptKey(terminalBdk, ksnTdes[i], DukptUsage.PIN), PinFormat.ISO0, "1234", PAN);
            jDukptPinBlocks[i] = new EncryptedPIN(dukptPinBlocks[i], SMAdapter.FORMAT01, EncryptedPIN.extractAccountNumberPart(PAN), false);
        }

        // both sides compute the same thing
        check(mac_x919_switchgate(), jpos_x919_perCall(), "X9.19 MAC");
        check(pin_translate_switchgate(), pin_translate_jpos(), "PIN translation");
        for (int i = 0; i < 50; i++) {
            next = i;
            byte[] ours = dukpt_tdes_pure_switchgate();
            next = i;
            check(ours, dukpt_tdes_jpos(), "DUKPT PIN key");
            next = i;
            byte[] ourPin = dukpt_pin_translate_switchgate();
            next = i;
            check(ourPin, dukpt_pin_translate_jpos(), "DUKPT PIN translation");
        }
        next = 0;
    }

    private int nextKsn() {
        int i = next;
        next = i + 1 == KSNS ? 0 : i + 1;
        return i;
    }

    private static void check(byte[] a, byte[] b, String what) {
        if (!Arrays.equals(a, b)) throw new IllegalStateException(what + ": switchgate and jPOS disagree");
    }

    // ---------------------------------------------------------------- MAC

    @Benchmark
    public byte[] mac_x919_switchgate() {
        return sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, message, 0, message.length);
    }

    @Benchmark
    public byte[] jpos_x919_perCall() throws Exception {
        Key k = (Key) jposDecryptFromLmk.invoke(jpos, jTak);
        return (byte[]) jposMacAlg3.invoke(jpos, k, message);
    }

    @Benchmark
    public byte[] jpos_x919_clearKeyCached() throws Exception {
        return (byte[]) jposMacAlg3.invoke(jpos, jTakClear, message);
    }

    @Benchmark
    public byte[] bare_des_cbc_200() {
        byte[] c = chain8;
        Arrays.fill(c, (byte) 0);
        byte[] m = message;
        for (int off = 0; off < 200; off += 8) {
            for (int i = 0; i < 8; i++) c[i] ^= m[off + i];
            bareDes.processBlock(c, 0, c, 0);
        }
        return c;
    }

    @Benchmark
    public byte[] mac_aes_cmac_switchgate() {
        return sm.generateMac(aesTak, MacAlgorithm.AES_CMAC, message, 0, message.length);
    }

    @Benchmark
    public byte[] bare_aes_cbc_208() {
        byte[] c = chain16;
        Arrays.fill(c, (byte) 0);
        byte[] m = aesPadded;
        for (int off = 0; off < 208; off += 16) {
            for (int i = 0; i < 16; i++) c[i] ^= m[off + i];
            bareAes.processBlock(c, 0, c, 0);
        }
        return c;
    }

    // ---------------------------------------------------------------- PIN

    @Benchmark
    public byte[] pin_translate_switchgate() {
        return sm.translatePin(tpk, PinFormat.ISO0, pinBlock, PAN, zpk, PinFormat.ISO0);
    }

    @Benchmark
    public byte[] pin_translate_jpos() throws Exception {
        return jpos.translatePIN(jPinBlock, jTpk, jZpk, SMAdapter.FORMAT01).getPINBlock();
    }

    // ---------------------------------------------------------------- DUKPT

    @Benchmark
    public KeyHandle dukpt_tdes_switchgate() {
        return sm.deriveDukptKey(bdk, ksnTdes[nextKsn()], DukptUsage.PIN);
    }

    @Benchmark
    public byte[] dukpt_tdes_pure_switchgate() {
        return DukptTdes.derive(BDK, ksnTdes[nextKsn()], DukptUsage.PIN);
    }

    @Benchmark
    public byte[] dukpt_tdes_jpos() throws Exception {
        return (byte[]) jposDerivedKey.invoke(jpos, jKsns[nextKsn()], jBdk, true, false);
    }

    @Benchmark
    public byte[] dukpt_pin_translate_switchgate() {
        int i = nextKsn();
        KeyHandle pinKey = sm.deriveDukptKey(bdk, ksnTdes[i], DukptUsage.PIN);
        return sm.translatePin(pinKey, PinFormat.ISO0, dukptPinBlocks[i], PAN, zpk, PinFormat.ISO0);
    }

    @Benchmark
    public byte[] dukpt_pin_translate_jpos() throws Exception {
        int i = nextKsn();
        return jpos.translatePIN(jDukptPinBlocks[i], jKsns[i], jBdk, jZpk, SMAdapter.FORMAT01, true).getPINBlock();
    }

    @Benchmark
    public KeyHandle dukpt_aes_switchgate() {
        return sm.deriveDukptKey(aesBdk, ksnAes[nextKsn()], DukptUsage.PIN);
    }
}
