package io.switchgate.bench.crypto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Relative costs measured so that both sides see the same machine noise: the two operations of a pair
 * run in alternating short batches (about 2 ms each, order swapped every round), and the ratio of each
 * round's per-operation times is kept; the median and quartiles of those ratios are printed. On a
 * shared, loaded machine this is far steadier than comparing two JMH scores taken minutes apart.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.switchgate.bench.crypto.InterleavedRatios [rounds]</pre>
 */
public final class InterleavedRatios {
    private InterleavedRatios() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        CryptoBenchmark b = new CryptoBenchmark();
        b.setUp();
        List<Object[]> pairs = new ArrayList<>();
        pairs.add(new Object[] {"X9.19 MAC 200 B (module) / bare DES-CBC 200 B", op(b::mac_x919_switchgate), op(b::bare_des_cbc_200)});
        pairs.add(new Object[] {"AES-CMAC 200 B (module) / bare AES-CBC 208 B", op(b::mac_aes_cmac_switchgate), op(b::bare_aes_cbc_208)});
        pairs.add(new Object[] {"X9.19 MAC: switchgate / jPOS (per call)", op(b::mac_x919_switchgate), op(b::jpos_x919_perCall)});
        pairs.add(new Object[] {"X9.19 MAC: switchgate / jPOS (clear key cached)", op(b::mac_x919_switchgate), op(b::jpos_x919_clearKeyCached)});
        pairs.add(new Object[] {"PIN translate TPK->ZPK: switchgate / jPOS", op(b::pin_translate_switchgate), op(b::pin_translate_jpos)});
        pairs.add(new Object[] {"DUKPT TDES PIN key: switchgate module / jPOS", op(b::dukpt_tdes_switchgate), op(b::dukpt_tdes_jpos)});
        pairs.add(new Object[] {"DUKPT TDES PIN key: switchgate uncached / jPOS", op(b::dukpt_tdes_pure_switchgate), op(b::dukpt_tdes_jpos)});
        pairs.add(new Object[] {"DUKPT PIN translate to ZPK: switchgate / jPOS", op(b::dukpt_pin_translate_switchgate), op(b::dukpt_pin_translate_jpos)});
        for (Object[] p : pairs) {
            measure((String) p[0], (Callable<?>) p[1], (Callable<?>) p[2], rounds);
        }
    }

    private static Callable<?> op(Callable<?> c) { return c; }

    private static void measure(String name, Callable<?> a, Callable<?> b, int rounds) throws Exception {
        int na = calibrate(a);
        int nb = calibrate(b);
        for (int i = 0; i < 20; i++) { // warm-up rounds
            time(a, na);
            time(b, nb);
        }
        double[] ratios = new double[rounds];
        double[] ta = new double[rounds];
        double[] tb = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double x;
            double y;
            if ((r & 1) == 0) {
                x = time(a, na);
                y = time(b, nb);
            } else {
                y = time(b, nb);
                x = time(a, na);
            }
            ta[r] = x;
            tb[r] = y;
            ratios[r] = x / y;
        }
        Arrays.sort(ratios);
        Arrays.sort(ta);
        Arrays.sort(tb);
        System.out.printf("%-50s ratio median %6.3f (IQR %6.3f - %6.3f)   medians %9.0f ns vs %9.0f ns   min %9.0f vs %9.0f%n",
                name, ratios[rounds / 2], ratios[rounds / 4], ratios[3 * rounds / 4], ta[rounds / 2], tb[rounds / 2], ta[0], tb[0]);
    }

    /** Operations per batch for about 2 ms. */
    private static int calibrate(Callable<?> c) throws Exception {
        int n = 1;
        while (true) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) c.call();
            long dt = System.nanoTime() - t0;
            if (dt > 2_000_000 || n >= 1 << 20) return n;
            n *= 2;
        }
    }

    static volatile Object sink;

    /** ns per operation over a batch. */
    private static double time(Callable<?> c, int n) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) sink = c.call();
        return (System.nanoTime() - t0) / (double) n;
    }
}
