package io.switchgate.server.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code demo} walks the shipped demo terminal through the whole lifecycle and exits 0. */
class DemoCommandTest {

    @Test
    void walksTheLifecycleWithTheShippedConfig() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoCommand demo = new DemoCommand(new PrintStream(buf, true, StandardCharsets.UTF_8));
        demo.config = Path.of("../config/gateway.yaml");
        assertEquals(0, demo.call());
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        String all = String.join("\n", lines);
        assertTrue(lines.length >= 12, all);
        assertTrue(lines[1].startsWith("signon") && lines[1].contains("-> 00"), all);
        assertTrue(lines[2].startsWith("sale 10000 -> 00 approved"), all);
        assertTrue(lines[2].contains("balance after: 990000"), all);
        assertTrue(lines[3].contains("balance=990000"), all);
        assertTrue(lines[4].contains("-> 00") && lines[4].contains("balance after: 993000"), all);
        assertTrue(lines[5].contains("-> 12") && lines[5].contains("SUSPECTED_DUPLICATE"), all);
        assertTrue(lines[7].startsWith("reversal") && lines[7].contains("-> 00") && lines[7].contains("balance after: 993000"), all);
        assertTrue(lines[9].startsWith("void") && lines[9].contains("-> 00"), all);
        assertTrue(lines[10].contains("-> 95"), all);
        assertTrue(lines[11].startsWith("settlement") && lines[11].contains("-> 00"), all);
        assertFalse(all.contains("6212345678901232"), "no full PAN in the demo output");
        assertFalse(all.contains("RESPONSE_MAC_INVALID"), all);
    }

    @Test
    void withoutAConfigFileHereItUsesTheShippedOneFromTheJar() throws Exception {
        // the module directory has no config/gateway.yaml: the copy built into the jar (target/classes) is used
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoCommand demo = new DemoCommand(new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertFalse(java.nio.file.Files.exists(Path.of("config/gateway.yaml")));
        assertEquals(0, demo.call());
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("settlement 1 sale 10000, 1 refund 3000 -> 00"));
    }

    /** A terminal without a TMK cannot be walked through (the demo signs on for new keys): a bad argument, before anything runs. */
    @Test
    void aTerminalWithoutATmkIsABadArgument(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String yaml = java.nio.file.Files.readString(Path.of("../config/gateway.yaml"));
        String without = yaml.replace("tmk: \"3BF14F079EFD61D64AC285E5CD0EE0A2\"", "");
        assertFalse(without.equals(yaml), "TERM0002's tmk taken out");
        Path cfg = tmp.resolve("gateway.yaml");
        java.nio.file.Files.writeString(cfg, without);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DemoCommand demo = new DemoCommand(new PrintStream(buf, true, StandardCharsets.UTF_8));
        demo.config = cfg;
        demo.terminal = "TERM0002";
        assertEquals(2, demo.call());
        assertEquals("", buf.toString(StandardCharsets.UTF_8), "no exchange printed");
    }

    /** A suspended terminal would be refused 58 half-way; a log format the logs cannot take wrote none: both exit 2 first. */
    @Test
    void aSuspendedTerminalOrAnUnusableLogFormatIsABadArgument(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String yaml = java.nio.file.Files.readString(Path.of("../config/gateway.yaml"));
        String suspended = yaml.replace("status: registered", "status: suspended");
        assertFalse(suspended.equals(yaml));
        Path cfg = tmp.resolve("gateway.yaml");
        java.nio.file.Files.writeString(cfg, suspended);
        DemoCommand demo = new DemoCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        demo.config = cfg;
        demo.terminal = "TERM0002";
        assertEquals(2, demo.call());
        String saved = System.getProperty("gateway.log.format");
        try {
            System.setProperty("gateway.log.format", "xml");
            DemoCommand logs = new DemoCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            logs.config = Path.of("../config/gateway.yaml");
            assertEquals(2, logs.call());
        } finally {
            if (saved == null) System.clearProperty("gateway.log.format");
            else System.setProperty("gateway.log.format", saved);
            io.switchgate.server.metrics.LoggingSetup.apply(null);
        }
    }

    @Test
    void unknownTerminalIsABadArgument() throws Exception {
        DemoCommand demo = new DemoCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        demo.config = Path.of("../config/gateway.yaml");
        demo.terminal = "NOPE0000";
        assertEquals(2, demo.call());
    }
}
