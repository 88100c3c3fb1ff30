package io.switchgate.server.host;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.txn.Gateway;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostAuthorizerTest.mti;
import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A terminal on an {@code iso93binary} listener routed to an {@code iso87binary} host (the jPOS simulator): the fields
 * whose meaning differs between the layouts reach the host in its own (see {@link FieldLayouts}), and the terminal
 * gets the host's answer as 1993 action codes. Before, every such request was answered {@code 96 HOST_MAPPING_FAILED}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Iso93TerminalAtIso87HostTest {
    static final Dialect D93 = Dialect.named("iso93binary");
    HostSimulator sim;
    Gateway gw;

    @BeforeEach
    void setUp() {
        quietLogs();
        sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234");
        gw = startConnected(config("01", "memory:", "sa", "", List.of(host("acqA", List.of("127.0.0.1:" + sim.port), 400)),
                "iso93binary"));
    }

    @AfterEach
    void tearDown() {
        closeAndCheck(gw, sim);
    }

    /** A sale in the 1993 layout: DE 12 YYMMDDhhmmss, DE 13 the card's effective date, DE 22 a POS data code, DE 25 a reason. */
    static IsoMessage sale93(String posDataCode) {
        return financial("000000", 1234).set(12, "261206143005").set(13, "2401").set(22, posDataCode).set(25, "1510");
    }

    IsoMessage send(IsoMessage m) throws Exception {
        return D93.unpack(gw.handle(D93.pack(m), "pos").get(20, TimeUnit.SECONDS));
    }

    @Test
    void aChipSaleWithAPinReachesTheHostInThe1987LayoutAndIsApprovedAs000() throws Exception {
        // cardholder present (5: 0), card present (6: 1), chip (7: 5), PIN of 4 digits captured (12: 4)
        IsoMessage resp = send(withPin(gw, sale93("000001500004"), "1234"));
        assertEquals("000", resp.getString(39), "the host's 00 as the 1993 action code");
        assertEquals("261206143005", resp.getString(12), "the terminal's own DE 12 echoed");
        ISOMsg h = sim.ofMti("0200").get(0);
        assertEquals("143005", h.getString(12), "1987 DE 12: the time");
        assertEquals("1206", h.getString(13), "1987 DE 13: the local date, not the card's effective date");
        assertEquals("051", h.getString(22), "chip, PIN can be entered");
        assertEquals("00", h.getString(25), "normal presentment, not the 1993 message reason code");
        assertEquals(resp.getString(37), h.getString(37));
        assertEquals("A" + h.getString(11).substring(1), resp.getString(38));
        assertEquals("00", gw.store().findByRrn(resp.getString(37)).orElseThrow().responseCode());
    }

    @Test
    void aKeyedMailOrderSaleBecomesManualEntryAndAMailOrderCondition() throws Exception {
        // mail order (5: 2), card not present (6: 0), key entered (7: 6), no PIN capture (12: 0)
        IsoMessage resp = send(sale93("000020600000"));
        assertEquals("000", resp.getString(39));
        ISOMsg h = sim.ofMti("0200").get(0);
        assertEquals("012", h.getString(22));
        assertEquals("08", h.getString(25));
    }

    @Test
    void aHostDeclineReachesTheTerminalAsTheActionCodeOfTheSameMeaning() throws Exception {
        IsoMessage resp = send(withPin(gw, sale93("000001200001"), "9999")); // the host's PIN is 1234
        assertEquals("117", resp.getString(39), "incorrect PIN: 117 in 1993, 55 in 1987");
        assertEquals("55", gw.store().findByRrn(resp.getString(37)).orElseThrow().responseCode());
        assertEquals("020", sim.ofMti("0200").get(0).getString(22), "magnetic stripe, PIN capability unknown");
    }

    /** A refund follows its sale to the host, and its 1993 fields are rewritten like the sale's. */
    @Test
    void aRefundFollowsItsSaleToTheHostInThe1987Layout() throws Exception {
        IsoMessage sale = send(sale93("000001500000"));
        assertEquals("000", sale.getString(39));
        IsoMessage refund = send(financial("200000", 500).set(12, "261206150000").set(22, "000001600000")
                .set(25, "1510").set(37, sale.getString(37)));
        assertEquals("000", refund.getString(39), refund.toString());
        ISOMsg h = sim.ofMti("0200").get(1);
        assertEquals("200000", h.getString(3));
        assertEquals("150000", h.getString(12));
        assertEquals("1206", h.getString(13));
        assertEquals("012", h.getString(22), "keyed, no PIN capture");
        assertEquals("00", h.getString(25));
    }

    /** No answer from the host: the 1993 terminal hears 907 (the 91 of 1987), and the reversal reaches the host once. */
    @Test
    void aHostThatDoesNotAnswerGives907AndItsReversal() throws Exception {
        sim.behaviour = m -> "0200".equals(mti(m)) ? HostSimulator.Reply.silent() : HostSimulator.Reply.approve();
        IsoMessage resp = send(sale93("000001500000"));
        assertEquals("907", resp.getString(39));
        assertEquals("HOST_TIMEOUT", resp.getString(44));
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        waitFor("reversal delivered", 5000, () -> host(gw, "acqA").safDepth() == 0 && sim.reversalsApplied.containsKey(hostStan));
        assertEquals("91", gw.store().findByRrn(resp.getString(37)).orElseThrow().responseCode(), "journaled as decided");
        gw.close();
        gw = null;
        awaitAllHandled(sim);
        assertEquals(1, sim.reversalsReceived.get(hostStan).get());
    }
}
