package io.switchgate.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.PinFormat;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running gateway (store of choice), terminal listener, admin API and metrics, plus a test terminal that
 * sends ISO 8583 messages through {@link Gateway#handle} and an HTTP client that remembers every body it got.
 */
final class OpsFixture implements AutoCloseable {
    static final String MASTER = "0123456789ABCDEFFEDCBA9876543210";
    static final String TPK = "EC3D756DD35498A8DC2FCDA875D358FD";
    static final String TMK = "D56152AB7370ECD5ABDF2F4C8591A1FE";
    static final String TAK = "BAD09770CBA42FEFAB327F86C7F49883";
    static final String PAN = "6212345678901232";
    static final String PAN_NOPIN = "6212345678901265";
    static final String MERCHANT = "MERCHANT0000001";
    static final String MERCHANT2 = "MERCHANT0000002";
    static final String TOKEN = "s3cret-admin-token";
    static final Dialect D = Dialect.named("iso87binary");
    private static final AtomicInteger STAN = new AtomicInteger(100);

    final Gateway gw;
    final TerminalServer server;
    final Operations ops;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String base;
    final String token;
    final KeyHandle tpk;
    /** Every admin API response body received, for the PCI scan. */
    final List<String> bodies = new ArrayList<>();
    static final ObjectMapper JSON = new ObjectMapper();

    OpsFixture(String storeUrl, String token) {
        this(storeUrl, token, Gateway::start);
    }

    /** As above, with the gateway started by {@code start} from the fixture's configuration (e.g. on a failing disk). */
    OpsFixture(String storeUrl, String token, java.util.function.Function<GatewayConfig, Gateway> start) {
        GatewayConfig cfg = config(storeUrl, "127.0.0.1", token);
        gw = start.apply(cfg);
        TerminalServer s = null;
        Operations o = null;
        try {
            s = new TerminalServer(cfg.listeners(), gw.engine()).start();
            o = Operations.start(gw, cfg, s);
        } catch (RuntimeException e) {
            if (s != null) s.close();
            gw.close();
            throw e;
        }
        server = s;
        ops = o;
        this.token = token;
        base = "http://127.0.0.1:" + ops.adminPort();
        tpk = gw.security().importClear(KeyType.TPK, HexFormat.of().parseHex(TPK));
    }

    static GatewayConfig config(String storeUrl, String adminHost, String token) {
        var limits = new GatewayConfig.RefundLimits(180, 500000, 2000000);
        return new GatewayConfig(
                new GatewayConfig.Node("01"),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso87binary", 8192, 300)),
                new GatewayConfig.Admin(adminHost, 0, token),
                new GatewayConfig.Store(storeUrl, "sa", "", 2),
                new GatewayConfig.Security(MASTER),
                List.of(new GatewayConfig.Merchant(MERCHANT, "active", limits),
                        new GatewayConfig.Merchant(MERCHANT2, "active", limits)),
                List.of(new GatewayConfig.Terminal("TERM0001", MERCHANT, "active", false, Map.of("tmk", TMK, "tpk", TPK, "tak", TAK)),
                        new GatewayConfig.Terminal("TERM0002", MERCHANT, "registered", false, Map.of("tpk", TPK)),
                        new GatewayConfig.Terminal("TERM0003", MERCHANT, "active", false, Map.of("tpk", TPK)),
                        new GatewayConfig.Terminal("TERM0009", MERCHANT2, "active", false, Map.of("tpk", TPK))),
                List.of(new GatewayConfig.Route(new GatewayConfig.RouteMatch(List.of("62", "4"), null, null, null), "embedded")),
                List.of(),
                new GatewayConfig.Authorizer(List.of(
                        new GatewayConfig.Card(PAN, "2812", "1234", 1_000_000),
                        new GatewayConfig.Card(PAN_NOPIN, "2812", null, 10_000_000))),
                new GatewayConfig.Logging("text"));
    }

    // ------------------------------------------------------------------ terminal side

    static String nextStan() {
        return String.format("%06d", STAN.incrementAndGet() % 1_000_000);
    }

    static IsoMessage financial(String terminal, String merchant, String proc, String pan, long amount) {
        IsoMessage m = new IsoMessage("0200");
        m.set(2, pan);
        m.set(3, proc);
        m.set(4, String.format("%012d", amount));
        m.set(7, "1125120000");
        m.set(11, nextStan());
        m.set(12, "120000");
        m.set(13, "1125");
        m.set(14, "2812");
        m.set(22, "051");
        m.set(25, "00");
        m.set(41, terminal);
        m.set(42, merchant);
        m.set(49, "156");
        return m;
    }

    IsoMessage sale(String terminal, String pan, long amount) {
        return financial(terminal, MERCHANT, "000000", pan, amount);
    }

    IsoMessage refund(String terminal, String pan, long amount, String originalRrn) {
        return financial(terminal, MERCHANT, "200000", pan, amount).set(37, originalRrn);
    }

    IsoMessage voidOf(String terminal, String pan, long amount, String originalRrn) {
        return financial(terminal, MERCHANT, "020000", pan, amount).set(37, originalRrn);
    }

    static IsoMessage reversal(IsoMessage original) {
        IsoMessage m = new IsoMessage("0400");
        for (int f : new int[]{2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 41, 42, 49}) {
            if (original.hasField(f)) m.set(f, original.getString(f));
        }
        return m;
    }

    static IsoMessage settlement(String terminal, long saleCount, long saleAmount, long refundCount, long refundAmount) {
        IsoMessage m = new IsoMessage("0500");
        m.set(7, "1125120000");
        m.set(11, nextStan());
        m.set(41, terminal);
        m.set(42, MERCHANT);
        m.set(74, String.format("%010d", refundCount));
        m.set(76, String.format("%010d", saleCount));
        m.set(86, String.format("%016d", refundAmount));
        m.set(88, String.format("%016d", saleAmount));
        return m;
    }

    /** Adds a format 0 PIN block under the terminal TPK; returns its hex (to scan for). */
    String withPin(IsoMessage m, String pin) {
        byte[] block = gw.security().encryptPinBlock(tpk, PinFormat.ISO0, pin, m.getString(2));
        m.set(52, block);
        return HexFormat.of().withUpperCase().formatHex(block);
    }

    /** Sends with a MAC under TERM0001's configured TAK (an 0800 from a terminal with a TAK needs one). */
    IsoMessage sendMaced(IsoMessage m) {
        KeyHandle tak = gw.security().importClear(KeyType.TAK, HexFormat.of().parseHex(TAK));
        try {
            byte[] resp = gw.handle(io.switchgate.txn.MessageMac.pack(D, m, tak, gw.security()), "pos").get(10, TimeUnit.SECONDS);
            return resp == null ? null : D.unpack(resp);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    IsoMessage send(IsoMessage m) {
        try {
            byte[] resp = gw.handle(D.pack(m), "pos").get(10, TimeUnit.SECONDS);
            return resp == null ? null : D.unpack(resp);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ admin side

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Answer get(String path) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).GET(), token);
    }

    Answer put(String path, String body) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), token);
    }

    Answer post(String path, String body) {
        return call(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), token);
    }

    /** Status line and body of a GET sent as raw bytes: for request targets that java.net.URI refuses ({@code %zz}). */
    record Raw(int status, String body) {
    }

    Raw rawGet(String target, String bearer) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", ops.adminPort())) {
            s.setSoTimeout(10_000);
            String req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
            s.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (all.isEmpty()) throw new AssertionError("no answer at all to GET " + target);
            int sp = all.indexOf(' ');
            int body = all.indexOf("\r\n\r\n");
            return new Raw(Integer.parseInt(all.substring(sp + 1, sp + 4)), body < 0 ? "" : all.substring(body + 4));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    Answer call(HttpRequest.Builder b, String bearer) {
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            synchronized (bodies) {
                bodies.add(r.body());
            }
            return new Answer(r.statusCode(), r.body(), r);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        ops.close();
        server.close();
        gw.close();
    }
}
