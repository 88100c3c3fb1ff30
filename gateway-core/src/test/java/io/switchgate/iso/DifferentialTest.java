package io.switchgate.iso;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.packager.GenericPackager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random valid messages, ours against jPOS GenericPackager with the same layout: pack byte for byte,
 * unpack of jPOS bytes field for field, and our round trip.
 */
class DifferentialTest {
    static final int MESSAGES = 2500;

    @ParameterizedTest
    @ValueSource(strings = {"iso87binary", "iso87ascii", "iso93binary", "custom-ascii"})
    void sameBytesAndFieldsAsJpos(String name) throws Exception {
        Dialect d = JposOracle.ours(name);
        GenericPackager jp = JposOracle.packager(name);
        Random r = new Random(name.hashCode());
        List<FieldSpec> data = new ArrayList<>();
        for (FieldSpec f : d.fields()) if (f.number() >= 2 && f.number() <= 128) data.add(f);
        int secondary = 0;
        for (int i = 0; i < MESSAGES; i++) {
            boolean canonical = r.nextBoolean();
            double p = i % 10 == 0 ? 0.9 : i % 3 == 0 ? 0.3 : 0.1;
            boolean noSecondary = r.nextInt(3) == 0;
            String mti = RandomValues.digits(r, 4);
            IsoMessage m = new IsoMessage(mti);
            ISOMsg jm = new ISOMsg(mti);
            jm.setPackager(jp);
            for (FieldSpec f : data) {
                if (noSecondary && f.number() > 64) continue;
                if (r.nextDouble() >= p) continue;
                Object v = RandomValues.value(f, r, canonical);
                if (v instanceof byte[]) {
                    jm.set(f.number(), (byte[]) v);
                    if (r.nextBoolean()) m.set(f.number(), (byte[]) v);
                    else m.set(f.number(), ISOUtil.hexString((byte[]) v).toLowerCase());
                } else {
                    jm.set(f.number(), (String) v);
                    m.set(f.number(), (String) v);
                }
            }
            if (m.presentFields().length == 0) { // never an empty message (jPOS omits the bitmap then)
                FieldSpec f = data.get(0);
                String v = (String) RandomValues.value(f, r, canonical);
                m.set(f.number(), v);
                jm.set(f.number(), v);
            }
            String label = name + " #" + i + " fields " + java.util.Arrays.toString(m.presentFields());
            if (m.presentFields().length > 0 && m.presentFields()[m.presentFields().length - 1] > 64) secondary++;

            byte[] expected = jm.pack();
            byte[] ours = d.pack(m);
            assertEquals(ISOUtil.hexString(expected), ISOUtil.hexString(ours), label);
            assertEquals(ours.length, d.packedSize(m), label);

            // our unpack of jPOS bytes == jPOS unpack
            ISOMsg ju = new ISOMsg();
            ju.setPackager(jp);
            ju.unpack(expected);
            IsoMessage u = d.unpack(expected);
            assertEquals(ju.getMTI(), u.getMti(), label);
            for (int n = 2; n <= 128; n++) {
                assertEquals(ju.hasField(n), u.hasField(n), label + " presence of " + n);
                assertEquals(ju.getString(n), u.getString(n), label + " field " + n);
                if (u.hasField(n)) {
                    Object jv = ju.getComponent(n).getValue();
                    byte[] jb = jv instanceof byte[] ? (byte[]) jv : ((String) jv).getBytes(ISOUtil.CHARSET);
                    assertArrayEquals(jb, u.getBytes(n), label + " bytes of " + n);
                }
            }
            // round trip
            m.dialect(d);
            if (canonical) assertTrue(m.sameAs(u), label + " round trip");
            assertArrayEquals(expected, d.pack(u), label + " repack of the parsed view");
            assertArrayEquals(expected, d.pack(u.copy().set(u.presentFields()[0], u.getString(u.presentFields()[0]))),
                    label + " repack with a re-set field");
            int[] pf = u.presentFields();
            for (int k = 0; k < pf.length; k++) {
                int off = u.offsetOf(pf[k]);
                int next = k + 1 < pf.length ? u.offsetOf(pf[k + 1]) : expected.length;
                assertTrue(off > 0 && off < next, label + " offsetOf " + pf[k]);
            }
        }
        assertTrue(secondary > MESSAGES / 5, "too few messages with a secondary bitmap: " + secondary);
    }
}
