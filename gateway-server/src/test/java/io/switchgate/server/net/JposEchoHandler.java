package io.switchgate.server.net;

import io.switchgate.txn.MessageHandler;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOPackager;
import org.jpos.iso.packager.ISO87APackager;
import org.jpos.iso.packager.ISO87BPackager;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * A fake engine for server tests: unpacks with jPOS, answers with the response MTI and DE 39 {@code 00},
 * after a delay chosen per request (so responses can complete out of order). Unparseable input: null.
 */
final class JposEchoHandler implements MessageHandler, AutoCloseable {

    static final ISOPackager BINARY = new ISO87BPackager();
    static final ISOPackager ASCII = new ISO87APackager();

    private final Map<String, ISOPackager> packagers;
    private final ToLongFunction<ISOMsg> delayMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-engine");
        t.setDaemon(true);
        return t;
    });
    final AtomicInteger handled = new AtomicInteger();
    final AtomicInteger unparseable = new AtomicInteger();

    JposEchoHandler(Map<String, ISOPackager> packagers, ToLongFunction<ISOMsg> delayMillis) {
        this.packagers = packagers;
        this.delayMillis = delayMillis;
    }

    @Override
    public CompletableFuture<byte[]> handle(byte[] message, String listener) {
        handled.incrementAndGet();
        byte[] out;
        long delay;
        try {
            ISOMsg m = new ISOMsg();
            m.setPackager(packagers.get(listener));
            m.unpack(message);
            ISOMsg r = (ISOMsg) m.clone();
            r.setResponseMTI();
            r.set(39, "00");
            out = r.pack();
            delay = delayMillis.applyAsLong(m);
        } catch (Exception | LinkageError e) {
            unparseable.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
        if (delay <= 0) {
            return CompletableFuture.completedFuture(out);
        }
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        timer.schedule(() -> f.complete(out), delay, TimeUnit.MILLISECONDS);
        return f;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
