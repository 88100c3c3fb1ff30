package io.switchgate.server.host;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.switchgate.iso.IsoMessage;
import io.switchgate.server.net.Framing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.switchgate.server.host.HostFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** When a request's time at the host starts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostClientTimeoutTest {

    /**
     * The host's time starts when the request has left, not when it was queued: an event loop held up longer than the
     * timeout (a loaded machine at a start) wrote a reversal 2 s late, and the host's answer 19 ms after it was taken
     * for a late one (a black-box audit: the reversal sent again, a failure counted against the host).
     */
    @Test
    void aRequestWrittenLateHasItsWholeTimeForTheAnswer() throws Exception {
        quietLogs();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HostSimulator sim = new HostSimulator(HostSimulator.freePort(), null, null, ACQ, "1234")) {
            HostClient c = new HostClient("acqA", java.util.List.of("127.0.0.1:" + sim.port), Framing.of("nac2"), D, 300,
                    loop, NioSocketChannel.class, HostClient.Options.defaults(), () -> "000001", Runnable::run).start();
            try {
                waitFor("connected", 5000, () -> c.activeEndpoint() != null);
                IsoMessage echo = new IsoMessage("0800").set(7, "1207120000").set(11, "000077").set(70, "301");
                java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
                loop.next().execute(() -> { // the only event loop, busy for twice the host's time
                    held.countDown();
                    try {
                        Thread.sleep(600);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertTrue(held.await(5, TimeUnit.SECONDS));
                HostExchange x = c.exchange(echo, D.pack(echo)).get(10, TimeUnit.SECONDS);
                assertEquals(HostExchange.Outcome.ANSWERED, x.outcome(), "answered at once once it left");
                assertEquals("0810", x.response().getMti());
            } finally {
                c.close();
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
