package io.switchgate.bench.engine;

import io.switchgate.bench.load.Ids;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Packed sales (iso87binary), each one unique: packed once with our codec, then DE 2 (card), DE 11 (STAN) and
 * DE 41 (terminal) are patched in place per request, so the benchmark measures the gateway, not the building.
 * (terminal, STAN, DE 7) never repeats within one stream.
 */
public final class SaleStream {
    public static final Dialect D = Dialect.named("iso87binary");

    private final byte[] template;
    private final int off2, off11, off41;
    private final byte[][] pans;     // DE 2 encodings (length prefix + BCD), one per card
    private final byte[][] terms;    // DE 41 ASCII
    private final int terminals;
    private long counter;

    public SaleStream(int terminals, int cards, String terminalPrefix, String merchant) {
        this.terminals = terminals;
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC);
        String de7 = String.format("%02d%02d%02d%02d%02d", t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        IsoMessage m = new IsoMessage("0200");
        m.set(2, Ids.pan(0)).set(3, "000000").set(4, "000000000100").set(7, de7).set(11, "000001")
                .set(12, de7.substring(4)).set(13, de7.substring(0, 4)).set(14, "2812").set(22, "022").set(25, "00")
                .set(41, Ids.terminal(terminalPrefix, 0)).set(42, merchant).set(49, "156");
        template = D.pack(m);
        IsoMessage v = D.unpack(template);
        off2 = v.offsetOf(2);
        int len2 = v.endOffsetOf(2) - off2;
        off11 = v.offsetOf(11);
        off41 = v.offsetOf(41);
        pans = new byte[cards][];
        for (int i = 0; i < cards; i++) {
            byte[] b = D.pack(m.copy().set(2, Ids.pan(i)));
            pans[i] = java.util.Arrays.copyOfRange(b, off2, off2 + len2);
        }
        terms = new byte[terminals][];
        for (int i = 0; i < terminals; i++) terms[i] = Ids.terminal(terminalPrefix, i).getBytes(StandardCharsets.US_ASCII);
    }

    /** The next unique sale, as a fresh array (the gateway may keep a view over it until it answers). */
    public byte[] next() {
        long i = counter++;
        int t = (int) (i % terminals);
        long round = i / terminals;
        if (round >= 999_999) throw new IllegalStateException("stream exhausted: make more terminals");
        int stan = (int) round + 1;
        byte[] b = template.clone();
        byte[] pan = pans[(int) (i % pans.length)];
        System.arraycopy(pan, 0, b, off2, pan.length);
        // n6 BCD: 3 bytes
        b[off11] = (byte) (((stan / 100000) % 10) << 4 | (stan / 10000) % 10);
        b[off11 + 1] = (byte) (((stan / 1000) % 10) << 4 | (stan / 100) % 10);
        b[off11 + 2] = (byte) (((stan / 10) % 10) << 4 | stan % 10);
        System.arraycopy(terms[t], 0, b, off41, 8);
        return b;
    }
}
