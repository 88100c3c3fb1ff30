package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SoftwareSecurityModule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** The message MAC in every built-in dialect (raw DE 64 in the binary ones, hex text in iso87ascii), DE 64 or 128. */
class MessageMacTest {
    final SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex(EngineFixture.MASTER);
    final KeyHandle tak = sm.importClear(KeyType.TAK, HexFormat.of().parseHex(EngineFixture.TAK1));

    @ParameterizedTest
    @ValueSource(strings = {"iso87binary", "iso87ascii", "iso93binary"})
    void packedMacVerifiesAndAFlippedByteDoesNot(String name) {
        Dialect d = Dialect.named(name);
        for (boolean secondary : new boolean[]{false, true}) {
            IsoMessage m = new IsoMessage("0200").set(3, "000000").set(4, "000000001000").set(11, "000123").set(41, "TERM0001");
            if (secondary) m.set(70, "301");
            byte[] packed = MessageMac.pack(d, m, tak, sm);
            IsoMessage parsed = d.unpack(packed);
            assertEquals(secondary ? 128 : 64, parsed.hasField(128) ? 128 : 64);
            assertEquals(Boolean.TRUE, MessageMac.verify(packed, parsed, tak, sm), name);
            byte[] tampered = packed.clone();
            tampered[parsed.offsetOf(41)] ^= 1;
            assertEquals(Boolean.FALSE, MessageMac.verify(tampered, d.unpack(tampered), tak, sm), name);
        }
        IsoMessage none = new IsoMessage("0200").set(3, "000000");
        assertNull(MessageMac.verify(d.pack(none), d.unpack(d.pack(none)), tak, sm), "no MAC carried");
    }
}
