package io.switchgate.server.cli;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.MessageHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminalCommandTest {

    static final Dialect D = Dialect.named("iso87binary");
    static final Path SHIPPED = Path.of("..", "config", "gateway.yaml");

    @TempDir
    Path tmp;
    private TerminalServer server;
    final List<IsoMessage> requests = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    int start(MessageHandler h) {
        server = new TerminalServer(List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300)), h)
                .start();
        return server.port("pos");
    }

    /** Answers every request with the given code (and for a sign-on, keyexchange-1's DE 48). */
    MessageHandler answering(String code, String reason) {
        return (bytes, l) -> {
            IsoMessage m = D.unpack(bytes);
            requests.add(m);
            IsoMessage r = m.toResponse(3, 4, 7, 11, 12, 13, 41, 42, 49);
            r.set(39, code);
            if (reason != null) {
                r.set(44, reason);
            }
            r.set(37, "010000000042");
            if ("00".equals(code) && "0200".equals(m.getMti())) {
                r.set(38, "123456");
            }
            if ("001".equals(m.getString(70))) {
                r.set(48, "D38782559B03480752B102D724A45117C2494AE8C34B29C4795A9277E62D2D1EB5AE0CFA6993");
            }
            return CompletableFuture.completedFuture(D.pack(r));
        };
    }

    int run(String... args) {
        List<String> all = new ArrayList<>(List.of("--config", SHIPPED.toString(), "--state-dir", tmp.resolve("state").toString()));
        all.addAll(List.of(args));
        TerminalCommand cmd = new TerminalCommand().streams(new PrintStream(out, true), new PrintStream(err, true));
        CommandLine cl = new CommandLine(cmd);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.writeBytes(("error: " + ex.getMessage() + "\n").getBytes());
            return 2;
        });
        // the action is positional: put it first
        List<String> ordered = new ArrayList<>();
        ordered.add(args[0]);
        ordered.addAll(all.subList(0, 4));
        ordered.addAll(List.of(args).subList(1, args.length));
        return cl.execute(ordered.toArray(String[]::new));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8).trim();
    }

    @Test
    void saleApproved() {
        int port = start(answering("00", null));
        assertEquals(0, run("sale", "--port", "" + port, "--amount", "10000", "--stan", "000042"));
        assertEquals("sale 10000 -> 00 approved rrn=010000000042 auth=123456", out());
        IsoMessage m = requests.get(0);
        assertEquals("000042", m.getString(11));
        assertTrue(m.hasField(52), "demo card: PIN sent");
        assertTrue(m.hasField(64), "TERM0001 has a TAK: MAC sent");
    }

    /** Without --port the simulator talks to the port of the config it reads the keys from (a newcomer's port moved). */
    @Test
    void withoutAPortTheConfigsListenerIsUsed() throws Exception {
        int port = start(answering("00", null));
        Path moved = tmp.resolve("moved.yaml");
        java.nio.file.Files.writeString(moved, java.nio.file.Files.readString(SHIPPED).replace("port: 8583", "port: " + port));
        TerminalCommand cmd = new TerminalCommand().streams(new PrintStream(out, true), new PrintStream(err, true));
        int rc = new CommandLine(cmd).execute("echo", "--config", moved.toString(), "--state-dir", tmp.resolve("state").toString());
        assertEquals(0, rc, err());
        assertEquals(1, requests.size(), "the echo reached the config's listener");
    }

    /** A config that does not load is named once in the error (a newcomer audit saw "bad.yaml: bad.yaml: ..."). */
    @Test
    void aConfigThatDoesNotLoadIsNamedOnce() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, "node: [unclosed\n");
        TerminalCommand cmd = new TerminalCommand().streams(new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(2, new CommandLine(cmd).execute("echo", "--config", bad.toString(), "--port", "1"));
        String e = err();
        assertTrue(e.startsWith("error: "), e);
        assertEquals(e.indexOf(bad.toString()), e.lastIndexOf(bad.toString()), "named once: " + e);
    }

    @Test
    void declinedShowsReason() {
        int port = start(answering("51", "INSUFFICIENT_FUNDS"));
        assertEquals(0, run("sale", "--port", "" + port, "--pan", "6212345678901257", "--expiry", "2812"));
        assertEquals("sale 10000 -> 51 insufficient funds INSUFFICIENT_FUNDS rrn=010000000042", out());
        assertFalse(requests.get(0).hasField(52), "no PIN unless asked for a non-demo card");
    }

    @Test
    void refundVoidReverseSettleBalanceEcho() {
        int port = start(answering("00", null));
        String p = "" + port;
        assertEquals(0, run("refund", "--port", p, "--rrn", "010000000001", "--amount", "500"));
        assertEquals("200000", requests.get(0).getString(3));
        assertEquals("010000000001", requests.get(0).getString(37));
        assertEquals(0, run("void", "--port", p, "--rrn", "010000000001", "--amount", "10000"));
        assertEquals("020000", requests.get(1).getString(3));
        assertEquals(0, run("reverse", "--port", p, "--orig-stan", "000123", "--amount", "10000"));
        assertEquals("0400", requests.get(2).getMti());
        assertEquals("0200000123", requests.get(2).getString(90).substring(0, 10));
        assertEquals(0, run("settle", "--port", p, "--sale-count", "2", "--sale-amount", "20000"));
        assertEquals("0500", requests.get(3).getMti());
        assertEquals("0000000002", requests.get(3).getString(76));
        assertEquals(0, run("balance", "--port", p));
        assertEquals("310000", requests.get(4).getString(3));
        assertEquals(0, run("echo", "--port", p));
        assertEquals("301", requests.get(5).getString(70));
        String[] lines = out().split("\n");
        assertEquals(6, lines.length);
        assertTrue(lines[2].startsWith("reverse 10000 of stan 000123 -> 00 approved"), lines[2]);
        assertTrue(lines[3].startsWith("settle sales 2/20000 refunds 0/0 -> 00 approved"), lines[3]);
    }

    @Test
    void signOnKeepsTheNewKeysForTheNextRun() throws Exception {
        int port = start(answering("00", null));
        assertEquals(0, run("signon", "--port", "" + port));
        assertTrue(requests.get(0).hasField(128), "an 0800 from a terminal holding a TAK carries a MAC (DE 128: DE 70 is above 64)");
        assertTrue(out().contains("new keys: tpk kcv=C2494A tak kcv=FA6993"), out());
        assertTrue(Files.exists(tmp.resolve("state").resolve("TERM0001.keys")));
        String stored = Files.readString(tmp.resolve("state").resolve("TERM0001.keys"));
        assertFalse(stored.contains("EC3D756DD35498A8DC2FCDA875D358FD"), "never a clear key on disk");
        assertEquals(0, run("sale", "--port", "" + port));
        assertTrue(requests.get(1).hasField(64));
    }

    @Test
    void connectionRefusedIsExit1WithOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertEquals(1, run("echo", "--port", "" + port));
        assertEquals("error: cannot connect to 127.0.0.1:" + port + ": connection refused (is the gateway running?)", err());
    }

    @Test
    void noAnswerIsExit1() {
        int port = start((b, l) -> new CompletableFuture<>());
        assertEquals(1, run("echo", "--port", "" + port, "--timeout", "1"));
        assertEquals("error: no answer from 127.0.0.1:" + port + " within 1 s", err());
    }

    @Test
    void badArgumentsAreExit2() {
        assertEquals(2, run("refund", "--port", "1"));
        assertEquals("error: refund needs --rrn (the original sale's RRN)", err());
        err.reset();
        assertEquals(2, run("fly", "--port", "1"));
        assertTrue(err().startsWith("error: unknown action 'fly'"), err());
        err.reset();
        assertEquals(2, run("reverse", "--port", "1"));
        assertTrue(err().startsWith("error: reverse needs --orig-stan"), err());
        err.reset();
        assertEquals(2, run("sale", "--port", "1", "--framing", "nac3"));
        assertTrue(err().startsWith("error: --framing: unknown framing 'nac3'"), err());
        err.reset();
        assertEquals(2, run("sale", "--port", "1", "--tak", "XYZ"));
        assertEquals("error: --tak must be 32 or 48 hex digits", err());
        // values the message cannot carry are refused before any connection (a black-box audit: exit 1 on a
        // field-packing error, or "connection refused" hiding the bad value)
        String[][] bad = {
            {"sale", "--currency", "ABCD"}, {"settle", "--sale-count", "-1"}, {"settle", "--refund-amount", "-5"},
            {"reverse", "--orig-stan", "000777", "--orig-mti", "abc"}, {"sale", "--mti", "9999"},
            {"reverse", "--orig-stan", "000777", "--orig-mti", "0900"},
        };
        String[] names = {"--currency", "--sale-count", "--refund-amount", "--orig-mti", "--mti", "--orig-mti"};
        for (int i = 0; i < bad.length; i++) {
            err.reset();
            String[] args = java.util.Arrays.copyOf(bad[i], bad[i].length + 2);
            args[bad[i].length] = "--port";
            args[bad[i].length + 1] = "1";
            assertEquals(2, run(args), String.join(" ", bad[i]));
            assertTrue(err().startsWith("error: " + names[i]), err());
        }
    }
}
