package io.switchgate.bench.codec;

import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
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

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.txn.MessageMac;

/**
 * What the gateway does per answer, as {@code ResponseBuilder} does it: from the request of {@link CodecBenchmark}
 * (a 0200 purchase in iso87binary), echo 3, 4, 7, 11, 12, 13, 41, 42, 49, set 37, 38, 39, pack; against jPOS doing
 * the equivalent ({@code clone}, {@code setResponseMTI}, {@code set}, {@code pack}).
 *
 * <ul>
 *   <li>{@code response*}: the request is already parsed (parsed once in the setup); measures building and packing
 *       the response, which is what "pack" means for a gateway.</li>
 *   <li>{@code responseBuild*}: the same without the pack, to split the time between building and packing.</li>
 *   <li>{@code responseMac*}: the same with the X9.19 MAC in DE 64 ({@code MessageMac.pack}); jPOS packs with a zero
 *       DE 64, MACs the bytes before it with the same MAC code and writes the MAC into the packed bytes, so both sides
 *       pay the same cryptography and differ only in the codec.</li>
 *   <li>{@code gateway*}: unpack the request first (what a frame costs end to end in the codec), without and with the
 *       MAC.</li>
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar 'codec.ResponseBenchmark' -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResponseBenchmark {
    static final String MASTER = "0123456789ABCDEFFEDCBA98765432100123456789ABCDEF";
    static final String TAK = "89ABCDEF0123456776543210FEDCBA98";
    static final String RRN = "112512000123", AUTH = "654321", APPROVED = "00";

    Dialect dialect;
    GenericPackager jpos;
    byte[] request;
    IsoMessage parsedOurs;
    ISOMsg parsedJpos;
    SoftwareSecurityModule sm;
    KeyHandle tak;

    @Setup
    public void setup() throws Exception {
        dialect = Dialect.named("iso87binary");
        try (InputStream in = GenericPackager.class.getResourceAsStream("/packager/iso87binary.xml")) {
            jpos = new GenericPackager(in);
        }
        request = dialect.pack(CodecBenchmark.purchase().dialect(dialect));
        parsedOurs = dialect.unpack(request);
        parsedJpos = new ISOMsg();
        parsedJpos.setPackager(jpos);
        parsedJpos.unpack(request);
        sm = SoftwareSecurityModule.fromHex(MASTER);
        tak = sm.importClear(KeyType.TAK, HexFormat.of().parseHex(TAK));
        check(responseOurs(), responseJpos(), "response");
        check(responseMacOurs(), responseMacJpos(), "MACed response");
        check(gatewayOurs(), gatewayJpos(), "gateway");
        check(gatewayMacOurs(), gatewayMacJpos(), "MACed gateway");
    }

    private static void check(byte[] ours, byte[] theirs, String what) {
        if (!Arrays.equals(ours, theirs)) throw new IllegalStateException(what + ": ours and jPOS differ");
    }

    // ---------------------------------------------------------------- building the response (ours)

    private IsoMessage answer(IsoMessage req) {
        return req.toResponse(CodecBenchmark.ECHO).set(37, RRN).set(38, AUTH).set(39, APPROVED);
    }

    private ISOMsg answer(ISOMsg req) throws ISOException {
        ISOMsg resp = (ISOMsg) req.clone(CodecBenchmark.ECHO_JPOS);
        resp.setPackager(jpos);
        resp.setResponseMTI();
        resp.set(37, RRN);
        resp.set(38, AUTH);
        resp.set(39, APPROVED);
        return resp;
    }

    /** jPOS with a MAC: pack with 8 zero bytes in DE 64, MAC the bytes before it, write the MAC in place. */
    private byte[] packWithMac(ISOMsg resp) throws ISOException {
        resp.set(64, new byte[8]);
        byte[] packed = resp.pack();
        int at = packed.length - 8;
        byte[] mac = sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, at);
        System.arraycopy(mac, 0, packed, at, 8);
        return packed;
    }

    private ISOMsg unpackJpos() throws ISOException {
        ISOMsg m = new ISOMsg();
        m.setPackager(jpos);
        m.unpack(request);
        return m;
    }

    // ---------------------------------------------------------------- the request already parsed

    @Benchmark
    public byte[] responseOurs() {
        return dialect.pack(answer(parsedOurs));
    }

    @Benchmark
    public byte[] responseJpos() throws ISOException {
        return answer(parsedJpos).pack();
    }

    /** Building the response without packing it: with {@code response*}, splits the time between building and packing. */
    @Benchmark
    public IsoMessage responseBuildOurs() {
        return answer(parsedOurs);
    }

    @Benchmark
    public ISOMsg responseBuildJpos() throws ISOException {
        return answer(parsedJpos);
    }

    @Benchmark
    public byte[] responseMacOurs() {
        return MessageMac.pack(dialect, answer(parsedOurs), tak, sm);
    }

    @Benchmark
    public byte[] responseMacJpos() throws ISOException {
        return packWithMac(answer(parsedJpos));
    }

    // ---------------------------------------------------------------- unpack, answer, pack

    @Benchmark
    public byte[] gatewayOurs() {
        return dialect.pack(answer(dialect.unpack(request)));
    }

    @Benchmark
    public byte[] gatewayJpos() throws ISOException {
        return answer(unpackJpos()).pack();
    }

    @Benchmark
    public byte[] gatewayMacOurs() {
        return MessageMac.pack(dialect, answer(dialect.unpack(request)), tak, sm);
    }

    @Benchmark
    public byte[] gatewayMacJpos() throws ISOException {
        return packWithMac(answer(unpackJpos()));
    }
}
