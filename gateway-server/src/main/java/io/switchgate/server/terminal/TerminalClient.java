package io.switchgate.server.terminal;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.net.Framing;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A terminal's TCP connection to the gateway: frames requests ({@code nac2}, {@code ascii4}, {@code nac2-tpdu}),
 * may have many in flight, and matches each response to its request by DE 11. Thread-safe.
 */
public final class TerminalClient implements AutoCloseable {

    /** A response: the parsed message and the bytes it came in (for MAC checking). */
    public record Response(IsoMessage message, byte[] raw) {
        public String code() {
            return message.getString(39);
        }
    }

    /** The TPDU a nac2-tpdu terminal sends unless told otherwise: 60, destination 0001, source 0000. */
    public static final byte[] DEFAULT_TPDU = {0x60, 0x00, 0x01, 0x00, 0x00};

    private final Socket socket;
    private final Framing framing;
    private final Dialect dialect;
    private final byte[] tpdu;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<String, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile IOException failure;

    private TerminalClient(Socket socket, Framing framing, Dialect dialect, byte[] tpdu) throws IOException {
        this.socket = socket;
        this.framing = framing;
        this.dialect = dialect;
        this.tpdu = tpdu == null ? DEFAULT_TPDU.clone() : tpdu.clone();
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.reader = new Thread(this::readLoop, "terminal-client-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Connects; {@code tpdu} is used only with {@code nac2-tpdu} (null = {@link #DEFAULT_TPDU}). */
    public static TerminalClient connect(String host, int port, Framing framing, Dialect dialect, byte[] tpdu,
                                         Duration connectTimeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new TerminalClient(s, framing, dialect, tpdu);
    }

    public static TerminalClient connect(String host, int port, Framing framing, Dialect dialect) throws IOException {
        return connect(host, port, framing, dialect, null, Duration.ofSeconds(5));
    }

    /** Sends a packed request whose DE 11 is {@code stan}; the future completes with the response carrying that DE 11. */
    public CompletableFuture<Response> send(byte[] packed, String stan) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        IOException failed = failure;
        if (failed != null) {
            f.completeExceptionally(failed);
            return f;
        }
        if (pending.putIfAbsent(stan, f) != null) {
            f.completeExceptionally(new IllegalStateException("a request with STAN " + stan + " is already in flight"));
            return f;
        }
        try {
            writeFrame(packed);
        } catch (IOException e) {
            pending.remove(stan, f);
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Sends and waits for the response. */
    public Response exchange(byte[] packed, String stan, Duration timeout) throws IOException, TimeoutException {
        CompletableFuture<Response> f = send(packed, stan);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.remove(stan, f);
            throw new TimeoutException("no response in " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(c.getMessage(), c);
        }
    }

    /** Builds (via the builder), packs with MAC, sends and waits. */
    public Response exchange(RequestBuilder builder, IsoMessage request, Duration timeout) throws IOException, TimeoutException {
        return exchange(builder.pack(request), request.getString(11), timeout);
    }

    private synchronized void writeFrame(byte[] packed) throws IOException {
        int header = framing == Framing.NAC2_TPDU ? tpdu.length : 0;
        int len = packed.length + header;
        if (len > framing.maxLength()) {
            throw new IOException("message of " + len + " bytes does not fit " + framing + " framing");
        }
        if (framing == Framing.ASCII4) {
            out.write(new byte[]{(byte) ('0' + len / 1000), (byte) ('0' + len / 100 % 10), (byte) ('0' + len / 10 % 10),
                    (byte) ('0' + len % 10)});
        } else {
            out.write(len >> 8);
            out.write(len);
        }
        if (header > 0) {
            out.write(tpdu);
        }
        out.write(packed);
        out.flush();
    }

    private void readLoop() {
        try {
            while (true) {
                int len;
                if (framing == Framing.ASCII4) {
                    byte[] d = in.readNBytes(4);
                    if (d.length < 4) {
                        throw new EOFException("connection closed by the gateway");
                    }
                    len = 0;
                    for (byte b : d) {
                        if (b < '0' || b > '9') {
                            throw new IOException("bad ascii4 length prefix from the gateway");
                        }
                        len = len * 10 + (b - '0');
                    }
                } else {
                    int hi = in.read();
                    int lo = in.read();
                    if (hi < 0 || lo < 0) {
                        throw new EOFException("connection closed by the gateway");
                    }
                    len = (hi << 8) | lo;
                }
                byte[] frame = in.readNBytes(len);
                if (frame.length < len) {
                    throw new EOFException("connection closed by the gateway in the middle of a message");
                }
                int header = framing == Framing.NAC2_TPDU ? Math.min(5, frame.length) : 0;
                byte[] raw = header == 0 ? frame : java.util.Arrays.copyOfRange(frame, header, frame.length);
                IsoMessage m;
                try {
                    m = dialect.unpack(raw);
                } catch (RuntimeException e) {
                    continue; // not for us to answer; the request will time out
                }
                String stan = m.getString(11);
                CompletableFuture<Response> f = stan == null ? null : pending.remove(stan);
                if (f != null) {
                    f.complete(new Response(m, raw));
                }
            }
        } catch (IOException e) {
            failAll(e);
        }
    }

    private void failAll(IOException e) {
        failure = e;
        for (Map.Entry<String, CompletableFuture<Response>> en : pending.entrySet()) {
            if (pending.remove(en.getKey(), en.getValue())) {
                en.getValue().completeExceptionally(e);
            }
        }
    }

    /** Requests sent and not yet answered. */
    public int inFlight() {
        return pending.size();
    }

    public boolean isConnected() {
        return failure == null && !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        failAll(new IOException("connection closed"));
    }
}
