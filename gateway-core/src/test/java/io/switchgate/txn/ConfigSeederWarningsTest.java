package io.switchgate.txn;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchgate.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What the configuration no longer rules once the store has a row, said at start (a black-box audit edited the file
 * and saw nothing happen): a status edited in the file, a terminal moved to another merchant, and terminals and
 * merchants taken out of the file, which go on transacting.
 */
class ConfigSeederWarningsTest {
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private final Logger seeder = (Logger) LoggerFactory.getLogger(ConfigSeeder.class);

    @BeforeEach
    void listen() {
        seen.start();
        seeder.addAppender(seen);
    }

    @AfterEach
    void stop() {
        seeder.detachAppender(seen);
    }

    private List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : seen.list) if (e.getLevel() == ch.qos.logback.classic.Level.WARN) out.add(e.getFormattedMessage());
        return out;
    }

    @Test
    void aStartSaysWhatTheFileNoLongerRules() {
        GatewayConfig first = EngineFixture.config("jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath());
        try (Gateway gw = Gateway.start(first)) {
            assertNotNull(gw.engine());
        }
        assertEquals(List.of(), warnings(), "a first start, and the same file again, say nothing");
        try (Gateway gw = Gateway.start(first)) {
            assertNotNull(gw.engine());
        }
        assertEquals(List.of(), warnings());

        List<GatewayConfig.Merchant> merchants = List.of(new GatewayConfig.Merchant(MERCHANT, "frozen", first.merchants().get(0).refund()));
        List<GatewayConfig.Terminal> terminals = new ArrayList<>();
        for (GatewayConfig.Terminal t : first.terminals()) {
            if (t.id().equals("TERM0009") || t.id().equals("TERM0002")) continue; // MERCHANT2's only terminal; one more
            terminals.add(t.id().equals("TERM0003")
                    ? new GatewayConfig.Terminal(t.id(), MERCHANT, "suspended", t.macRequired(), t.keys()) : t);
        }
        GatewayConfig edited = new GatewayConfig(first.node(), first.listeners(), first.admin(), first.store(), first.security(),
                merchants, terminals, first.routes(), first.hosts(), first.authorizer(), first.logging(), first.journal());
        try (Gateway gw = Gateway.start(edited)) {
            assertNotNull(gw.engine());
        }
        String all = String.join("\n", warnings());
        assertTrue(all.contains("merchants[0].status says merchant " + MERCHANT + " is frozen, the store says active"), all);
        assertTrue(all.contains("status says terminal TERM0003 is suspended, the store says active"), all);
        assertTrue(all.contains("no longer names still transact as before: TERM0002 (registered), TERM0009 (active)")
                || all.contains("no longer names still transact as before: TERM0009 (active), TERM0002 (registered)"), all);
        assertTrue(all.contains("no longer names still transact as before: " + MERCHANT2 + " (active)"), all);
    }

    @Test
    void aTerminalMovedToAnotherMerchantIsSaid() {
        GatewayConfig first = EngineFixture.config("jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath());
        try (Gateway gw = Gateway.start(first)) {
            assertNotNull(gw.engine());
        }
        List<GatewayConfig.Terminal> terminals = new ArrayList<>();
        for (GatewayConfig.Terminal t : first.terminals()) {
            terminals.add(t.id().equals("TERM0003")
                    ? new GatewayConfig.Terminal(t.id(), MERCHANT2, t.status(), t.macRequired(), t.keys()) : t);
        }
        GatewayConfig moved = new GatewayConfig(first.node(), first.listeners(), first.admin(), first.store(), first.security(),
                first.merchants(), terminals, first.routes(), first.hosts(), first.authorizer(), first.logging(), first.journal());
        try (Gateway gw = Gateway.start(moved)) {
            assertNotNull(gw.engine());
        }
        String all = String.join("\n", warnings());
        assertTrue(all.contains("moves terminal TERM0003 from merchant " + MERCHANT + " to " + MERCHANT2), all);
    }

    /** A configured card that fails the Luhn check can only ever be declined 14: said at start (an audit: no word). */
    @Test
    void aCardThatFailsTheLuhnCheckIsSaid() {
        GatewayConfig first = EngineFixture.config("memory:");
        List<GatewayConfig.Card> cards = new ArrayList<>(first.authorizer().cards());
        cards.add(new GatewayConfig.Card("6212345678901233", "2812", null, 100));
        GatewayConfig withBad = new GatewayConfig(first.node(), first.listeners(), first.admin(), first.store(), first.security(),
                first.merchants(), first.terminals(), first.routes(), first.hosts(), new GatewayConfig.Authorizer(cards),
                first.logging(), first.journal());
        try (Gateway gw = Gateway.start(withBad)) {
            assertNotNull(gw.engine());
        }
        String all = String.join("\n", warnings());
        assertTrue(all.contains(".pan 621234******1233 fails the Luhn check"), all);
        assertFalse(all.contains("6212345678901233"), "never the PAN itself");
    }
}
