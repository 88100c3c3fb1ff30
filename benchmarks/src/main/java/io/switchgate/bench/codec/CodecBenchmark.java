package io.switchgate.bench.codec;

import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.GenericPackager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;

/**
 * One realistic 0200 purchase in iso87binary (2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 35, 37, 41, 42, 49, 52, 55 with
 * ~120 bytes of EMV TLV, 64): pack, unpack, unpack and read five fields, and round trip (unpack the request, build
 * the response, pack it), ours and jPOS GenericPackager side by side.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'codec' -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    static final String EMV = "9F2608A1B2C3D4E5F60718" + "9F2701809F100706010A03A0000095050000008000"
            + "9A032611259C01009F02060000000123455F2A02015682023900" + "9F1A0201569F03060000000000009F3303E0F0C8"
            + "9F34034203009F3501229F360200A19F3704DEADBEEF9F1E0831323334353637388407A0000003330101";
    static final int[] ECHO = {3, 4, 7, 11, 12, 13, 41, 42, 49};
    static final int[] ECHO_JPOS = {0, 3, 4, 7, 11, 12, 13, 41, 42, 49};

    Dialect dialect;
    GenericPackager jpos;
    IsoMessage ours;
    ISOMsg theirs;
    byte[] request;

    @Setup
    public void setup() throws Exception {
        dialect = Dialect.named("iso87binary");
        try (InputStream in = GenericPackager.class.getResourceAsStream("/packager/iso87binary.xml")) {
            jpos = new GenericPackager(in);
        }
        ours = purchase().dialect(dialect);
        theirs = new ISOMsg();
        theirs.setPackager(jpos);
        theirs.setMTI(ours.getMti());
        for (int n : ours.presentFields()) {
            if (dialect.field(n).isBinary()) theirs.set(n, ours.getBytes(n));
            else theirs.set(n, ours.getString(n));
        }
        request = dialect.pack(ours);
        byte[] j = theirs.pack();
        if (!Arrays.equals(request, j)) throw new IllegalStateException("ours and jPOS pack differently");
        if (EMV.length() / 2 < 110) throw new IllegalStateException("EMV data too short: " + EMV.length() / 2);
    }

    static IsoMessage purchase() {
        return new IsoMessage("0200")
                .set(2, "6212345678901232").set(3, "000000").set(4, "000000012345").set(7, "1125121314")
                .set(11, "000123").set(12, "121314").set(13, "1125").set(14, "2812").set(22, "051").set(25, "00")
                .set(35, "6212345678901232=28121010000012300000").set(37, "112512000123").set(41, "TERM0001")
                .set(42, "MERCHANT0000001").set(49, "156").set(52, "0123456789ABCDEF").set(55, EMV)
                .set(64, "0102030405060708");
    }

    // ---------------------------------------------------------------- pack

    @Benchmark
    public byte[] packOurs() {
        return dialect.pack(ours);
    }

    @Benchmark
    public byte[] packJpos() throws ISOException {
        return jpos.pack(theirs);
    }

    // ---------------------------------------------------------------- unpack

    @Benchmark
    public IsoMessage unpackOurs() {
        return dialect.unpack(request);
    }

    @Benchmark
    public ISOMsg unpackJpos() throws ISOException {
        ISOMsg m = new ISOMsg();
        m.setPackager(jpos);
        m.unpack(request);
        return m;
    }

    // ---------------------------------------------------------------- unpack and read five fields

    @Benchmark
    public void unpackRead5Ours(Blackhole bh) {
        IsoMessage m = dialect.unpack(request);
        bh.consume(m.getString(2));
        bh.consume(m.getString(3));
        bh.consume(m.getString(4));
        bh.consume(m.getString(11));
        bh.consume(m.getString(41));
    }

    @Benchmark
    public void unpackRead5Jpos(Blackhole bh) throws ISOException {
        ISOMsg m = new ISOMsg();
        m.setPackager(jpos);
        m.unpack(request);
        bh.consume(m.getString(2));
        bh.consume(m.getString(3));
        bh.consume(m.getString(4));
        bh.consume(m.getString(11));
        bh.consume(m.getString(41));
    }

    // ---------------------------------------------------------------- round trip

    @Benchmark
    public byte[] roundTripOurs() {
        IsoMessage req = dialect.unpack(request);
        IsoMessage resp = req.toResponse(ECHO)
                .set(37, "112512000123").set(38, "654321").set(39, "00");
        return dialect.pack(resp);
    }

    @Benchmark
    public byte[] roundTripJpos() throws ISOException {
        ISOMsg req = new ISOMsg();
        req.setPackager(jpos);
        req.unpack(request);
        ISOMsg resp = (ISOMsg) req.clone(ECHO_JPOS);
        resp.setPackager(jpos);
        resp.setResponseMTI();
        resp.set(37, "112512000123");
        resp.set(38, "654321");
        resp.set(39, "00");
        return resp.pack();
    }
}
