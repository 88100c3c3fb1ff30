package io.switchgate.server.host;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.txn.MessageMac;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A host's answer is taken only under a MAC that covers all of it (as a terminal's request is). */
class HostMessagesMacTest {
    private final SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
    private final KeyHandle zak = sm.importClear(KeyType.ZAK, HexFormat.of().parseHex("BAD09770CBA42FEFAB327F86C7F49883"));
    private final Dialect d = Dialect.named("iso87binary");

    private IsoMessage answer() {
        return new IsoMessage("0430").set(7, "1125040000").set(11, "000001").set(37, "010000000001").set(39, "00")
                .set(41, "TERM0001").set(90, "020000000111250400000000000000000000000000");
    }

    @Test
    void aMacInDe128CoveringTheWholeAnswerIsTaken() {
        byte[] raw = MessageMac.pack(d, answer(), zak, sm);
        assertTrue(HostMessages.macValid(d.unpack(raw), raw, zak, sm));
    }

    @Test
    void aMacInDe64WithDe90AfterItIsNot() {
        IsoMessage m = answer().set(64, new byte[8]);
        byte[] b = d.pack(m);
        int off = d.unpack(b).offsetOf(64);
        byte[] raw = d.pack(m.set(64, sm.generateMac(zak, MacAlgorithm.X919_RETAIL_PAD1, b, 0, off)));
        assertFalse(HostMessages.macValid(d.unpack(raw), raw, zak, sm), "DE 90 would be anyone's to change");
    }
}
