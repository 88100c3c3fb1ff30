package io.switchgate.bench.restart;

import io.switchgate.bench.load.Ids;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code benchmarks.jar restart-probe}: started beside a gateway that is starting, measures when it is ready to serve.
 * Waits (every 10 ms) until the terminal listener accepts a connection, or with {@code --wait-for health} until
 * {@code /health} says UP, then sends one sale over TCP (nac2, iso87binary, as
 * {@code bench-config} configures) and a second one, and prints one line: milliseconds from the server's process start
 * (given by the caller, who started it) to health UP and to the first sale answered, each sale's answer time, and the
 * answer codes. The first sale is the one that pays the engine's lazy loads (terminals, merchants, the duplicate index
 * of the last 24 hours, the card and the batch).
 */
@Command(name = "restart-probe", mixinStandardHelpOptions = true, description = "time a starting gateway until health UP and a first sale answered")
public final class RestartProbeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", defaultValue = "9683") int port;
    @Option(names = "--admin-port", defaultValue = "9684") int adminPort;
    @Option(names = "--started-at-ms", required = true, description = "epoch milliseconds at which the server process was started") long startedAtMs;
    @Option(names = "--terminal", defaultValue = "BT000000") String terminal;
    @Option(names = "--merchant", defaultValue = "MERCHANT0000001") String merchant;
    @Option(names = "--card", defaultValue = "0", description = "card index of bench-config (Ids.pan)") int card;
    @Option(names = "--timeout", defaultValue = "300s") String timeout;
    @Option(names = "--wait-for", defaultValue = "port", description = "port: send the first sale as soon as the listener"
            + " accepts, /health after the sales; health: poll /health until UP first, as a load balancer does") String waitFor;

    private final Dialect dialect = Dialect.named("iso87binary");

    @Override
    public Integer call() throws Exception {
        long deadline = startedAtMs + Ids.duration(timeout).toMillis();
        // Warm this side's packing first, so the first sale's figure is the server's, not the probe's first use.
        dialect.unpack(dialect.pack(sale(999_998, 100)));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        long healthUp = -1;
        if ("health".equals(waitFor)) healthUp = awaitHealth(http, health, deadline);
        else awaitPort(deadline);
        long listening = System.currentTimeMillis() - startedAtMs;
        int stan = 900_000 + (int) (System.currentTimeMillis() % 99_000);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) Math.max(1000, deadline - System.currentTimeMillis()));
            long t1 = System.nanoTime();
            String code1 = exchange(s, sale(stan, 1234));
            long first = System.nanoTime() - t1;
            long firstAnswered = System.currentTimeMillis() - startedAtMs;
            long t2 = System.nanoTime();
            String code2 = exchange(s, sale(stan + 1, 1235));
            long second = System.nanoTime() - t2;
            if (healthUp < 0) healthUp = awaitHealth(http, health, deadline);
            System.out.printf(Locale.ROOT, "ready_ms=%d health_up_ms=%d first_sale_answered_ms=%d first_sale_ms=%.1f second_sale_ms=%.1f codes=%s,%s%n",
                    listening, healthUp, firstAnswered, first / 1e6, second / 1e6, code1, code2);
            return "00".equals(code1) && "00".equals(code2) ? 0 : 1;
        }
    }

    /** Milliseconds from the server's start until /health answers UP. */
    private long awaitHealth(HttpClient http, HttpRequest health, long deadline) throws Exception {
        while (true) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("no health UP within " + timeout);
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) return System.currentTimeMillis() - startedAtMs;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
    }

    /** Until the terminal listener accepts a connection (it is bound once the gateway has started). */
    private void awaitPort(long deadline) throws Exception {
        while (true) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("listener not up within " + timeout);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(10);
            }
        }
    }

    private IsoMessage sale(int stan, long amount) {
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC);
        String de13 = String.format(Locale.ROOT, "%02d%02d", t.getMonthValue(), t.getDayOfMonth());
        String de12 = String.format(Locale.ROOT, "%02d%02d%02d", t.getHour(), t.getMinute(), t.getSecond());
        IsoMessage m = new IsoMessage("0200");
        m.set(2, Ids.pan(card));
        m.set(3, "000000");
        m.set(4, String.format(Locale.ROOT, "%012d", amount));
        m.set(7, de13 + de12);
        m.set(11, String.format(Locale.ROOT, "%06d", stan));
        m.set(12, de12);
        m.set(13, de13);
        m.set(14, "2812");
        m.set(22, "022");
        m.set(25, "00");
        m.set(41, terminal);
        m.set(42, merchant);
        m.set(49, "156");
        return m;
    }

    /** nac2 framing: a 2-byte big-endian length, then the message. Returns DE 39 of the answer. */
    private String exchange(Socket s, IsoMessage m) throws IOException {
        byte[] b = dialect.pack(m);
        OutputStream out = s.getOutputStream();
        out.write(new byte[]{(byte) (b.length >> 8), (byte) b.length});
        out.write(b);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] r = new byte[in.readUnsignedShort()];
        in.readFully(r);
        return dialect.unpack(r).getString(39);
    }
}
