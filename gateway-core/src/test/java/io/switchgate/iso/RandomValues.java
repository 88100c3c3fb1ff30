package io.switchgate.iso;

import java.util.Random;

/** Random valid values for a field spec (test support). Text values are String, binary values byte[]. */
final class RandomValues {
    private RandomValues() {}

    static final String PRINTABLE;
    static {
        StringBuilder sb = new StringBuilder();
        for (char c = 0x20; c < 0x7F; c++) sb.append(c);
        PRINTABLE = sb.toString();
    }

    /**
     * @param canonical if true, the value is what unpack will give back (fixed fields at full length);
     *                  otherwise fixed fields may be short (padded on pack)
     */
    static Object value(FieldSpec f, Random r, boolean canonical) {
        int max = f.maxLength();
        // keep the big LLL fields modest so thousands of messages stay fast
        int cap = Math.min(max, 120);
        switch (f.kind()) {
            case BINARY: {
                int n = f.isFixed() ? max : r.nextInt(cap + 1);
                byte[] b = new byte[n];
                r.nextBytes(b);
                return b;
            }
            case AMOUNT: {
                int n = canonical ? max - 1 : r.nextInt(max);
                return (r.nextBoolean() ? "C" : "D") + digits(r, n);
            }
            case NUMERIC: {
                int n = f.isFixed() ? (canonical ? max : 1 + r.nextInt(max)) : r.nextInt(cap + 1);
                return digits(r, n);
            }
            case TRACK2: {
                int n = r.nextInt(cap + 1);
                char[] c = digits(r, n).toCharArray();
                if (n > 2) c[1 + r.nextInt(n - 2)] = '=';
                return new String(c);
            }
            default: {
                int n = f.isFixed() ? (canonical ? max : r.nextInt(max + 1)) : r.nextInt(cap + 1);
                char[] c = new char[n];
                for (int i = 0; i < n; i++) c[i] = PRINTABLE.charAt(r.nextInt(PRINTABLE.length()));
                if (f.isFixed() && canonical && n > 0 && c[n - 1] == ' ') c[n - 1] = 'x';
                return new String(c);
            }
        }
    }

    static String digits(Random r, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = (char) ('0' + r.nextInt(10));
        return new String(c);
    }
}
