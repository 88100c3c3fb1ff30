package io.switchgate.security;

import java.util.Objects;

/**
 * The sign-on key exchange of the contract (0800 DE 70 = 001 with a TMK): fresh TPK and TAK, each a
 * double-length TDES key with odd parity, sent in DE 48 as 76 hex characters =
 * enc(TPK) 32 ‖ KCV(TPK) 6 ‖ enc(TAK) 32 ‖ KCV(TAK) 6, encrypted TDES-ECB under the terminal's TMK,
 * KCVs of the clear keys.
 */
public final class SignOnKeys {
    /** Length of DE 48 in hex characters. */
    public static final int DE48_LENGTH = 76;

    /** What a sign-on issued: the new keys (under the master key, to store) and DE 48 for the response. */
    public record Issued(KeyHandle tpk, KeyHandle tak, String de48) {
        @Override
        public String toString() { return "SignOnKeys.Issued[tpk=" + tpk + ", tak=" + tak + "]"; }
    }

    /** The terminal's side: the keys it accepted. */
    public record Accepted(KeyHandle tpk, KeyHandle tak) {}

    private SignOnKeys() {}

    /** Generates a TPK and a TAK and lays them out for DE 48 under the TMK. */
    public static Issued issue(SecurityModule sm, KeyHandle tmk) {
        KeyHandle tpk = sm.generateKey(KeyType.TPK, KeyAlgorithm.TDES);
        KeyHandle tak = sm.generateKey(KeyType.TAK, KeyAlgorithm.TDES);
        return new Issued(tpk, tak, de48(sm, tmk, tpk, tak));
    }

    /** DE 48 for given keys (also used by tests with fixed keys). */
    public static String de48(SecurityModule sm, KeyHandle tmk, KeyHandle tpk, KeyHandle tak) {
        Objects.requireNonNull(tmk, "tmk");
        if (tmk.type() != KeyType.TMK) {
            throw new KeyUsageException("sign-on keys are sent under a TMK, not a " + tmk.type());
        }
        ExportedKey p = sm.exportUnderKek(tmk, tpk);
        ExportedKey a = sm.exportUnderKek(tmk, tak);
        if (p.encrypted().length != 16 || a.encrypted().length != 16) {
            throw new KeyUsageException("sign-on keys must be double-length TDES keys");
        }
        return p.encryptedHex() + p.kcv() + a.encryptedHex() + a.kcv();
    }

    /** The terminal's side: imports the keys in DE 48 under its TMK, checking both KCVs. */
    public static Accepted accept(SecurityModule sm, KeyHandle tmk, String de48) {
        if (de48 == null || de48.length() != DE48_LENGTH || !Hex.isHex(de48)) {
            throw new KeyCheckException(KeyType.TPK, "DE 48 must be 76 hex characters");
        }
        KeyHandle tpk = sm.importUnderKek(tmk, KeyType.TPK, Hex.decode(de48.substring(0, 32)), de48.substring(32, 38));
        KeyHandle tak = sm.importUnderKek(tmk, KeyType.TAK, Hex.decode(de48.substring(38, 70)), de48.substring(70, 76));
        return new Accepted(tpk, tak);
    }
}
