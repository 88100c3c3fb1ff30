package io.switchgate.server.host;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchgate.saf.JdbcSafQueue;
import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.store.JdbcTransactionStore;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.switchgate.server.host.HostFixture.ACQ;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Reversals stored for a host the configuration no longer names are kept, and every start says so (a black-box audit
 * found them shown nowhere: with {@code hosts: []} the SAF depth said 0 and the log nothing), and {@code /metrics}
 * and {@code /api/saf} count them.
 */
class StoredMessagesOfRemovedHostsTest {

    @Test
    void aStartWarnsOfReversalsWaitingForAHostNoLongerConfiguredAndTheMetricsCountThem() {
        String url = "jdbc:h2:mem:removedhost" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        Logger logger = (Logger) LoggerFactory.getLogger(HostAuthorizerFactory.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.setContext(logger.getLoggerContext());
        lines.start();
        logger.addAppender(lines);
        try (JdbcTransactionStore store = JdbcTransactionStore.open(url, "sa", "", 2)) {
            store.migrate();
            SafQueue q = JdbcSafQueue.forStore(store);
            for (int i = 0; i < 3; i++) {
                q.enqueue(SafMessage.reversal("acqGone", HostMessages.pad(700_000 + i, 6), "01" + HostMessages.pad(i, 10),
                        "1125040000", "000000", 100 + i, "156", ACQ, "TERM0001", "MERCHANT0000001",
                        HostMessages.originalData("0200", HostMessages.pad(600_000 + i, 6), "1125035959", ACQ),
                        "01" + HostMessages.pad(i, 10), "TEST", Instant.now()));
            }
            assertEquals(Map.of("acqGone", 3L), q.depthByHost());

            var c = HostFixture.config("01", url, "sa", "", List.of(HostFixture.host("acqA", List.of("127.0.0.1:1"), 1000)));
            var noHosts = new io.switchgate.config.GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(),
                    c.merchants(), c.terminals(), List.of(), List.of(), c.authorizer(), c.logging());
            List<?> none = new HostAuthorizerFactory().create(noHosts, SoftwareSecurityModule.fromHex(HostFixture.MASTER), store);
            assertTrue(none.isEmpty());
            assertTrue(lines.list.stream().anyMatch(e -> e.getFormattedMessage().equals("3 stored message(s) (reversals) wait "
                    + "for host acqGone, which the configuration no longer names: nothing sends them until a host of that "
                    + "name is configured again")), () -> "logged: " + lines.list);

            // and /metrics and /api/saf count them (they said 0 with no host configured)
            try (var metrics = new io.switchgate.server.metrics.GatewayMetrics()) {
                HostMetrics.register(metrics, List.of(), java.time.Clock.systemUTC(), JdbcSafQueue.forStore(store));
                String scrape = metrics.scrape();
                assertTrue(scrape.contains("\ngateway_saf_depth 3.0"), scrape);
                assertTrue(scrape.contains("\ngateway_saf_depth_unconfigured_hosts 3.0"), scrape);
            }
            assertEquals(3L, HostMetrics.safSummary(List.of(), java.time.Clock.systemUTC(), 10, JdbcSafQueue.forStore(store)).get("depth"));
        } finally {
            logger.detachAppender(lines);
        }
    }
}
