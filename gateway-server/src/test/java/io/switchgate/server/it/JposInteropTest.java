package io.switchgate.server.it;

import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;
import org.jpos.iso.BaseChannel;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOPackager;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.channel.ASCIIChannel;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.GenericPackager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.switchgate.server.it.TestConfigs.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole server driven by jPOS channels as real clients over loopback: NACChannel (nac2, iso87binary),
 * ASCIIChannel (ascii4, iso87ascii) and NACChannel with a TPDU header (nac2-tpdu), for every message type
 * and every response code the engine produces on its own.
 */
class JposInteropTest {
    static Gateway gw;
    static TerminalServer server;
    static ISOPackager binary;
    static ISOPackager ascii;
    static SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex(MASTER);
    static KeyHandle tak = sm.importClear(KeyType.TAK, HexFormat.of().parseHex(TAK1));
    static KeyHandle tpk = sm.importClear(KeyType.TPK, HexFormat.of().parseHex(TPK1));
    static final AtomicInteger STAN = new AtomicInteger(1000);
    static final Set<String> codesSeen = new HashSet<>();

    @BeforeAll
    static void start() throws Exception {
        gw = Gateway.start(TestConfigs.config("memory:"));
        server = new TerminalServer(gw.config().listeners(), gw).start();
        binary = new GenericPackager(JposInteropTest.class.getResourceAsStream("/packager/iso87binary.xml"));
        ascii = new GenericPackager(JposInteropTest.class.getResourceAsStream("/packager/iso87ascii.xml"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (gw != null) gw.close();
        // Every code the engine answers by itself was produced over the wire at least once.
        Set<String> expected = Set.of("00", "03", "12", "13", "14", "25", "30", "51", "54", "55", "58", "61", "63", "75", "91", "94", "95");
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(codesSeen);
        assertTrue(missing.isEmpty(), "response codes never produced over the wire: " + missing);
    }

    static BaseChannel nac(String listener) throws Exception {
        NACChannel c = new NACChannel("127.0.0.1", server.port(listener), binary, null);
        c.connect();
        return c;
    }

    static BaseChannel tpdu() throws Exception {
        NACChannel c = new NACChannel("127.0.0.1", server.port("post"), binary, ISOUtil.hex2byte("6000010002"));
        c.connect();
        return c;
    }

    static BaseChannel asciiChannel() throws Exception {
        ASCIIChannel c = new ASCIIChannel("127.0.0.1", server.port("posa"), ascii);
        c.connect();
        return c;
    }

    static String stan() {
        return ISOUtil.zeropad(STAN.incrementAndGet() % 1_000_000, 6);
    }

    static ISOMsg financial(String terminal, String merchant, String proc, String pan, long amount) throws Exception {
        ISOMsg m = new ISOMsg("0200");
        m.set(2, pan);
        m.set(3, proc);
        m.set(4, ISOUtil.zeropad(amount, 12));
        m.set(7, "1125120000");
        m.set(11, stan());
        m.set(12, "120000");
        m.set(13, "1125");
        m.set(14, "2812");
        m.set(22, "051");
        m.set(25, "00");
        m.set(41, terminal);
        m.set(42, merchant);
        m.set(49, "156");
        return m;
    }

    static ISOMsg withPin(ISOMsg m, String pin) throws Exception {
        m.set(52, sm.encryptPinBlock(tpk, PinFormat.ISO0, pin, m.getString(2)));
        return m;
    }

    /** Adds DE 64 (or 128) with the X9.19 MAC computed over jPOS's own packing. */
    static ISOMsg mac(ISOMsg m, ISOPackager p) throws Exception {
        int field = m.getMaxField() > 64 ? 128 : 64;
        m.set(field, new byte[8]);
        m.setPackager(p);
        byte[] packed = m.pack();
        byte[] mac = sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8);
        m.set(field, mac);
        return m;
    }

    static ISOMsg exchange(BaseChannel c, ISOMsg m) throws Exception {
        c.send(m);
        ISOMsg r = c.receive();
        codesSeen.add(r.getString(39));
        return r;
    }

    static void expect(String code, ISOMsg r) {
        assertEquals(code, r.getString(39), () -> "reason " + r.getString(44));
    }

    @Test
    void echoSignOnSaleBalanceRefundVoidReversalSettlementOverNac() throws Exception {
        BaseChannel c = nac("pos");
        try {
            ISOMsg echo = new ISOMsg("0800");
            echo.set(7, "1125120000");
            echo.set(11, stan());
            echo.set(41, "TERM0006");
            echo.set(70, "301");
            ISOMsg r = exchange(c, echo);
            assertEquals("0810", r.getMTI());
            expect("00", r);

            ISOMsg sale = financial("TERM0006", MERCHANT, "000000", PAN, 10_000);
            r = exchange(c, withPin(sale, "1234"));
            assertEquals("0210", r.getMTI());
            expect("00", r);
            assertEquals(sale.getString(11), r.getString(11));
            assertFalse(r.hasField(2));
            assertFalse(r.hasField(52));
            String saleRrn = r.getString(37);
            assertEquals(12, saleRrn.length());
            assertEquals(6, r.getString(38).length());

            ISOMsg bal = financial("TERM0006", MERCHANT, "310000", PAN, 0);
            bal.unset(4);
            r = exchange(c, withPin(bal, "1234"));
            expect("00", r);
            assertEquals("1002156C000000990000", r.getString(54));

            ISOMsg refund = financial("TERM0006", MERCHANT, "200000", PAN, 2_500);
            refund.set(37, saleRrn);
            r = exchange(c, refund);
            expect("00", r);
            assertNotEquals(saleRrn, r.getString(37));

            ISOMsg sale2 = withPin(financial("TERM0006", MERCHANT, "000000", PAN, 4_000), "1234");
            String rrn2 = exchange(c, sale2).getString(37);
            ISOMsg voidMsg = financial("TERM0006", MERCHANT, "020000", PAN, 4_000);
            voidMsg.set(37, rrn2);
            expect("00", exchange(c, voidMsg));

            ISOMsg sale3 = withPin(financial("TERM0006", MERCHANT, "000000", PAN, 1_000), "1234");
            expect("00", exchange(c, sale3));
            ISOMsg rev = (ISOMsg) sale3.clone();
            rev.setMTI("0400");
            rev.unset(52);
            r = exchange(c, rev);
            assertEquals("0410", r.getMTI());
            expect("00", r);

            ISOMsg settle = new ISOMsg("0500");
            settle.set(7, "1125120000");
            settle.set(11, stan());
            settle.set(41, "TERM0006");
            settle.set(42, MERCHANT);
            settle.set(74, "0000000001");
            settle.set(76, "0000000001");
            settle.set(86, "0000000000002500");
            settle.set(88, "0000000000010000");
            r = exchange(c, settle);
            assertEquals("0510", r.getMTI());
            expect("00", r);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void macRequiredTerminal() throws Exception {
        BaseChannel c = nac("pos");
        try {
            ISOMsg sale = mac(withPin(financial("TERM0001", MERCHANT, "000000", PAN_NOPIN, 100), "1234"), binary);
            ISOMsg r = exchange(c, sale);
            expect("00", r);
            byte[] packed = r.pack();
            assertTrue(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8, r.getBytes(64), 0, 8),
                    "the response MAC verifies under the TAK");
            ISOMsg bad = mac(financial("TERM0001", MERCHANT, "000000", PAN_NOPIN, 100), binary);
            byte[] m = bad.getBytes(64);
            m[0] ^= 1;
            bad.set(64, m);
            r = exchange(c, bad);
            expect("63", r);
            assertEquals("MAC_INVALID", r.getString(44));
            expect("63", exchange(c, financial("TERM0001", MERCHANT, "000000", PAN_NOPIN, 100)));
            ISOMsg signOn = new ISOMsg("0800");
            signOn.set(7, "1125120000");
            signOn.set(11, stan());
            signOn.set(41, "TERM0001");
            signOn.set(42, MERCHANT);
            signOn.set(70, "001");
            ISOMsg noMac = (ISOMsg) signOn.clone();
            r = exchange(c, noMac);
            expect("63", r);
            assertFalse(r.hasField(48), "a sign-on without a MAC issues nothing");
            signOn.set(11, stan());
            r = exchange(c, mac(signOn, binary));
            expect("00", r);
            assertEquals(76, r.getString(48).length());
            packed = r.pack();
            assertTrue(sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8, r.getBytes(128), 0, 8),
                    "the 0810 is MACed (DE 128) under the TAK the sign-on was checked with");
        } finally {
            c.disconnect();
        }
    }

    @Test
    void declinesOverAsciiChannel() throws Exception {
        BaseChannel c = asciiChannel();
        try {
            expect("14", exchange(c, financial("TERM0003", MERCHANT, "000000", "6212345678901231", 100)));
            expect("14", exchange(c, financial("TERM0003", MERCHANT, "000000", PAN_UNKNOWN, 100)));
            expect("54", exchange(c, financial("TERM0003", MERCHANT, "000000", PAN_EXPIRED, 100)));
            expect("51", exchange(c, financial("TERM0003", MERCHANT, "000000", PAN_LOW, 100_000)));
            expect("13", exchange(c, financial("TERM0003", MERCHANT, "000000", PAN_NOPIN, 0)));
            expect("58", exchange(c, financial("TERM0004", MERCHANT, "000000", PAN_NOPIN, 100)));
            expect("58", exchange(c, financial("TERM9999", MERCHANT, "000000", PAN_NOPIN, 100)));
            expect("03", exchange(c, financial("TERM0005", MERCHANT_FROZEN, "000000", PAN_NOPIN, 100)));
            expect("91", exchange(c, financial("TERM0003", MERCHANT, "000000", PAN_GHOST, 100)));
            ISOMsg refund = financial("TERM0003", MERCHANT, "200000", PAN_NOPIN, 100);
            refund.set(37, "079999999999");
            expect("25", exchange(c, refund));
            ISOMsg big = financial("TERM0003", MERCHANT, "000000", PAN_NOPIN, 900_000);
            String rrn = exchange(c, big).getString(37);
            ISOMsg tooBig = financial("TERM0003", MERCHANT, "200000", PAN_NOPIN, 600_000);
            tooBig.set(37, rrn);
            expect("61", exchange(c, tooBig));
            ISOMsg other = financial("TERM0003", MERCHANT, "200000", PAN, 100);
            other.set(37, rrn);
            expect("12", exchange(c, other));
            ISOMsg missing = financial("TERM0003", MERCHANT, "000000", PAN_NOPIN, 100);
            missing.unset(4);
            ISOMsg r = exchange(c, missing);
            expect("30", r);
            assertEquals("MISSING_FIELD_4", r.getString(44));
        } finally {
            c.disconnect();
        }
    }

    @Test
    void pinTriesDuplicatesAndSettlementMismatchOverTpdu() throws Exception {
        BaseChannel c = tpdu();
        try {
            expect("55", exchange(c, withPin(financial("TERM0003", MERCHANT, "000000", PAN_LOW, 1), "0000")));
            expect("55", exchange(c, withPin(financial("TERM0003", MERCHANT, "000000", PAN_LOW, 1), "0000")));
            expect("75", exchange(c, withPin(financial("TERM0003", MERCHANT, "000000", PAN_LOW, 1), "0000")));
            ISOMsg sale = financial("TERM0002", MERCHANT, "000000", PAN_NOPIN, 300);
            ISOMsg first = exchange(c, sale);
            expect("00", first);
            ISOMsg again = exchange(c, (ISOMsg) sale.clone());
            expect("00", again);
            assertEquals(first.getString(37), again.getString(37));
            ISOMsg changed = (ISOMsg) sale.clone();
            changed.set(4, "000000000301");
            expect("94", exchange(c, changed));
            ISOMsg settle = new ISOMsg("0500");
            settle.set(7, "1125120000");
            settle.set(11, stan());
            settle.set(41, "TERM0002");
            settle.set(42, MERCHANT);
            settle.set(74, "0000000000");
            settle.set(76, "0000000009");
            settle.set(86, "0000000000000000");
            settle.set(88, "0000000000000300");
            ISOMsg r = exchange(c, settle);
            expect("95", r);
            assertEquals("0000000001", r.getString(76));
        } finally {
            c.disconnect();
        }
    }
}
