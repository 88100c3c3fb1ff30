package io.switchgate.iso;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.packager.GenericPackager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pack of a message that shares a parsed frame (what a gateway's response is: {@code toResponse}, then a few
 * {@code set}s), against jPOS doing the same from the same frame ({@code clone}, the response MTI, {@code set}, {@code pack}), byte for byte; and against our own field-by-field pack of the same values in a message built in code.
 * Echoed fields come from the frame as runs of bytes, so the cases that matter are: a set field between echoed
 * ones, an echoed field overwritten or removed after {@code toResponse} (its old bytes must not be copied), fields
 * present in the request but not echoed (gaps in a run), secondary and tertiary bitmaps, and packing at an offset.
 */
class ResponsePackDifferentialTest {
    static final int REQUESTS = 1500;

    @ParameterizedTest
    @ValueSource(strings = {"iso87binary", "iso87ascii", "iso93binary", "custom-ascii"})
    void responsesPackAsJposDoes(String name) throws Exception {
        run(name, JposOracle.ours(name), JposOracle.packager(name), 128);
    }

    /** iso87binary with a 24-byte bitmap and fields 129..192 (jPOS GenericPackager, same XML for both sides). */
    @Test
    void responsesWithATertiaryBitmapPackAsJposDoes(@TempDir Path dir) throws Exception {
        String xml = tertiaryXml();
        Path file = dir.resolve("iso87binary-tertiary.xml");
        Files.writeString(file, xml);
        Dialect d = Dialect.fromGenericPackagerXml(file);
        assertTrue(d.tertiary());
        run("iso87binary-tertiary", d, new GenericPackager(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))), 192);
    }

    /**
     * A response to a frame that {@code unpackReadable} read around a bad field: the fields before and after the gap
     * are not next to each other in the frame, so they must not be copied as one run.
     */
    @Test
    void responsesToAFrameReadAroundABadFieldPackAsJposDoes() throws Exception {
        Dialect d = JposOracle.ours("iso87ascii");
        GenericPackager jp = JposOracle.packager("iso87ascii");
        Random r = new Random(1414);
        List<FieldSpec> data = new ArrayList<>();
        for (FieldSpec f : d.fields()) if (f.number() >= 2 && f.number() <= 128) data.add(f);
        for (int i = 0; i < 300; i++) {
            byte[] frame = randomRequest(r, d, jp, data, 128);
            IsoMessage valid = d.unpack(frame);
            int[] present = valid.presentFields();
            int bad = -1;
            for (int k = 1; k < present.length - 1 && bad < 0; k++) {
                FieldSpec f = d.field(present[k]);
                if (f.kind() == FieldSpec.Kind.NUMERIC && f.isFixed()) bad = present[k]; // a digit becomes 'X'
            }
            if (bad < 0) continue;
            byte[] broken = frame.clone();
            broken[valid.offsetOf(bad)] = 'X';
            IsoMessage readable = d.unpackReadable(broken, 0, broken.length);
            assertFalse(readable.hasField(bad));
            IsoMessage resp = readable.toResponse(readable.presentFields()).set(39, "30");
            ISOMsg jresp = new ISOMsg(resp.getMti());
            jresp.setPackager(jp);
            for (int n : resp.presentFields()) {
                if (d.field(n).isBinary()) jresp.set(n, resp.getBytes(n));
                else jresp.set(n, resp.getString(n));
            }
            String label = "#" + i + " field " + bad + " broken in " + Arrays.toString(present);
            assertEquals(ISOUtil.hexString(jresp.pack()), ISOUtil.hexString(d.pack(resp)), label);
        }
    }

    private static void run(String name, Dialect d, GenericPackager jp, int maxField) throws Exception {
        Random r = new Random(name.hashCode() * 31L + 14);
        List<FieldSpec> data = new ArrayList<>();
        for (FieldSpec f : d.fields()) {
            // 65 announces the tertiary bitmap when there is one: never a data field then
            if (f.number() >= 2 && f.number() <= maxField && !(d.tertiary() && f.number() == 65)) data.add(f);
        }
        int beyond64 = 0, beyond128 = 0, overwritten = 0, removed = 0;
        for (int i = 0; i < REQUESTS; i++) {
            byte[] frame = randomRequest(r, d, jp, data, maxField);
            IsoMessage req = d.unpack(frame);
            ISOMsg jreq = new ISOMsg();
            jreq.setPackager(jp);
            jreq.unpack(frame);

            int[] present = req.presentFields();
            List<Integer> echo = new ArrayList<>();
            double pEcho = r.nextDouble();
            for (int n : present) if (r.nextDouble() < pEcho) echo.add(n);
            int[] echoed = echo.stream().mapToInt(Integer::intValue).toArray();
            int[] jEchoed = new int[echoed.length + 1]; // jPOS clones the MTI as field 0
            System.arraycopy(echoed, 0, jEchoed, 1, echoed.length);

            IsoMessage resp = req.toResponse(echoed);
            ISOMsg jresp = (ISOMsg) jreq.clone(jEchoed);
            jresp.setPackager(jp);
            jresp.setMTI(resp.getMti()); // jPOS's setResponseMTI also clears a repeat (0201 -> 0210); ours keeps the last digit

            // set fields: new ones, echoed ones overwritten (stale bytes must not be copied), some removed again
            int sets = r.nextInt(6);
            for (int k = 0; k < sets; k++) {
                FieldSpec f = r.nextInt(3) == 0 && echoed.length > 0
                        ? d.field(echoed[r.nextInt(echoed.length)]) : data.get(r.nextInt(data.size()));
                if (resp.offsetOf(f.number()) >= 0) overwritten++;
                set(resp, jresp, f, RandomValues.value(f, r, r.nextBoolean()), r);
            }
            if (echoed.length > 0 && r.nextInt(8) == 0) {
                int n = echoed[r.nextInt(echoed.length)];
                resp.unset(n);
                jresp.unset(n);
                removed++;
            }
            if (resp.presentFields().length == 0) { // jPOS omits an empty bitmap; we send a zero one
                FieldSpec f = data.get(0);
                set(resp, jresp, f, RandomValues.value(f, r, true), r);
            }
            int[] fields = resp.presentFields();
            int last = fields[fields.length - 1];
            if (last > 64) beyond64++;
            if (last > 128) beyond128++;
            String label = name + " #" + i + " request " + Arrays.toString(present) + " echoed " + Arrays.toString(echoed)
                    + " response " + Arrays.toString(fields);

            byte[] expected = jresp.pack();
            byte[] ours = d.pack(resp);
            assertEquals(ISOUtil.hexString(expected), ISOUtil.hexString(ours), label);
            assertArrayEquals(expected, d.pack(rebuilt(resp)), label + " (field by field, built in code)");
            assertEquals(expected.length, d.packedSize(resp), label);
            byte[] dst = new byte[expected.length + 7];
            Arrays.fill(dst, (byte) 0x5A);
            assertEquals(expected.length, d.pack(resp, dst, 3), label);
            assertArrayEquals(expected, Arrays.copyOfRange(dst, 3, 3 + expected.length), label + " at an offset");
            for (int k : new int[] {0, 1, 2, dst.length - 4, dst.length - 3, dst.length - 2, dst.length - 1}) {
                if (k < 3 || k >= 3 + expected.length) assertEquals(0x5A, dst[k], label + " byte " + k + " outside the message");
            }
            assertArrayEquals(expected, d.pack(resp.copy()), label + " copy");
        }
        assertTrue(overwritten > REQUESTS / 10, "too few overwritten echoed fields: " + overwritten);
        assertTrue(removed > REQUESTS / 20, "too few removed echoed fields: " + removed);
        assertTrue(beyond64 > REQUESTS / 5, "too few responses with a secondary bitmap: " + beyond64);
        if (maxField > 128) assertTrue(beyond128 > REQUESTS / 10, "too few responses with a tertiary bitmap: " + beyond128);
    }

    /** A random request packed by jPOS (so the frame does not depend on our pack); the MTI is a request's (even third digit). */
    private static byte[] randomRequest(Random r, Dialect d, GenericPackager jp, List<FieldSpec> data, int maxField) throws Exception {
        String mti = RandomValues.digits(r, 2) + (char) ('0' + 2 * r.nextInt(5)) + RandomValues.digits(r, 1);
        ISOMsg jm = new ISOMsg(mti);
        jm.setPackager(jp);
        double p = r.nextInt(4) == 0 ? 0.8 : 0.3;
        int top = r.nextInt(3) == 0 ? 64 : maxField;
        boolean any = false;
        for (FieldSpec f : data) {
            if (f.number() > top || r.nextDouble() >= p) continue;
            any = true;
            Object v = RandomValues.value(f, r, r.nextBoolean());
            if (v instanceof byte[]) jm.set(f.number(), (byte[]) v);
            else jm.set(f.number(), (String) v);
        }
        if (!any) jm.set(data.get(0).number(), (String) RandomValues.value(data.get(0), r, true));
        return jm.pack();
    }

    private static void set(IsoMessage resp, ISOMsg jresp, FieldSpec f, Object v, Random r) throws Exception {
        if (v instanceof byte[]) {
            jresp.set(f.number(), (byte[]) v);
            if (r.nextBoolean()) resp.set(f.number(), (byte[]) v);
            else resp.set(f.number(), ISOUtil.hexString((byte[]) v).toLowerCase());
        } else {
            jresp.set(f.number(), (String) v);
            resp.set(f.number(), (String) v);
        }
    }

    /** The same message built in code from its values: packed field by field, with nothing shared. */
    private static IsoMessage rebuilt(IsoMessage m) {
        IsoMessage c = new IsoMessage(m.getMti());
        for (int n : m.presentFields()) {
            if (m.dialect().field(n).isBinary()) c.set(n, m.getBytes(n));
            else c.set(n, m.getString(n));
        }
        return c;
    }

    /** jPOS's iso87binary.xml with a 24-byte bitmap and fields 129..192 of assorted classes. */
    static String tertiaryXml() throws Exception {
        String base;
        try (var in = GenericPackager.class.getResourceAsStream("/packager/iso87binary.xml")) {
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int at = base.indexOf("id=\"1\"");
        int len = base.indexOf("length=\"16\"", at);
        assertTrue(at > 0 && len > at && len - at < 40, "bitmap declaration not found");
        base = base.substring(0, len) + "length=\"24\"" + base.substring(len + "length=\"16\"".length());
        String[] classes = {"IFB_LLCHAR\" length=\"99", "IFB_NUMERIC\" pad=\"true\" length=\"6",
                "IFB_LLLBINARY\" length=\"999", "IFB_LLNUM\" pad=\"false\" length=\"19", "IF_CHAR\" length=\"12",
                "IFB_BINARY\" length=\"8", "IFB_AMOUNT\" pad=\"true\" length=\"13"};
        StringBuilder sb = new StringBuilder();
        for (int n = 129; n <= 192; n++) {
            sb.append("  <isofield id=\"").append(n).append("\" name=\"F").append(n).append("\" class=\"org.jpos.iso.")
                    .append(classes[n % classes.length]).append("\"/>\n");
        }
        int end = base.lastIndexOf("</isopackager>");
        return base.substring(0, end) + sb + base.substring(end);
    }
}
