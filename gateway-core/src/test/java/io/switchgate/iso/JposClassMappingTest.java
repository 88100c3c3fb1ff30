package io.switchgate.iso;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Constructor;
import java.util.Random;
import java.util.TreeSet;

import org.jpos.iso.ISOBinaryField;
import org.jpos.iso.ISOComponent;
import org.jpos.iso.ISOField;
import org.jpos.iso.ISOFieldPackager;
import org.jpos.iso.ISOUtil;
import org.junit.jupiter.api.Test;

/** Every jPOS class the XML loader maps, field by field against jPOS itself. */
class JposClassMappingTest {

    @Test
    void everyMappedClassPacksAndUnpacksLikeJpos() throws Exception {
        Random r = new Random(42);
        int checked = 0;
        for (String cls : new TreeSet<>(GenericPackagerXml.supportedClasses())) {
            if (cls.endsWith("BITMAP")) continue;
            for (int len : new int[] {7, 10, 37}) {
                for (boolean pad : new boolean[] {false, true}) {
                    FieldSpec f = GenericPackagerXml.spec(cls.contains("NUM") ? 2 : 48, cls, len, pad, "t");
                    ISOFieldPackager jp = jpos(cls, len, pad);
                    for (int i = 0; i < 200; i++) {
                        boolean canonical = i % 2 == 0;
                        Object v = RandomValues.value(f, r, canonical);
                        String label = cls + " len=" + len + " pad=" + pad + " v=" + show(v);
                        ISOComponent c = v instanceof byte[] ? new ISOBinaryField(f.number(), (byte[]) v) : new ISOField(f.number(), (String) v);
                        byte[] expected = jp.pack(c);
                        byte[] ours = FieldCodec.encodeValue(f, v);
                        assertEquals(ISOUtil.hexString(expected), ISOUtil.hexString(ours), label);
                        // unpack
                        ISOComponent back = jp.createComponent(f.number());
                        jp.unpack(back, expected, 0);
                        int[] starts = new int[1];
                        int end = FieldCodec.walk(f, expected, 0, expected.length, 0, starts, 0);
                        assertEquals(expected.length, end, label);
                        Object jv = back.getValue();
                        String js = jv instanceof byte[] ? ISOUtil.hexString((byte[]) jv) : (String) jv;
                        assertEquals(js, FieldCodec.decodeString(f, expected, 0), label);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 10_000, "checked " + checked);
    }

    private static String show(Object v) {
        return v instanceof byte[] ? ISOUtil.hexString((byte[]) v) : (String) v;
    }

    static ISOFieldPackager jpos(String cls, int len, boolean pad) throws Exception {
        Class<?> c = Class.forName("org.jpos.iso." + cls);
        try {
            Constructor<?> k = c.getConstructor(int.class, String.class, boolean.class);
            return (ISOFieldPackager) k.newInstance(len, "t", pad);
        } catch (NoSuchMethodException e) {
            Constructor<?> k = c.getConstructor(int.class, String.class);
            return (ISOFieldPackager) k.newInstance(len, "t");
        }
    }
}
