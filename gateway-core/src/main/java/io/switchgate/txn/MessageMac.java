package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.SecurityModule;

/**
 * The contract's message MAC: ISO 9797-1 algorithm 3 (X9.19 retail MAC), padding method 1, over the packed
 * message from the first MTI byte to the last byte before the MAC field, carried in DE 64, or in DE 128 when
 * the message has a field above 64. Used for terminal responses, host requests and the terminal simulator.
 */
public final class MessageMac {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MessageMac() {
    }

    /**
     * Whether a MAC carried in {@code macField} covers every field of {@code m}: the MAC is over the bytes before its
     * field, so a MAC in DE 64 of a message with fields above 64 would leave those unauthenticated (DE 70 of an 0800,
     * DE 90 of a reversal: anyone could change them). Such a message belongs in DE 128, and is refused otherwise.
     */
    public static boolean coversEveryField(IsoMessage m, int macField) {
        return macField == 128 || macField(m) == 64;
    }

    /**
     * An echo (0800, DE 70 {@code 301}) MACed in DE 64, with nothing above 64 but DE 70: taken (contract section 4,
     * "an 0800 ... carries DE 64 (or 128)"). DE 70 is the one field left out of the MAC, and changing it gains nothing:
     * made {@code 001} the message is a sign-on MACed in DE 64, which is refused, since a sign-on replaces the
     * terminal's keys (an echo an eavesdropper turned into one would lock the terminal out); any other code is no
     * request the gateway serves. Reversals (DE 90) and sign-ons still need DE 128.
     */
    static boolean echoMacedInDe64(IsoMessage m, int macField) {
        return macField == 64 && "0800".equals(m.getMti()) && "301".equals(m.getString(70))
                && !m.hasAnyField(65, 69) && !m.hasAnyField(71, 192);
    }

    /** DE 128 when a field above 64 (other than 128) is present, else DE 64. */
    public static int macField(IsoMessage m) {
        return m.hasAnyField(65, 127) || m.hasAnyField(129, 192) ? 128 : 64;
    }

    /** Packs {@code m} with its MAC under {@code key}; {@code m} is left holding the MAC in the MAC field. */
    public static byte[] pack(Dialect dialect, IsoMessage m, KeyHandle key, SecurityModule security) {
        int macField = macField(m);
        m.unset(macField == 64 ? 128 : 64);
        m.set(macField, new byte[8]);
        byte[] packed = dialect.pack(m);
        int offset = packed.length - encodedMacSize(dialect, macField, packed);
        byte[] mac = security.generateMac(key, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, offset);
        m.set(macField, mac);
        int encoded = packed.length - offset;
        if (encoded == 8) {
            System.arraycopy(mac, 0, packed, offset, 8);
            return packed;
        }
        if (encoded == 16) { // a dialect that carries the MAC field as hex text
            for (int i = 0; i < 8; i++) {
                packed[offset + 2 * i] = HEX[(mac[i] >> 4) & 0xF];
                packed[offset + 2 * i + 1] = HEX[mac[i] & 0xF];
            }
            return packed;
        }
        return dialect.pack(m);
    }

    /**
     * How many bytes the (last, fixed 8-byte binary) MAC field takes on the wire: 8 raw, 16 as hex text. For a
     * dialect that declares it otherwise, the packed message is parsed to find out (rare, not the hot path).
     */
    private static int encodedMacSize(Dialect dialect, int macField, byte[] packed) {
        io.switchgate.iso.FieldSpec spec = dialect.field(macField);
        if (spec != null && spec.isFixed() && spec.maxLength() == 8) {
            if (spec.encoding() == io.switchgate.iso.FieldSpec.Encoding.BINARY) return 8;
            if (spec.encoding() == io.switchgate.iso.FieldSpec.Encoding.HEX) return 16;
        }
        return packed.length - dialect.unpack(packed).offsetOf(macField);
    }

    /**
     * Verifies the MAC of a message parsed from {@code raw}: null when it carries none, else whether it
     * verifies under {@code key} (compared in constant time by the security module).
     */
    public static Boolean verify(byte[] raw, IsoMessage parsed, KeyHandle key, SecurityModule security) {
        int macField = parsed.hasField(128) ? 128 : parsed.hasField(64) ? 64 : -1;
        if (macField < 0) return null;
        if (!coversEveryField(parsed, macField) && !echoMacedInDe64(parsed, macField)) return false;
        int offset = parsed.offsetOf(macField);
        byte[] mac = parsed.getBytes(macField);
        if (key == null || offset < 0 || mac == null || mac.length != 8) return false;
        return security.verifyMac(key, MacAlgorithm.X919_RETAIL_PAD1, raw, 0, offset, mac, 0, 8);
    }
}
