package io.switchgate.server.metrics;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Tags;
import io.switchgate.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class GatewayMetricsTest {

    static ListAppender<ILoggingEvent> capture() {
        Logger l = (Logger) LoggerFactory.getLogger("io.switchgate.txn");
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.setContext(l.getLoggerContext());
        a.start();
        l.addAppender(a);
        return a;
    }

    @Test
    void countsLatencyAndExtraGauges() {
        try (GatewayMetrics m = new GatewayMetrics()) {
            m.answered("0200", "SALE", "TERM0001", "000001", "010000000001", 100, "621234******1232", "00", null, 2_000_000);
            m.answered("0200", "SALE", "TERM0001", "000002", "010000000002", 100, "621234******1232", "51", "INSUFFICIENT_FUNDS", 3_000_000);
            m.answered("0800", "ECHO", "TERM0001", "000003", null, 0, null, "00", null, 100_000);
            AtomicInteger saf = new AtomicInteger(7);
            m.registerGauge("gateway.saf.depth", "stored messages", Tags.of("host", "acquirerA"), saf::get);
            m.registerGauge("gateway.host.up", "host up", Tags.of("host", "acquirerA"), () -> 1);
            String s = m.scrape();
            assertTrue(s.contains("gateway_requests_total{mti=\"0200\",type=\"SALE\"} 2.0"), s);
            assertTrue(s.contains("gateway_responses_total{code=\"51\",mti=\"0200\",type=\"SALE\"} 1.0"), s);
            assertTrue(s.contains("gateway_responses_total{code=\"00\",mti=\"0800\",type=\"ECHO\"} 1.0"), s);
            assertTrue(s.contains("gateway_request_latency_seconds_count{type=\"SALE\"} 2"), s);
            assertTrue(s.contains("gateway_request_latency_seconds_sum{type=\"SALE\"} 0.005"), s);
            assertTrue(s.contains("gateway_saf_depth{host=\"acquirerA\"} 7.0"), s);
            saf.set(3);
            assertTrue(m.scrape().contains("gateway_saf_depth{host=\"acquirerA\"} 3.0"));
            assertTrue(s.contains("gateway_host_up{host=\"acquirerA\"} 1.0"), s);
            assertTrue(s.contains("jvm_memory_used_bytes"), s);
        }
    }

    @Test
    void aGatewayThatAnsweredNothingYetShowsItsRequestResponseAndLatencySeriesAtZero() {
        // contract section 6: /metrics has requests, responses by code and the latency histogram (a black-box audit
        // found none of them before the first request)
        try (GatewayMetrics m = new GatewayMetrics()) {
            String s = m.scrape();
            assertTrue(s.contains("gateway_requests_total{mti=\"0200\",type=\"SALE\"} 0.0"), s);
            assertTrue(s.contains("gateway_responses_total{code=\"00\",mti=\"0400\",type=\"REVERSAL\"} 0.0"), s);
            assertTrue(s.contains("gateway_request_latency_seconds_count{type=\"REFUND\"} 0"), s);
            assertTrue(s.contains("gateway_request_latency_seconds_bucket{type=\"SALE\",le="), s);
            HostMetrics_none(m);
            for (String line : m.scrape().split("\n")) {
                if (line.startsWith("# HELP gateway_")) {
                    assertTrue(line.split(" ", 4).length == 4 && !line.split(" ", 4)[3].isBlank(), "no empty HELP: " + line);
                }
            }
        }
    }

    private static void HostMetrics_none(GatewayMetrics m) {
        io.switchgate.server.host.HostMetrics.register(m, java.util.List.of(), java.time.Clock.systemUTC(), new io.switchgate.saf.InMemorySafQueue());
    }

    @Test
    void oneLogLinePerTransactionWithMaskedPan() {
        ListAppender<ILoggingEvent> a = capture();
        try (GatewayMetrics m = new GatewayMetrics()) {
            m.answered("0200", "REFUND", "TERM0003", "000042", "010000000009", 12_345, "621234******1265", "12", "SUSPECTED_DUPLICATE", 812_345);
            // defence in depth: a clear PAN handed in by mistake is masked again
            m.answered("0200", "SALE", "TERM0003", "000043", "010000000010", 1, "6212345678901265", "00", null, 1_000);
        } finally {
            ((Logger) LoggerFactory.getLogger("io.switchgate.txn")).detachAppender(a);
        }
        assertEquals(2, a.list.size());
        ILoggingEvent e = a.list.get(0);
        assertEquals("INFO", e.getLevel().toString());
        assertEquals("txn terminal=TERM0003 stan=000042 rrn=010000000009 type=REFUND mti=0200 amount=12345 "
                + "pan=621234******1265 code=12 reason=SUSPECTED_DUPLICATE latencyUs=812", e.getFormattedMessage());
        assertEquals(10, e.getKeyValuePairs().size());
        assertEquals(9, a.list.get(1).getKeyValuePairs().size(), "no reason: no reason pair");
        assertTrue(a.list.get(1).getFormattedMessage().contains("pan=621234******1265"), a.list.get(1).getFormattedMessage());
        assertFalse(a.list.get(1).getFormattedMessage().contains("6212345678901265"));
    }

    @Test
    void jsonLayoutSelectedByConfig() throws Exception {
        String saved = System.getProperty(LoggingSetup.PROPERTY);
        try {
            System.clearProperty(LoggingSetup.PROPERTY);
            LoggingSetup.apply(new GatewayConfig.Logging("json"));
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            var async = (io.switchgate.server.logging.BatchingAsyncAppender) ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("async-json");
            assertNotNull(async, "root logs through the (queued) json appender");
            Appender<ILoggingEvent> json = async.getAppender("json");
            assertNotNull(json);
            assertNull(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("async-text"));
            @SuppressWarnings("unchecked")
            Encoder<ILoggingEvent> enc = ((ch.qos.logback.core.OutputStreamAppender<ILoggingEvent>) json).getEncoder();
            assertEquals("ch.qos.logback.classic.encoder.JsonEncoder", enc.getClass().getName());

            ListAppender<ILoggingEvent> a = capture();
            try (GatewayMetrics m = new GatewayMetrics()) {
                m.answered("0200", "SALE", "TERM0001", "000001", "010000000001", 100, "621234******1232", "00", null, 2_000_000);
            }
            String line = new String(enc.encode(a.list.get(0)), StandardCharsets.UTF_8);
            JsonNode n = new ObjectMapper().readTree(line);
            assertEquals("io.switchgate.txn", n.path("loggerName").asText(), line);
            assertTrue(n.path("formattedMessage").asText().startsWith("txn terminal=TERM0001"), line);
            assertTrue(line.contains("\"rrn\":\"010000000001\""), line);
            assertTrue(line.contains("621234******1232"), line);

            assertThrows(IllegalArgumentException.class, () -> LoggingSetup.apply(new GatewayConfig.Logging("xml")));
        } finally {
            if (saved == null) System.clearProperty(LoggingSetup.PROPERTY);
            else System.setProperty(LoggingSetup.PROPERTY, saved);
            LoggingSetup.reload();
        }
    }

    @Test
    void commandLinePropertyWinsOverConfig() {
        String saved = System.getProperty(LoggingSetup.PROPERTY);
        try {
            System.setProperty(LoggingSetup.PROPERTY, "text");
            LoggingSetup.apply(new GatewayConfig.Logging("json"));
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            assertNotNull(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("async-text"));
        } finally {
            if (saved == null) System.clearProperty(LoggingSetup.PROPERTY);
            else System.setProperty(LoggingSetup.PROPERTY, saved);
            LoggingSetup.reload();
        }
    }

    @Test
    void anOperatorsLogbackFileReplacesOursAlsoAfterTheFormatIsApplied(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path xml = dir.resolve("ops-logback.xml");
        java.nio.file.Files.writeString(xml, """
                <configuration>
                  <appender name="ops-list" class="ch.qos.logback.core.read.ListAppender"/>
                  <root level="INFO"><appender-ref ref="ops-list"/></root>
                </configuration>
                """);
        String saved = System.getProperty("logback.configurationFile");
        try {
            System.setProperty("logback.configurationFile", xml.toString());
            LoggingSetup.apply(new GatewayConfig.Logging("text"));
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            assertNotNull(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("ops-list"), "the operator's file");
            assertNull(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("async-text"), "not ours");
            System.setProperty("logback.configurationFile", dir.resolve("missing.xml").toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoggingSetup.apply(new GatewayConfig.Logging("text")));
            assertTrue(e.getMessage().startsWith("logback.configurationFile: no such file"), e.getMessage());
        } finally {
            if (saved == null) System.clearProperty("logback.configurationFile");
            else System.setProperty("logback.configurationFile", saved);
            LoggingSetup.reload();
        }
    }
}
