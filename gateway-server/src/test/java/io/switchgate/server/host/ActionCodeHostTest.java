package io.switchgate.server.host;

import io.switchgate.iso.IsoMessage;
import io.switchgate.txn.Gateway;
import org.jpos.iso.packager.GenericPackager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A host whose DE 39 is a three-digit action code (ISO 8583:1993): a GenericPackager XML file that is jPOS's
 * {@code iso87binary.xml} with DE 39 as {@code IFB_NUMERIC} of 3, named as the host's dialect, and the jPOS simulator
 * speaking that same file. The host's action codes reach the terminal (an {@code iso87binary} listener) and the journal
 * as the 1987 codes of the same meaning; an approval with a condition is not taken as a plain answer: the terminal gets
 * {@code 91} and the host gets the reversal, which it accepts with {@code 400}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ActionCodeHostTest {
    /** What this host writes for the simulator's two-character replies (a three-character reply goes out as it is). */
    static final Map<String, String> ACTION = Map.of("00", "000", "51", "116", "55", "117");

    HostSimulator sim;
    Gateway gw;

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        quietLogs();
        Path xml = dir.resolve("iso87-action-codes.xml");
        Files.writeString(xml, iso87WithThreeDigitDe39());
        sim = new HostSimulator(HostSimulator.freePort(), ZPK, ZAK, ACQ, "1234", new GenericPackager(xml.toString()));
        sim.codeOnWire = (mti, code) -> code.length() == 3 ? code
                : mti.startsWith("04") && "00".equals(code) ? "400" : ACTION.getOrDefault(code, code);
        var host = new io.switchgate.config.GatewayConfig.Host("acqA", List.of("127.0.0.1:" + sim.port), "nac2",
                xml.toString(), 400, ACQ, Map.of("zpk", ZPK, "zak", ZAK));
        gw = startConnected(config("01", "memory:", "sa", "", List.of(host)));
    }

    @AfterEach
    void tearDown() {
        closeAndCheck(gw, sim);
    }

    static String iso87WithThreeDigitDe39() throws Exception {
        String xml;
        try (InputStream in = GenericPackager.class.getClassLoader().getResourceAsStream("packager/iso87binary.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String de39 = "id=\"39\"\n      length=\"2\"\n      name=\"RESPONSE CODE\"\n      class=\"org.jpos.iso.IF_CHAR\"";
        assertTrue(xml.contains(de39), "jPOS's iso87binary.xml as this test knows it");
        // no DTD fetched from the network: the SAX parser of both sides reads the file offline
        return xml.replace(de39, "id=\"39\"\n      length=\"3\"\n      name=\"ACTION CODE\"\n      pad=\"false\"\n"
                + "      class=\"org.jpos.iso.IFB_NUMERIC\"");
    }

    @Test
    void anApprovalAndDeclinesInActionCodesAreReadAsTheCodesOfTheSameMeaning() {
        IsoMessage ok = send(gw, withPin(gw, financial("000000", 1000), "1234"));
        assertEquals("00", ok.getString(39), "000 is an approval");
        assertEquals("00", gw.store().findByRrn(ok.getString(37)).orElseThrow().responseCode());

        IsoMessage wrongPin = send(gw, withPin(gw, financial("000000", 1000), "9999"));
        assertEquals("55", wrongPin.getString(39), "117 is incorrect PIN");

        sim.behaviour = m -> HostSimulator.Reply.code("51");
        IsoMessage low = send(gw, withPin(gw, financial("000000", 1000), "1234"));
        assertEquals("51", low.getString(39), "116 is not sufficient funds");
        assertEquals("51", gw.store().findByRrn(low.getString(37)).orElseThrow().responseCode());
        assertTrue(sim.reversalsReceived.isEmpty(), "a plain decline needs no reversal");
    }

    @Test
    void anApprovalWithAConditionIsAnswered91AndReversedOnce() {
        // 002: approved for a partial amount; the gateway cannot honour that as asked
        sim.behaviour = m -> m.getString(0).startsWith("02") ? HostSimulator.Reply.code("002") : HostSimulator.Reply.approve();
        IsoMessage resp = send(gw, withPin(gw, financial("000000", 1000), "1234"));
        assertEquals("91", resp.getString(39));
        String hostStan = sim.ofMti("0200").get(0).getString(11);
        waitFor("the reversal reached the host", 10_000, () -> sim.reversalsApplied.containsKey(hostStan));
        waitFor("its 400 was read as accepted", 10_000, () -> host(gw, "acqA").safDepth() == 0);
        closeAndAwait();
        assertEquals(1, sim.reversalsReceived.get(hostStan).get(), "reversed once: 400 was read as done");
    }

    private void closeAndAwait() {
        gw.close();
        gw = null;
        awaitAllHandled(sim);
    }
}
