package io.switchgate.security;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.security.Key;
import java.util.Properties;
import org.jpos.core.SimpleConfiguration;
import org.jpos.security.EncryptedPIN;
import org.jpos.security.KeySerialNumber;
import org.jpos.security.SMAdapter;
import org.jpos.security.SecureDESKey;
import org.jpos.security.jceadapter.JCESecurityModule;

/**
 * jPOS 2.1.10's JCESecurityModule (on SunJCE, with a throw-away LMK) as an independent oracle.
 * Where jPOS keeps a routine non-public (its ISO 9797-1 algorithm 3 MAC, LMK decryption, DUKPT
 * derivation) it is called through reflection; nothing of jPOS is copied.
 */
final class JposOracle {
    final JCESecurityModule sm;
    private final Method decryptFromLmk;
    private final Method macAlg3;
    private final Method derivedKey;

    JposOracle() {
        try {
            File dir = Files.createTempDirectory("jpos-lmk").toFile();
            dir.deleteOnExit();
            File lmk = new File(dir, "lmk");
            lmk.deleteOnExit();
            Properties p = new Properties();
            p.put("lmk", lmk.getAbsolutePath());
            p.put("rebuildlmk", "true");
            p.put("provider", SunJceShim.class.getName());
            sm = new JCESecurityModule();
            sm.setConfiguration(new SimpleConfiguration(p));
            decryptFromLmk = JCESecurityModule.class.getDeclaredMethod("decryptFromLMK", SecureDESKey.class);
            decryptFromLmk.setAccessible(true);
            macAlg3 = JCESecurityModule.class.getDeclaredMethod("calculateMACISO9797Alg3", Key.class, byte[].class);
            macAlg3.setAccessible(true);
            derivedKey = JCESecurityModule.class.getDeclaredMethod("calculateDerivedKey", KeySerialNumber.class, SecureDESKey.class, boolean.class, boolean.class);
            derivedKey.setAccessible(true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up jPOS JCESecurityModule", e);
        }
    }

    SecureDESKey key(String type, byte[] clear) throws Exception {
        short len = switch (clear.length) {
            case 8 -> SMAdapter.LENGTH_DES;
            case 16 -> SMAdapter.LENGTH_DES3_2KEY;
            default -> SMAdapter.LENGTH_DES3_3KEY;
        };
        return sm.formKEYfromClearComponents(len, type, Hex.encode(clear));
    }

    String kcv(SecureDESKey k) throws Exception {
        return Hex.encode(sm.generateKeyCheckValue(k), 0, 3);
    }

    byte[] x919Mac(SecureDESKey k, byte[] data) throws Exception {
        Key clear = (Key) decryptFromLmk.invoke(sm, k);
        return (byte[]) macAlg3.invoke(sm, clear, data);
    }

    byte[] encryptPinFormat0(String pin, String pan, SecureDESKey k) throws Exception {
        return sm.encryptPIN(pin, pan, k).getPINBlock(); // jPOS extracts the 12 digits itself
    }

    byte[] translate(byte[] block, byte fromFormat, String pan, SecureDESKey from, SecureDESKey to, byte toFormat) throws Exception {
        EncryptedPIN in = new EncryptedPIN(block, fromFormat, EncryptedPIN.extractAccountNumberPart(pan), false);
        return sm.translatePIN(in, from, to, toFormat).getPINBlock();
    }

    /** DUKPT (TDES): the PIN key (dataKey false) or the request data key (dataKey true) for a 20-hex KSN. */
    byte[] dukpt(String ksnHex, SecureDESKey bdk, boolean dataKey) throws Exception {
        KeySerialNumber ksn = new KeySerialNumber(ksnHex, 10, 4, 6);
        return (byte[]) derivedKey.invoke(sm, ksn, bdk, true, dataKey);
    }
}
