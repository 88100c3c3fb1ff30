package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.security.MacAlgorithm;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.packager.GenericPackager;
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
        // a MAC in DE 64 with a field above 64 after it (DE 70 of a sign-on here): right over what it covers, refused
        // all the same (an echo alone is taken so: MessageMac.echoMacedInDe64)
        IsoMessage partial = new IsoMessage("0800").set(7, "1125040000").set(11, "000124").set(41, "TERM0001").set(70, "001");
        partial.set(64, new byte[8]);
        byte[] p = d.pack(partial);
        int off = d.unpack(p).offsetOf(64);
        byte[] mac = sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, p, 0, off);
        p = d.pack(partial.set(64, mac)); // the bytes before DE 64 do not change
        assertTrue(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, p, 0, off, mac, 0, 8), name);
        assertEquals(Boolean.FALSE, MessageMac.verify(p, d.unpack(p), tak, sm), name + ": DE 70 is not covered");
        IsoMessage none = new IsoMessage("0200").set(3, "000000");
        assertNull(MessageMac.verify(d.pack(none), d.unpack(d.pack(none)), tak, sm), "no MAC carried");
    }

    /**
     * A MACed response to a parsed request (echoed fields copied from the frame, 37/38/39/44 set, then the MAC field),
     * against jPOS packing the same response with the MAC our module computes over jPOS's own bytes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"iso87binary", "iso87ascii", "iso93binary"})
    void macedResponseToAParsedRequestIsJposBytesWithTheMac(String name) throws Exception {
        Dialect d = Dialect.named(name);
        GenericPackager jp;
        try (var in = GenericPackager.class.getResourceAsStream("/packager/" + name + ".xml")) {
            jp = new GenericPackager(in);
        }
        for (int i = 0; i < 40; i++) {
            IsoMessage built = new IsoMessage("0200").set(2, "621234567890123" + (i % 10)).set(3, "000000")
                    .set(4, String.format("%012d", 100 * i + 1)).set(7, "1125121314").set(11, String.format("%06d", i))
                    .set(12, "121314").set(13, "1125").set(14, "2812").set(22, "051").set(25, "00")
                    .set(35, "6212345678901232=2812101000001230000" + (i % 10)).set(41, "TERM0001")
                    .set(42, "MERCHANT0000001").set(49, "156").set(52, "0123456789ABCDEF");
            if (i % 2 == 1) built.set(70, "301");
            if (i % 3 == 0) built.set(64, "0102030405060708"); // a request MAC that the response does not echo
            byte[] frame = d.pack(built);
            IsoMessage req = d.unpack(frame);
            IsoMessage resp = req.toResponse(ResponseBuilder.ECHOED);
            if (i % 2 == 1) resp.set(70, req.getString(70));
            resp.set(37, "1125120000" + (10 + i)).set(39, i % 4 == 0 ? "05" : "00");
            if (i % 4 == 0) resp.set(44, "DECLINED BY RULE " + i);
            else resp.set(38, "65432" + (i % 10));

            ISOMsg jresp = new ISOMsg(resp.getMti());
            jresp.setPackager(jp);
            for (int n : resp.presentFields()) jresp.set(n, resp.getString(n));
            int macField = i % 2 == 1 ? 128 : 64;
            jresp.set(macField, new byte[8]);
            byte[] zeroMac = jresp.pack();
            int macAt = zeroMac.length - (name.equals("iso87ascii") ? 16 : 8);
            jresp.set(macField, sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, zeroMac, 0, macAt));

            byte[] ours = MessageMac.pack(d, resp, tak, sm);
            assertEquals(ISOUtil.hexString(jresp.pack()), ISOUtil.hexString(ours), name + " #" + i);
            assertEquals(Boolean.TRUE, MessageMac.verify(ours, d.unpack(ours), tak, sm), name + " #" + i);
        }
    }
}
