package io.switchgate.server.host;

import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SoftwareSecurityModule;
import org.jpos.iso.BaseChannel;
import org.jpos.iso.ISOChannel;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOPackager;
import org.jpos.iso.ISORequestListener;
import org.jpos.iso.ISOServer;
import org.jpos.iso.ISOSource;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.GenericPackager;
import org.jpos.util.ThreadPool;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An acquirer host for tests: jPOS {@link ISOServer} with a {@link NACChannel} and the {@code iso87binary}
 * {@link GenericPackager} from the jPOS jar. It checks what a host must get (DE 32, the PIN block under its ZPK, the
 * MAC under its ZAK, no field outside the contract's list) and answers as the test says: approve, decline, late,
 * never, drop the connection; out of order follows from per-request delays.
 *
 * <p>It keeps a small ledger: sales approved by DE 11, and reversals (0400/0420/0421) by the original STAN in DE 90,
 * so a test can check that money moved net zero and that each reversal arrived once.
 */
final class HostSimulator implements ISORequestListener, AutoCloseable {
    static final ISOPackager PACKAGER;

    static {
        try {
            PACKAGER = new GenericPackager("jar:packager/iso87binary.xml");
        } catch (ISOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What to do with one request. */
    record Reply(String code, long delayMillis, boolean never, boolean drop) {
        static Reply approve() {
            return new Reply("00", 0, false, false);
        }

        static Reply code(String c) {
            return new Reply(c, 0, false, false);
        }

        static Reply late(long ms) {
            return new Reply("00", ms, false, false);
        }

        static Reply silent() {
            return new Reply(null, 0, true, false);
        }

        static Reply hangUp() {
            return new Reply(null, 0, false, true);
        }
    }

    /** Fields a host may receive in a financial request or reversal (the contract's list plus what the gateway adds). */
    static final Set<Integer> ALLOWED = Set.of(0, 1, 2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 32, 35, 37, 41, 42, 49, 52, 55, 64, 70, 90, 128);

    final int port;
    final String acquirerId;
    final String pin;
    private final SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex("00112233445566778899AABBCCDDEEFF");
    private final KeyHandle zpk;
    private final KeyHandle zak;
    private final byte[] storedPin;
    private final ISOServer server;
    private final Thread serverThread;
    private final ScheduledExecutorService later = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "host-sim-later");
        t.setDaemon(true);
        return t;
    });

    volatile Function<ISOMsg, Reply> behaviour = m -> Reply.approve();
    /** A host that sends each answer twice. */
    volatile boolean answerTwice;
    /** DE 39 as this host writes it, from the answer's MTI and the reply's code (a host of three-digit action codes maps). */
    volatile java.util.function.BiFunction<String, String, String> codeOnWire = (mti, code) -> code;
    /** Changes an answer before it is MACed and sent (request, answer): a host that answers other fields than asked. */
    volatile java.util.function.BiConsumer<ISOMsg, ISOMsg> alter = (req, resp) -> { };
    private final ISOPackager packager;
    final List<ISOMsg> received = Collections.synchronizedList(new ArrayList<>());
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    /** Reversals (0400/0420/0421) received, by original STAN (DE 90 positions 5-10). */
    final Map<String, AtomicInteger> reversalsReceived = new ConcurrentHashMap<>();
    /** Reversals answered (the host acted on them), by original STAN. */
    final Map<String, AtomicInteger> reversalsApplied = new ConcurrentHashMap<>();
    /** Approved sales (answer sent, even late), by STAN. */
    final Map<String, Long> approvedSales = new ConcurrentHashMap<>();
    final AtomicInteger echoes = new AtomicInteger();

    HostSimulator(int port, String zpkHex, String zakHex, String acquirerId, String pin) {
        this(port, zpkHex, zakHex, acquirerId, pin, PACKAGER);
    }

    /** A host speaking {@code packager}'s layout instead of {@code iso87binary}. */
    HostSimulator(int port, String zpkHex, String zakHex, String acquirerId, String pin, ISOPackager packager) {
        this.packager = packager;
        this.port = port;
        this.acquirerId = acquirerId;
        this.pin = pin;
        this.zpk = zpkHex == null ? null : sm.importClear(KeyType.ZPK, HexFormat.of().parseHex(zpkHex));
        this.zak = zakHex == null ? null : sm.importClear(KeyType.ZAK, HexFormat.of().parseHex(zakHex));
        this.storedPin = sm.encryptPinForStorage(pin);
        try {
            server = new ISOServer(port, new NACChannel(packager, null), new ThreadPool(1, 64));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        try {
            server.setConfiguration(new org.jpos.core.SimpleConfiguration());
        } catch (org.jpos.core.ConfigurationException e) {
            throw new AssertionError(e);
        }
        server.addISORequestListener(this);
        serverThread = new Thread(server, "host-sim-" + port);
        serverThread.setDaemon(true);
        serverThread.start();
        waitListening();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void waitListening() {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new AssertionError("host simulator not listening on " + port);
    }

    int connections() {
        return server.getActiveConnections();
    }

    int count(String mti) {
        synchronized (received) {
            return (int) received.stream().filter(m -> mti.equals(mti(m))).count();
        }
    }

    List<ISOMsg> ofMti(String mti) {
        synchronized (received) {
            return received.stream().filter(m -> mti.equals(mti(m))).toList();
        }
    }

    private static String mti(ISOMsg m) {
        try {
            return m.getMTI();
        } catch (ISOException e) {
            return null;
        }
    }

    /** Drops every open connection (the server keeps listening). */
    void dropConnections() {
        for (int i = 0; i < 16; i++) {
            ISOChannel c = server.getLastConnectedISOChannel();
            if (c == null || !c.isConnected()) break;
            try {
                c.disconnect();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public boolean process(ISOSource source, ISOMsg m) {
        received.add(m);
        try {
            String mti = m.getMTI();
            check(m, mti);
            Reply r = behaviour.apply(m);
            if (r.drop()) {
                if (source instanceof BaseChannel b) b.disconnect();
                return true;
            }
            if (r.never()) return true;
            ISOMsg resp = answer(m, mti, r.code());
            if (r.delayMillis() > 0) {
                later.schedule(() -> send(source, resp, m, mti, r.code()), r.delayMillis(), TimeUnit.MILLISECONDS);
            } else {
                send(source, resp, m, mti, r.code());
            }
        } catch (Exception e) {
            violations.add("simulator failure: " + e);
        }
        return true;
    }

    private void send(ISOSource source, ISOMsg resp, ISOMsg req, String mti, String code) {
        try {
            if (!source.isConnected()) return;
            source.send(resp);
            if (answerTwice) source.send(resp);
            applied(req, mti, code);
        } catch (Exception e) {
            // the connection went away: the gateway never got this answer
        }
    }

    private void applied(ISOMsg req, String mti, String code) {
        if (mti.startsWith("04")) {
            reversalsApplied.computeIfAbsent(originalStan(req), k -> new AtomicInteger()).incrementAndGet();
        } else if (mti.equals("0200") && "00".equals(code) && req.getString(3).startsWith("00")) {
            approvedSales.put(req.getString(11), Long.parseLong(req.getString(4)));
        }
    }

    static String originalStan(ISOMsg m) {
        String de90 = m.getString(90);
        return de90 == null || de90.length() < 10 ? "?" : de90.substring(4, 10);
    }

    private void check(ISOMsg m, String mti) throws ISOException {
        if (mti.startsWith("08")) {
            echoes.incrementAndGet();
            return;
        }
        for (int f = 0; f <= 128; f++) {
            if (m.hasField(f) && !ALLOWED.contains(f)) violations.add(mti + " carries DE " + f);
        }
        if (!acquirerId.equals(m.getString(32))) violations.add(mti + " DE 32 " + m.getString(32));
        if (mti.startsWith("04")) {
            reversalsReceived.computeIfAbsent(originalStan(m), k -> new AtomicInteger()).incrementAndGet();
            if (m.hasField(2) || m.hasField(35) || m.hasField(52)) violations.add(mti + " carries card data");
        }
        if (zak != null) {
            int macField = m.hasField(128) ? 128 : 64;
            byte[] packed = m.pack();
            byte[] mac = m.getBytes(macField);
            if (mac == null || !sm.verifyMac(zak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8, mac, 0, 8)) {
                violations.add(mti + " stan " + m.getString(11) + ": MAC under the ZAK does not verify");
            }
        }
    }

    private ISOMsg answer(ISOMsg m, String mti, String code) throws ISOException {
        ISOMsg r = new ISOMsg();
        r.setPackager(packager);
        r.setMTI(mti.startsWith("042") ? "0430" : mti.substring(0, 2) + (char) (mti.charAt(2) + 1) + "0");
        for (int f : new int[]{3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49, 70, 90}) if (m.hasField(f)) r.set(f, m.getString(f));
        String c = code;
        if (mti.equals("0200") && "00".equals(c) && m.hasField(52) && zpk != null) {
            boolean ok;
            try {
                ok = sm.verifyPin(zpk, PinFormat.ISO0, m.getBytes(52), m.getString(2), storedPin);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) c = "55";
        }
        r.set(39, codeOnWire.apply(r.getMTI(), c));
        if ("00".equals(c) && mti.equals("0200")) {
            r.set(38, "A" + m.getString(11).substring(1));
            if (m.getString(3).startsWith("31")) r.set(54, "1002156C000000123456");
        } else if (!"00".equals(c) && mti.equals("0200")) {
            r.set(44, "HOST_SAYS_" + c);
        }
        alter.accept(m, r);
        if (zak != null && !mti.startsWith("08")) {
            int macField = r.hasField(90) ? 128 : 64;
            r.set(macField, new byte[8]);
            byte[] packed = r.pack();
            r.set(macField, sm.generateMac(zak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8));
        }
        return r;
    }

    @Override
    public void close() {
        server.shutdown();
        later.shutdownNow();
        try {
            serverThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
