package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The keys, MAC and card of a request checked on the event loop ({@link TerminalAdmission}), and the engine taking
 * that only for the very terminal it decides with.
 */
class TerminalAdmissionTest {
    Gateway gw;
    TestPos pos; // TERM0001: MAC required, TAK and TPK

    @BeforeEach
    void start() {
        gw = Gateway.start(EngineFixture.config("memory:"), new MutableClock());
        pos = new TestPos(gw, "TERM0001", MERCHANT, TAK1, TPK1);
        // one sale through the gateway's own entry: the working set (terminals, the card) is loaded after it
        EngineScenarioTest.assertCode("00", pos.send(pos.withPin(pos.sale(PAN, 100), "1234")));
        assertTrue(gw.engine().awaitIdle(Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private Request admitted(byte[] frame) {
        Request r = new Request(TestPos.D.unpack(frame), frame, TestPos.D, new CompletableFuture<>());
        gw.engine().admitHere(r);
        return r;
    }

    /** The frame with the last bit of its MAC (the frame's last byte) flipped. */
    private static byte[] withWrongMac(byte[] frame) {
        frame[frame.length - 1] ^= 1;
        return frame;
    }

    private IsoMessage decided(Request r) throws Exception {
        gw.engine().decideHere(r);
        return TestPos.D.unpack(r.answer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aRequestOfAKnownTerminalHasItsKeysMacAndCardCheckedAtAdmission() {
        Request r = admitted(pos.pack(pos.withPin(pos.sale(PAN, 200), "1234")));
        assertNotNull(r.securityCheckedFor);
        assertEquals("TERM0001", r.securityCheckedFor.id());
        assertTrue(r.keysResolved);
        assertTrue(r.macValid);
        assertNotNull(r.macKey);
        assertNotNull(r.pinKey);
        assertNotNull(r.card);
        assertNotNull(r.panHash);
        assertNull(r.terminal, "the terminal is the engine's to set");
    }

    @Test
    void theSaleThatActivatesARegisteredTerminalIsMacedLikeEveryOtherAnswer() throws Exception {
        // Found by a black-box audit: the activation replaced the terminal the keys were admitted for, and the answer
        // left without DE 64 (the contract: a MAC on every response of a terminal with a TAK)
        gw.close();
        GatewayConfig c = EngineFixture.config("memory:");
        java.util.List<GatewayConfig.Terminal> terminals = new java.util.ArrayList<>(c.terminals());
        terminals.add(new GatewayConfig.Terminal("TERM0004", MERCHANT, "registered", true,
                java.util.Map.of("tmk", TMK1, "tpk", TPK1, "tak", TAK1)));
        gw = Gateway.start(new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), c.merchants(),
                terminals, c.routes(), c.hosts(), c.authorizer(), c.logging(), c.journal()), new MutableClock());
        TestPos registered = new TestPos(gw, "TERM0004", MERCHANT, TAK1, TPK1);
        // an echo loads the terminal into the working set, so the sale is admitted for it on the event loop
        assertTrue(registered.responseMacValid(gw.handle(registered.pack(registered.network("301")), "pos").get(5, TimeUnit.SECONDS)));
        assertTrue(gw.engine().awaitIdle(Duration.ofSeconds(5)));
        Request sale = admitted(registered.pack(registered.withPin(registered.sale(PAN, 100), "1234")));
        assertNotNull(sale.securityCheckedFor, "admitted on the event loop");
        gw.engine().decideHere(sale);
        byte[] answer = sale.answer.get(5, TimeUnit.SECONDS);
        EngineScenarioTest.assertCode("00", TestPos.D.unpack(answer));
        assertEquals(io.switchgate.model.TerminalStatus.ACTIVE, gw.store().findTerminal("TERM0004").orElseThrow().status(),
                "the sale activated it");
        assertTrue(TestPos.D.unpack(answer).hasField(64), "the activating sale's answer carries a MAC");
        assertTrue(registered.responseMacValid(answer), "under the terminal's TAK");
    }

    @Test
    void aWrongMacIsFoundAtAdmissionAndAnswered63() throws Exception {
        Request r = admitted(withWrongMac(pos.pack(pos.withPin(pos.sale(PAN, 200), "1234"))));
        assertNotNull(r.securityCheckedFor);
        assertFalse(r.macValid);
        IsoMessage answer = decided(r);
        EngineScenarioTest.assertCode("63", answer);
        assertEquals("MAC_INVALID", answer.getString(44));
    }

    @Test
    void theEngineTakesTheAdmissionsMacCheckForTheSameTerminal() throws Exception {
        byte[] frame = pos.pack(pos.withPin(pos.sale(PAN, 300), "1234"));
        Request r = admitted(frame);
        assertTrue(r.macValid);
        // Spoil the MAC after the check: an engine that verified it a second time would answer 63.
        frame[frame.length - 1] ^= 1;
        EngineScenarioTest.assertCode("00", decided(r));
    }

    @Test
    void keysChangedAfterAdmissionAreCheckedAgainByTheEngine() throws Exception {
        Request r = admitted(pos.pack(pos.withPin(pos.sale(PAN, 400), "1234")));
        assertTrue(r.macValid, "valid under the TAK the terminal had when it was admitted");
        // The operator resets the terminal's keys before the engine decides: it has no TAK now, and must MAC.
        assertNotNull(gw.engine().resetTerminalKeys("TERM0001", "test").get(5, TimeUnit.SECONDS));
        IsoMessage answer = decided(r);
        EngineScenarioTest.assertCode("63", answer);
        assertEquals("MAC_INVALID", answer.getString(44));
        assertNull(r.securityCheckedFor, "what was found for the old terminal is dropped");
    }

    @Test
    void anUnknownTerminalIsLeftToTheEngine() throws Exception {
        TestPos stranger = new TestPos(gw, "TERM9999", MERCHANT, null, TPK1);
        Request r = admitted(stranger.pack(stranger.sale(PAN, 100)));
        assertNull(r.securityCheckedFor);
        assertNull(r.macKey);
        EngineScenarioTest.assertCode("58", decided(r));
    }

    @Test
    void theDuplicateKeyAndFingerprintFoundAtAdmissionAreTheEnginesOwn() throws Exception {
        IsoMessage sale = pos.withPin(pos.sale(PAN, 500), "1234");
        byte[] frame = pos.pack(sale);
        Request first = admitted(frame);
        assertEquals(DuplicateIndex.keyOf("TERM0001", "0200", sale.getString(11), sale.getString(7)), first.admittedDupKey);
        assertEquals(DuplicateIndex.fingerprintOf(sale, first.panHash), first.admittedFingerprint);
        assertTrue(first.admittedFingerprint.startsWith(DuplicateIndex.fingerprintOf("000000", "000000000500", first.panHash) + "|"));
        IsoMessage answer = decided(first);
        EngineScenarioTest.assertCode("00", answer);
        assertEquals(first.admittedDupKey, first.dupKey);
        assertEquals(first.admittedFingerprint, first.fingerprint);
        // The same frame again is the same request: the first answer (same RRN), not a second sale.
        IsoMessage again = decided(admitted(frame));
        EngineScenarioTest.assertCode("00", again);
        assertEquals(answer.getString(37), again.getString(37));
    }

    @Test
    void aRequestRefusedBeforeTheDuplicateStepHasNoDuplicateKey() throws Exception {
        Request r = admitted(pos.pack(pos.withPin(pos.sale(PAN, 600), "1234")));
        assertNotNull(r.admittedDupKey, "its MAC was valid at admission");
        // Its keys go before the engine decides it: a 63, decided before the duplicate step.
        assertNotNull(gw.engine().resetTerminalKeys("TERM0001", "test").get(5, TimeUnit.SECONDS));
        EngineScenarioTest.assertCode("63", decided(r));
        assertNull(r.dupKey, "a 63 never reached the duplicate step: its retransmission is checked afresh");
    }

    @Test
    void aRequestThatFailsItsMacAtAdmissionCostsNoCardWork() {
        Request r = admitted(withWrongMac(pos.pack(pos.withPin(pos.sale(PAN, 700), "1234"))));
        assertFalse(r.macValid);
        assertNull(r.card);
        assertNull(r.panHash);
        assertNull(r.admittedDupKey);
        TestPos stranger = new TestPos(gw, "TERM9999", MERCHANT, null, TPK1);
        Request unknown = admitted(stranger.pack(stranger.sale(PAN, 100)));
        assertNull(unknown.panHash, "an unknown terminal's card is the engine's to read, after it answers 58");
    }

    @Test
    void keysFoundForAnEarlierStateOfTheTerminalNeverMacAnAnswer() throws Exception {
        Request r = admitted(pos.pack(pos.withPin(pos.sale(PAN, 800), "1234")));
        assertNotNull(r.responseMacKey);
        assertNotNull(gw.engine().resetTerminalKeys("TERM0001", "test").get(5, TimeUnit.SECONDS));
        // The terminal as it is now (admission of the next request sees it), set as a step before the decision does.
        r.terminal = admitted(pos.pack(pos.sale(PAN, 900))).securityCheckedFor;
        assertNotNull(r.terminal);
        assertNotSame(r.securityCheckedFor, r.terminal);
        assertNull(TerminalKeys.responseMacKey(r));
        r.terminal = r.securityCheckedFor;
        assertSame(r.responseMacKey, TerminalKeys.responseMacKey(r));
    }

    @Test
    void aStoredKeyThatDoesNotImportIsLeftToTheEngineNeverThrownOnTheEventLoop() {
        // A TAK whose stored form is not one (damaged at rest, say): the event loop must not fail the frame's channel.
        io.switchgate.model.TerminalState broken = new io.switchgate.model.TerminalState("TERM0001", MERCHANT,
                io.switchgate.model.TerminalStatus.ACTIVE, true, null, null, "kcv:000000:NOT-HEX", null, 1,
                java.time.Instant.EPOCH, java.time.Instant.EPOCH, 1);
        TerminalAdmission admission = new TerminalAdmission(id -> broken,
                new TerminalKeys(io.switchgate.security.SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210")),
                new PanHasher(new byte[32]));
        Request r = new Request(TestPos.D.unpack(pos.pack(pos.sale(PAN, 100))), pos.pack(pos.sale(PAN, 100)), TestPos.D,
                new CompletableFuture<>());
        Admission.check(r);
        assertDoesNotThrow(() -> admission.check(r));
        assertNull(r.securityCheckedFor, "nothing found stands: the engine checks the request itself");
        assertNull(r.macKey);
        assertNull(r.terminal);
        assertNull(r.panHash, "no card work for a request whose MAC was not checked");
    }
}
