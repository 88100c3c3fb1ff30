package io.switchgate.server.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.Main;

class DecodeEncodeCommandTest {
    private final PrintStream oldOut = System.out;
    private final PrintStream oldErr = System.err;
    private final InputStream oldIn = System.in;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @BeforeEach
    void capture() {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        System.setIn(oldIn);
    }

    private int run(String stdin, String... args) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return Main.run(args);
    }

    private String[] outLines() {
        String s = out.toString(StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? new String[0] : s.split("\\R");
    }

    static IsoMessage sale() {
        return new IsoMessage("0200").set(2, "6212345678901232").set(3, "000000").set(4, "000000012345")
                .set(11, "000123").set(35, "6212345678901232=28121010000").set(41, "TERM0001")
                .set(52, "0123456789ABCDEF").set(55, "9F2608A1B2C3D4E5F60718");
    }

    private static String hex(byte[] b) {
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    @Test
    void decodesMaskedByDefaultAndGoesOnAfterErrors() {
        byte[] b = Dialect.named("iso87binary").pack(sale());
        String good = hex(b);
        String bad = good.substring(0, good.length() - 6);
        int rc = run(good + "\n\n" + bad + "\nzz\n" + good.toLowerCase() + "\n", "decode");
        assertEquals(0, rc, err.toString());
        String[] lines = outLines();
        assertEquals(4, lines.length, String.join("\n", lines));
        assertEquals("{\"mti\":\"0200\",\"fields\":{\"2\":\"621234******1232\",\"3\":\"000000\",\"4\":\"000000012345\","
                + "\"11\":\"000123\",\"35\":\"621234******1232=***********\",\"41\":\"TERM0001\","
                + "\"52\":\"****************\",\"55\":\"9F2608A1B2C3D4E5F60718\"}}", lines[0]);
        assertTrue(lines[1].startsWith("{\"error\":"), lines[1]);
        assertTrue(lines[1].contains("\"field\":55"), lines[1]);
        assertTrue(lines[1].contains("\"offset\":"), lines[1]);
        assertEquals("{\"error\":\"not a hex string (0-9, A-F; spaces are ignored)\",\"field\":-1,\"offset\":-1}", lines[2]);
        assertEquals(lines[0], lines[3]);
        assertFalse(out.toString().contains("6212345678901232"));
    }

    @Test
    void chipDataShowsItsTagsWithThePanAndTrackDataInThemMasked() {
        // 9F26 the cryptogram (shown), 5A the application PAN, 57 the track 2 equivalent (masked): the same card data
        // DE 2 and DE 35 would carry, which decode never prints in clear without --unmasked
        String icc = "9F2608A1B2C3D4E5F60718" + "5A086212345678901232" + "57136212345678901232D28121010000000000000F";
        byte[] b = Dialect.named("iso87binary").pack(new IsoMessage("0200").set(3, "000000").set(55, icc));
        assertEquals(0, run(hex(b) + "\n", "decode"));
        assertTrue(outLines()[0].contains("\"55\":\"9F2608A1B2C3D4E5F60718" + "5A08621234******1232"
                + "5713621234******1232D" + "*".repeat(21) + "\""), outLines()[0]);
        assertFalse(out.toString().contains("6212345678901232"));
        out.reset();
        assertEquals(0, run(hex(b) + "\n", "decode", "--unmasked"));
        assertTrue(outLines()[0].contains("\"55\":\"" + icc + "\""), outLines()[0]);
    }

    @Test
    void theExtendedPanIsMaskedAsThePanIs() {
        byte[] b = Dialect.named("iso87binary").pack(new IsoMessage("0200").set(3, "000000").set(34, "4111111111111111"));
        assertEquals(0, run(hex(b) + "\n", "decode"));
        assertTrue(outLines()[0].contains("\"34\":\"411111******1111\""), outLines()[0]);
        assertFalse(out.toString().contains("4111111111111111"));
        out.reset();
        assertEquals(0, run(hex(b) + "\n", "decode", "--unmasked"));
        assertTrue(outLines()[0].contains("\"34\":\"4111111111111111\""), outLines()[0]);
    }

    @Test
    void unmaskedAndFramings() {
        byte[] b = Dialect.named("iso87ascii").pack(sale());
        String nac2 = String.format("%04X", b.length) + hex(b);
        assertEquals(0, run(nac2 + "\n", "decode", "--dialect", "iso87ascii", "--framing", "nac2", "--unmasked"));
        assertTrue(outLines()[0].contains("\"2\":\"6212345678901232\""), outLines()[0]);
        out.reset();
        String ascii4 = hex(String.format("%04d", b.length).getBytes()) + hex(b);
        assertEquals(0, run(ascii4 + "\n" + nac2 + "\n", "decode", "--dialect", "iso87ascii", "--framing", "ascii4"));
        assertTrue(outLines()[0].startsWith("{\"mti\":\"0200\""), outLines()[0]);
        assertTrue(outLines()[1].startsWith("{\"error\":"), outLines()[1]);
    }

    @Test
    void encodeIsTheReverseOfDecode() {
        byte[] b = Dialect.named("iso87binary").pack(sale());
        assertEquals(0, run(hex(b) + "\n", "decode", "--unmasked"));
        String json = outLines()[0];
        out.reset();
        assertEquals(0, run(json + "\n" + "{\"mti\":\"0200\",\"fields\":{\"4\":\"12X\"}}\n", "encode"));
        String[] lines = outLines();
        assertEquals(hex(b), lines[0]);
        assertTrue(lines[1].contains("\"field\":4"), lines[1]);
        out.reset();
        assertEquals(0, run(json + "\n", "encode", "--framing", "nac2"));
        assertEquals(String.format("%04X", b.length) + hex(b), outLines()[0]);
    }

    /** A line is one object of two keys: text after it, another key or "fields" that is no object is an error line. */
    @Test
    void encodeRefusesWhatIsNotExactlyOneMessageObject() {
        String ok = "{\"mti\":\"0800\",\"fields\":{\"11\":\"000001\"}}";
        assertEquals(0, run(ok + "\n" + ok + " trailing\n" + "{\"mti\":\"0800\",\"fields\":{\"11\":\"000001\"},\"extra\":1}\n"
                + "{\"mti\":\"0800\",\"fields\":[]}\n" + ok + "\n" + "{\"mti\":\"0800\"}\n"
                + "{\"mti\":\"0800\",\"fields\":{\"11\":\"000001\",\"11\":\"999999\"}}\n", "encode"));
        String[] lines = outLines();
        assertEquals(7, lines.length, String.join("\n", lines));
        assertTrue(lines[5].contains("\"fields\\\" is not an object"), "no fields at all: " + lines[5]);
        assertTrue(lines[6].startsWith("{\"error\":"), "a key twice: " + lines[6]);
        assertEquals("08000020000000000000000001", lines[0]);
        assertEquals("{\"error\":\"not a JSON object\",\"field\":-1,\"offset\":-1}", lines[1]);
        assertTrue(lines[2].contains("unknown key 'extra'"), lines[2]);
        assertTrue(lines[3].contains("\"fields\\\" is not an object"), lines[3]);
        assertEquals(lines[0], lines[4], "encoding goes on after errors");
    }

    @Test
    void badOptionsExitTwoWithOneLine() {
        assertEquals(2, run("", "decode", "--dialect", "iso99"));
        String e = err.toString(StandardCharsets.UTF_8).strip();
        assertTrue(e.contains("iso99"), e);
        assertEquals(1, e.split("\\R").length, e);
        err.reset();
        assertEquals(2, run("", "encode", "--framing", "tpdu"));
        assertTrue(err.toString().contains("tpdu"));
        err.reset();
        assertEquals(2, run("", "decode", "--nope"));
    }

    @Test
    void customXmlDialectByPath() {
        String path = java.nio.file.Paths.get("../config/dialects/custom-ascii.xml").toString();
        IsoMessage m = new IsoMessage("0800").set(3, "990000").set(41, "TERM0001").set(70, "301");
        byte[] b = Dialect.named(path).pack(m);
        assertEquals(0, run(hex(b) + "\n", "decode", "--dialect", path));
        assertEquals("{\"mti\":\"0800\",\"fields\":{\"3\":\"990000\",\"41\":\"TERM0001\",\"70\":\"301\"}}", outLines()[0]);
    }
}
