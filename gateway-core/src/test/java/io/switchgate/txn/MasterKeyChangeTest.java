package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.config.InvalidConfigException;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A store written under one master key, started with another: start-up stops naming {@code security.masterKey}, and
 * the terminal keys issued at sign-on are untouched (found by a black-box audit: the seeding replaced them with the
 * configured ones, silently, and the terminal was answered 63 from then on, also after a start with the right key).
 */
class MasterKeyChangeTest {
    @TempDir
    Path dir;

    private GatewayConfig config(String master) {
        GatewayConfig c = EngineFixture.config("jdbc:h2:file:" + dir.resolve("gw").toString().replace('\\', '/'));
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), new GatewayConfig.Security(master),
                c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging(), c.journal());
    }

    @Test
    void anotherMasterKeyStopsTheStartAndLeavesTheIssuedKeysAsTheyWere() {
        String issuedTak;
        String newTak;
        try (Gateway gw = Gateway.start(config(MASTER), new MutableClock())) {
            TestPos pos = new TestPos(gw, "TERM0001", MERCHANT, TAK1, TPK1);
            issuedTak = gw.store().findTerminal("TERM0001").orElseThrow().tak();
            IsoMessage signOn = pos.send(pos.network("001"));
            assertEquals("00", signOn.getString(39));
            newTak = gw.store().findTerminal("TERM0001").orElseThrow().tak();
            assertNotEquals(issuedTak, newTak, "the sign-on issued a TAK");
        }
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> Gateway.start(config("11111111111111112222222222222222"), new MutableClock()).close());
        assertTrue(e.getMessage().startsWith("security.masterKey: does not open the TMK the store holds for terminal TERM0001"),
                e.getMessage());
        try (Gateway gw = Gateway.start(config(MASTER), new MutableClock())) {
            assertEquals(newTak, gw.store().findTerminal("TERM0001").orElseThrow().tak(), "the issued TAK is still there");
        }
    }
}
