package io.switchgate.server.terminal;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.Hex;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SecurityModule;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.server.net.Framing;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.MessageHandler;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminalClientTest {

    static final String TMK1 = "D56152AB7370ECD5ABDF2F4C8591A1FE";
    static final String TPK1 = "EC3D756DD35498A8DC2FCDA875D358FD";
    static final String TAK1 = "BAD09770CBA42FEFAB327F86C7F49883";

    static final Dialect D = Dialect.named("iso87binary");
    final SecurityModule sm = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
    final KeyHandle tmk = sm.importClear(KeyType.TMK, Hex.decode(TMK1));
    final KeyHandle tpk = sm.importClear(KeyType.TPK, Hex.decode(TPK1));
    final KeyHandle tak = sm.importClear(KeyType.TAK, Hex.decode(TAK1));

    private TerminalServer server;
    final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A fake gateway: checks the request MAC, answers 00 with a MAC, echoes the usual fields. */
    MessageHandler fakeGateway(long delayPerStan) {
        return (bytes, listener) -> {
            received.add(bytes);
            IsoMessage m = D.unpack(bytes);
            IsoMessage r = m.toResponse(3, 4, 7, 11, 12, 13, 41, 42, 49);
            boolean macOk = true;
            if (m.hasField(64)) {
                int off = m.offsetOf(64);
                macOk = sm.verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, bytes, 0, off, m.getBytes(64), 0, 8);
            }
            r.set(39, macOk ? "00" : "63");
            if (!macOk) {
                r.set(44, "MAC_INVALID");
            }
            r.set(37, "01" + m.getString(11) + "0000");
            if (m.getString(3) != null && m.getString(3).startsWith("31")) {
                r.set(54, "1002156C000000123456");
            }
            byte[] out = D.pack(r);
            long delay = delayPerStan <= 0 ? 0 : (1_000_000 - Integer.parseInt(m.getString(11))) % 7 * delayPerStan;
            return CompletableFuture.supplyAsync(() -> out, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
        };
    }

    int start(MessageHandler h, String framing) {
        server = new TerminalServer(List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, framing, "iso87binary", 8192, 300)), h)
                .start();
        return server.port("pos");
    }

    RequestBuilder builder() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
        return new RequestBuilder(D, sm, "TERM0001", "MERCHANT0000001", clock, ZoneOffset.UTC).keys(tmk, tpk, tak);
    }

    @Test
    void saleHasTheContractFieldsAndJposReadsIt() throws Exception {
        RequestBuilder b = builder();
        IsoMessage sale = b.sale("000123", Card.DEMO, 10000);
        byte[] packed = b.pack(sale);
        ISOMsg j = new ISOMsg();
        j.setPackager(new ISO87BPackager());
        j.unpack(packed);
        assertEquals("0200", j.getMTI());
        assertEquals("6212345678901232", j.getString(2));
        assertEquals("000000", j.getString(3));
        assertEquals("000000010000", j.getString(4));
        assertEquals("0304050607", j.getString(7));
        assertEquals("000123", j.getString(11));
        assertEquals("050607", j.getString(12));
        assertEquals("0304", j.getString(13));
        assertEquals("2812", j.getString(14));
        assertEquals("011", j.getString(22));
        assertEquals("00", j.getString(25));
        assertEquals("TERM0001", j.getString(41));
        assertEquals("MERCHANT0000001", j.getString(42));
        assertEquals("156", j.getString(49));
        // PIN block: ISO format 0 under the TPK
        byte[] pinBlock = j.getBytes(52);
        assertEquals(8, pinBlock.length);
        assertTrue(sm.verifyPin(tpk, PinFormat.ISO0, pinBlock, "6212345678901232", sm.encryptPinForStorage("1234")));
        assertFalse(sm.verifyPin(tpk, PinFormat.ISO0, pinBlock, "6212345678901232", sm.encryptPinForStorage("4321")));
        // MAC: X9.19 over everything before DE 64
        byte[] mac = j.getBytes(64);
        byte[] expect = sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8);
        assertArrayEquals(expect, mac);
    }

    /** On an {@code iso93binary} listener the simulator writes the 1993 layout, read back by jPOS's own 1993 packager. */
    @Test
    void aSaleInThe1993LayoutHasItsDateTimeAndPosDataCode() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
        RequestBuilder b = new RequestBuilder(Dialect.named("iso93binary"), sm, "TERM0001", "MERCHANT0000001", clock,
                ZoneOffset.UTC).keys(tmk, tpk, tak);
        ISOMsg j = new ISOMsg();
        j.setPackager(new org.jpos.iso.packager.GenericPackager("jar:packager/iso93binary.xml"));
        j.unpack(b.pack(b.sale("000124", Card.DEMO, 10000)));
        assertEquals("260304050607", j.getString(12), "YYMMDDhhmmss");
        assertFalse(j.hasField(13), "the 1993 DE 13 is the card's effective date: not sent");
        assertFalse(j.hasField(25), "the 1993 DE 25 is a message reason code: not sent");
        assertEquals("610101613004", j.getString(22), "key entry, attended, cardholder and card present, PIN of 4");
        IsoMessage noPin = b.sale("000125", new Card("6212345678901232", "2812", null), 100);
        assertEquals("600101600000", noPin.getString(22));
        // a reversal names its original in DE 56 (the 1993 DE 90 has 10 digits; packing 42 failed, an audit)
        j = new ISOMsg();
        j.setPackager(new org.jpos.iso.packager.GenericPackager("jar:packager/iso93binary.xml"));
        j.unpack(b.pack(b.reversal("1420", "000126", "1200", "000124", null, Card.DEMO, 10000)));
        assertEquals("1200000124000000000000", j.getString(56));
        assertFalse(j.hasField(90));
    }

    @Test
    void settlementMacGoesToDe128AndReversalCarriesDe90() throws Exception {
        RequestBuilder b = builder();
        byte[] settle = b.pack(b.settlement("000200", 2, 20000, 1, 500));
        ISOMsg j = new ISOMsg();
        j.setPackager(new ISO87BPackager());
        j.unpack(settle);
        assertEquals("0500", j.getMTI());
        assertEquals("0000000001", j.getString(74));
        assertEquals("0000000002", j.getString(76));
        assertEquals("0000000000000500", j.getString(86));
        assertEquals("0000000000020000", j.getString(88));
        assertFalse(j.hasField(64));
        assertArrayEquals(sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, settle, 0, settle.length - 8), j.getBytes(128));

        byte[] rev = b.pack(b.reversal("0400", "000201", "0200", "000123", null, null, 10000));
        j = new ISOMsg();
        j.setPackager(new ISO87BPackager());
        j.unpack(rev);
        assertEquals("0400", j.getMTI());
        assertEquals("0200000123", j.getString(90).substring(0, 10));
        assertEquals(42, j.getString(90).length());
        assertEquals("000000010000", j.getString(4));
    }

    @Test
    void echoAndSignOnCarryNoMac() {
        RequestBuilder b = builder();
        IsoMessage echo = b.echo("000001");
        b.pack(echo);
        assertFalse(echo.hasField(64));
        assertEquals("301", echo.getString(70));
        IsoMessage signOn = b.signOn("000002");
        assertEquals("001", signOn.getString(70));
        assertEquals("MERCHANT0000001", signOn.getString(42));
    }

    @Test
    void signOnKeysFromDe48AreCheckedAndTaken() {
        RequestBuilder b = new RequestBuilder(D, sm, "TERM0001", "MERCHANT0000001").keys(tmk, null, null);
        IsoMessage resp = new IsoMessage("0810").dialect(D);
        // payment-crypto-vectors.json keyexchange-1: TPK-1 and TAK-1 under TMK-1
        resp.set(48, "D38782559B03480752B102D724A45117C2494AE8C34B29C4795A9277E62D2D1EB5AE0CFA6993");
        assertTrue(b.acceptSignOnKeys(resp));
        assertEquals("C2494A", b.tpk().kcv());
        assertEquals("FA6993", b.tak().kcv());
        IsoMessage bad = new IsoMessage("0810").dialect(D);
        bad.set(48, "D38782559B03480752B102D724A45117C2494BE8C34B29C4795A9277E62D2D1EB5AE0CFA6993");
        assertThrows(RuntimeException.class, () -> b.acceptSignOnKeys(bad));
    }

    @Test
    void pipelinedExchangesMatchedByStanOverEachFraming() throws Exception {
        for (String framing : List.of("nac2", "ascii4", "nac2-tpdu")) {
            if (server != null) {
                server.close();
            }
            int port = start(fakeGateway(15), framing);
            RequestBuilder b = builder();
            try (TerminalClient c = TerminalClient.connect("127.0.0.1", port, Framing.of(framing), D)) {
                List<CompletableFuture<TerminalClient.Response>> fs = new ArrayList<>();
                List<String> stans = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String stan = b.nextStan();
                    stans.add(stan);
                    fs.add(c.send(b.pack(b.sale(stan, Card.DEMO, 100 + i)), stan));
                }
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 20; i++) {
                    TerminalClient.Response r = fs.get(i).get(10, TimeUnit.SECONDS);
                    assertEquals(stans.get(i), r.message().getString(11), framing);
                    assertEquals("00", r.code(), framing + ": request MAC verified by the fake gateway");
                    assertEquals(String.format("%012d", 100 + i), r.message().getString(4));
                    seen.add(r.message().getString(11));
                }
                assertEquals(20, seen.size());
            }
        }
    }

    @Test
    void responseLineReadsCodeReasonBalanceRrn() throws Exception {
        int port = start(fakeGateway(0), "nac2");
        RequestBuilder b = builder();
        try (TerminalClient c = TerminalClient.connect("127.0.0.1", port, Framing.NAC2, D)) {
            TerminalClient.Response r = c.exchange(b, b.balance("000777", Card.DEMO), Duration.ofSeconds(5));
            assertEquals("balance -> 00 approved balance=123456 rrn=010007770000",
                    ResponseLine.format("balance", r.message(), b.verifyResponseMac(r.raw(), r.message())));
        }
        IsoMessage declined = new IsoMessage("0210").dialect(D);
        declined.set(39, "12").set(44, "REFUND_WINDOW_EXPIRED").set(37, "010000000001");
        assertEquals("refund 500 -> 12 invalid transaction REFUND_WINDOW_EXPIRED rrn=010000000001",
                ResponseLine.format("refund 500", declined, null));
        assertEquals("sale 1 -> 00 approved RESPONSE_MAC_INVALID", ResponseLine.format("sale 1", new IsoMessage("0210").set(39, "00"), false));
        // a listener in iso93binary answers ISO 8583:1993 action codes: shown with the code they stand for
        io.switchgate.iso.Dialect d93 = io.switchgate.iso.Dialect.named("iso93binary");
        IsoMessage low = d93.unpack(d93.pack(new IsoMessage("0210").set(39, "116").set(44, "INSUFFICIENT_FUNDS")));
        assertEquals("sale 900 -> 116 (51) insufficient funds INSUFFICIENT_FUNDS", ResponseLine.format("sale 900", low, null));
        IsoMessage ok = d93.unpack(d93.pack(new IsoMessage("0210").set(39, "000").set(38, "123456")));
        assertEquals("sale 1 -> 000 (00) approved auth=123456", ResponseLine.format("sale 1", ok, null));
        assertEquals("-5", ResponseLine.balance("1002156D000000000005"));
        assertEquals("700", ResponseLine.balance("1001156C0000000009991002156C000000000700"));
    }

    @Test
    void stansAreSixDigitsAndDistinct() {
        RequestBuilder b = builder();
        Set<String> s = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String stan = b.nextStan();
            assertTrue(stan.matches("\\d{6}"), stan);
            s.add(stan);
        }
        assertEquals(1000, s.size());
    }
}
