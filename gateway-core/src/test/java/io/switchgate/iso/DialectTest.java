package io.switchgate.iso;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.jpos.iso.packager.GenericPackager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DialectTest {

    @TempDir
    Path tmp;

    /** Our data tables are exactly what our loader makes of jPOS's own packager XML files. */
    @Test
    void builtInTablesMatchJposXml() throws Exception {
        for (String name : Dialect.BUILT_IN) {
            Path xml = tmp.resolve(name + ".xml");
            try (InputStream in = GenericPackager.class.getResourceAsStream("/packager/" + name + ".xml")) {
                Files.copy(in, xml, StandardCopyOption.REPLACE_EXISTING);
            }
            Dialect fromXml = Dialect.fromGenericPackagerXml(xml);
            Dialect builtIn = Dialect.named(name);
            assertEquals(name, builtIn.name());
            assertEquals(fromXml.fields(), builtIn.fields(), name);
            assertSame(builtIn, Dialect.named(name));
        }
    }

    @Test
    void namedAcceptsAPath() {
        Dialect d = Dialect.named(JposOracle.customXml().toString());
        assertEquals("custom-ascii", d.name());
        assertEquals(FieldSpec.Kind.TRACK2, d.field(35).kind());
        assertNull(d.field(8));
    }

    @Test
    void unknownNameIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dialect.named("iso87binery"));
        assertTrue(e.getMessage().contains("iso87binery"), e.getMessage());
        assertTrue(e.getMessage().contains("iso87binary"), e.getMessage());
    }

    @Test
    void unsupportedClassNamesFieldAndClass() throws Exception {
        Path xml = tmp.resolve("bad.xml");
        Files.writeString(xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE isopackager SYSTEM \"http://jpos.org/dtd/generic-packager-1.0.dtd\">\n"
                + "<isopackager>\n"
                + "<isofield id=\"0\" length=\"4\" class=\"org.jpos.iso.IFA_NUMERIC\"/>\n"
                + "<isofield id=\"1\" length=\"16\" class=\"org.jpos.iso.IFA_BITMAP\"/>\n"
                + "<isofield id=\"48\" length=\"999\" class=\"org.jpos.iso.IFA_TTLLLCHAR\"/>\n"
                + "</isopackager>\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dialect.fromGenericPackagerXml(xml));
        assertTrue(e.getMessage().contains("field 48"), e.getMessage());
        assertTrue(e.getMessage().contains("IFA_TTLLLCHAR"), e.getMessage());
    }

    @Test
    void subfieldPackagersAreRejectedClearly() throws Exception {
        Path xml = tmp.resolve("sub.xml");
        Files.writeString(xml, "<isopackager>"
                + "<isofield id=\"0\" length=\"4\" class=\"org.jpos.iso.IFA_NUMERIC\"/>"
                + "<isofield id=\"1\" length=\"16\" class=\"org.jpos.iso.IFA_BITMAP\"/>"
                + "<isofieldpackager id=\"127\" length=\"999\" class=\"org.jpos.iso.IFB_LLLBINARY\" packager=\"x\"/>"
                + "</isopackager>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dialect.fromGenericPackagerXml(xml));
        assertTrue(e.getMessage().contains("field 127"), e.getMessage());
        assertTrue(e.getMessage().contains("IFB_LLLBINARY"), e.getMessage());
    }

    @Test
    void peekMti() {
        Dialect b = Dialect.named("iso87binary");
        assertEquals("0200", b.peekMti(new byte[] {0x02, 0x00, 1}, 0, 3));
        assertNull(b.peekMti(new byte[] {0x02}, 0, 1));
        assertNull(b.peekMti(new byte[] {0x0A, 0x00}, 0, 2));
        assertNull(b.peekMti(null, 0, 0));
        assertNull(b.peekMti(new byte[2], 1, 5));
        Dialect a = Dialect.named("iso87ascii");
        assertEquals("0800", a.peekMti("xx0800".getBytes(), 2, 4));
        assertNull(a.peekMti("08A0".getBytes(), 0, 4));
    }

    @Test
    void packIntoBuffer() {
        Dialect d = Dialect.named("iso87binary");
        IsoMessage m = IsoMessageTest.purchase();
        byte[] b = d.pack(m);
        byte[] dst = new byte[b.length + 10];
        assertEquals(b.length, d.pack(m, dst, 5));
        assertArrayEquals(b, java.util.Arrays.copyOfRange(dst, 5, 5 + b.length));
        assertThrows(IsoException.class, () -> d.pack(m, new byte[3], 0));
    }
}
