package io.switchgate.iso;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import io.switchgate.iso.FieldSpec.Encoding;
import io.switchgate.iso.FieldSpec.Kind;
import io.switchgate.iso.FieldSpec.PrefixEncoding;

/**
 * Reads a jPOS GenericPackager XML file ({@code <isopackager><isofield id= length= class= pad=/>...}) into a
 * {@link Dialect}, mapping each jPOS field class to our field types. Our own mapping table; no jPOS code.
 */
final class GenericPackagerXml {
    private GenericPackagerXml() {}

    /** kind, content encoding (BCD resolved with pad), prefix encoding, prefix digits. */
    private static final class Row {
        final Kind kind;
        final Encoding enc;
        final PrefixEncoding pe;
        final int digits;

        Row(Kind kind, Encoding enc, PrefixEncoding pe, int digits) {
            this.kind = kind;
            this.enc = enc;
            this.pe = pe;
            this.digits = digits;
        }
    }

    private static final Map<String, Row> CLASSES = new java.util.HashMap<>();

    private static void put(String cls, Kind k, Encoding e, PrefixEncoding pe, int digits) {
        CLASSES.put(cls, new Row(k, e, pe, digits));
    }

    static {
        PrefixEncoding none = PrefixEncoding.NONE;
        // fixed length
        put("IF_CHAR", Kind.CHAR, Encoding.ASCII, none, 0);
        put("IFE_CHAR", Kind.CHAR, Encoding.EBCDIC, none, 0);
        put("IF_ECHAR", Kind.CHAR, Encoding.EBCDIC, none, 0);
        put("IFA_NUMERIC", Kind.NUMERIC, Encoding.ASCII, none, 0);
        put("IFB_NUMERIC", Kind.NUMERIC, Encoding.BCD_RIGHT, none, 0);
        put("IFE_NUMERIC", Kind.NUMERIC, Encoding.EBCDIC, none, 0);
        put("IFB_BINARY", Kind.BINARY, Encoding.BINARY, none, 0);
        put("IFA_BINARY", Kind.BINARY, Encoding.HEX, none, 0);
        put("IFB_AMOUNT", Kind.AMOUNT, Encoding.BCD_RIGHT, none, 0);
        put("IFA_AMOUNT", Kind.AMOUNT, Encoding.ASCII, none, 0);
        put("IFB_BITMAP", Kind.BITMAP, Encoding.BINARY, none, 0);
        put("IFA_BITMAP", Kind.BITMAP, Encoding.HEX, none, 0);
        // variable length
        String[] ls = {null, null, "LL", "LLL", "LLLL"};
        for (int d = 2; d <= 3; d++) { // jPOS has no LLLL numerics
            String l = ls[d];
            put("IFA_" + l + "NUM", Kind.NUMERIC, Encoding.ASCII, PrefixEncoding.ASCII, d);
            put("IFB_" + l + "NUM", Kind.NUMERIC, Encoding.BCD_RIGHT, PrefixEncoding.BCD, d);
            put("IFE_" + l + "NUM", Kind.NUMERIC, Encoding.EBCDIC, PrefixEncoding.EBCDIC, d);
        }
        for (int d = 2; d <= 4; d++) {
            String l = ls[d];
            put("IFA_" + l + "CHAR", Kind.CHAR, Encoding.ASCII, PrefixEncoding.ASCII, d);
            put("IFB_" + l + "CHAR", Kind.CHAR, Encoding.ASCII, PrefixEncoding.BCD, d);
            put("IFE_" + l + "CHAR", Kind.CHAR, Encoding.EBCDIC, PrefixEncoding.EBCDIC, d);
            put("IFA_" + l + "BINARY", Kind.BINARY, Encoding.BINARY, PrefixEncoding.ASCII, d);
            put("IFB_" + l + "BINARY", Kind.BINARY, Encoding.BINARY, PrefixEncoding.BCD, d);
            put("IFE_" + l + "BINARY", Kind.BINARY, Encoding.BINARY, PrefixEncoding.EBCDIC, d);
        }
        for (int d = 2; d <= 3; d++) {
            String l = ls[d];
            put("IFB_" + l + "HNUM", Kind.NUMERIC, Encoding.BCD_RIGHT, PrefixEncoding.BINARY, d);
            put("IFB_" + l + "HCHAR", Kind.CHAR, Encoding.ASCII, PrefixEncoding.BINARY, d);
            put("IFB_" + l + "HBINARY", Kind.BINARY, Encoding.BINARY, PrefixEncoding.BINARY, d);
        }
    }

    /** The jPOS class names this loader understands (simple names). */
    static java.util.Set<String> supportedClasses() {
        return java.util.Collections.unmodifiableSet(CLASSES.keySet());
    }

    static Dialect load(Path xml) {
        Document doc;
        try (InputStream in = Files.newInputStream(xml)) {
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(false);
            dbf.setValidating(false);
            dbf.setExpandEntityReferences(false);
            dbf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            dbf.setFeature("http://xml.org/sax/features/external-general-entities", false);
            dbf.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            dbf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            dbf.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder db = dbf.newDocumentBuilder();
            db.setErrorHandler(null);
            doc = db.parse(new InputSource(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read dialect file " + xml + ": " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new IllegalArgumentException("dialect file " + xml + " is not valid XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!"isopackager".equals(root.getTagName())) {
            throw new IllegalArgumentException("dialect file " + xml + ": root element must be <isopackager>");
        }
        List<FieldSpec> specs = new ArrayList<>();
        NodeList nl = root.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node node = nl.item(i);
            if (!(node instanceof Element)) continue;
            Element e = (Element) node;
            String id = e.getAttribute("id");
            String cls = e.getAttribute("class");
            if (!"isofield".equals(e.getTagName())) {
                throw new IllegalArgumentException("dialect file " + xml + ": field " + id + ": <" + e.getTagName()
                        + "> (class " + cls + ") is not supported; only plain <isofield> elements are");
            }
            specs.add(spec(xml, id, cls, e.getAttribute("length"), e.getAttribute("pad"), e.getAttribute("name")));
        }
        String name = xml.getFileName().toString();
        if (name.endsWith(".xml")) name = name.substring(0, name.length() - 4);
        try {
            return Dialect.of(name, specs);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("dialect file " + xml + ": " + ex.getMessage(), ex);
        }
    }

    private static FieldSpec spec(Path xml, String id, String cls, String length, String pad, String name) {
        int num;
        try {
            num = Integer.parseInt(id.trim());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("dialect file " + xml + ": field id '" + id + "' is not a number");
        }
        int len;
        try {
            len = Integer.parseInt(length.trim());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("dialect file " + xml + ": field " + num + " (" + cls + "): length '" + length + "' is not a number");
        }
        try {
            return spec(num, cls, len, "true".equalsIgnoreCase(pad.trim()), name);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("dialect file " + xml + ": " + ex.getMessage(), ex);
        }
    }

    /** Our spec for a jPOS field class ({@code org.jpos.iso.} prefix optional). */
    static FieldSpec spec(int num, String cls, int len, boolean pad, String name) {
        String simple = cls.startsWith("org.jpos.iso.") ? cls.substring("org.jpos.iso.".length()) : cls;
        Row r = CLASSES.get(simple);
        if (r == null) {
            throw new IllegalArgumentException("field " + num + ": class " + cls + " is not supported");
        }
        Encoding enc = r.enc;
        if (enc == Encoding.BCD_RIGHT && pad) enc = Encoding.BCD_LEFT;
        Kind kind = r.kind;
        // track 2 in a numeric class: digits and the '=' separator (BCD nibble D), as jPOS reads it
        if (num == 35 && kind == Kind.NUMERIC && r.pe != PrefixEncoding.NONE) kind = Kind.TRACK2;
        try {
            return new FieldSpec(num, name, kind, enc, r.pe, r.digits, len, cls);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("field " + num + " (" + cls + "): " + ex.getMessage(), ex);
        }
    }
}
