package io.switchgate.server.metrics;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.switchgate.config.GatewayConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.Locale;

/**
 * Applies {@code logging.format} from the configuration: {@code text} (one readable line per event) or
 * {@code json} (one JSON object per line, logback's {@code JsonEncoder}, for log shippers). Both layouts are
 * in {@code logback.xml}, chosen by the system property {@code gateway.log.format}; a value given on the
 * command line ({@code -Dgateway.log.format=...}) wins over the configuration.
 */
public final class LoggingSetup {
    public static final String PROPERTY = "gateway.log.format";

    private LoggingSetup() {
    }

    /** @throws IllegalArgumentException when the format is neither text nor json */
    public static void apply(GatewayConfig.Logging logging) {
        String fromConfig = logging == null || logging.format() == null ? "text" : logging.format().trim().toLowerCase(Locale.ROOT);
        if (!fromConfig.equals("text") && !fromConfig.equals("json")) {
            throw new IllegalArgumentException("logging.format: must be text or json, not " + logging.format());
        }
        String format = System.getProperty(PROPERTY);
        if (format == null || format.isBlank()) {
            format = fromConfig;
        } else {
            // checked as the file's value is: logback.xml names no appender for another value, and the gateway served
            // with no log line at all, its errors included (a commands audit)
            format = format.trim().toLowerCase(Locale.ROOT);
            if (!format.equals("text") && !format.equals("json")) {
                throw new IllegalArgumentException("-D" + PROPERTY + ": must be text or json, not " + System.getProperty(PROPERTY));
            }
        }
        System.setProperty(PROPERTY, format);
        reload();
    }

    /**
     * Re-reads the logging configuration (so a changed {@code gateway.log.format} takes effect): the operator's file
     * if {@code -Dlogback.configurationFile} names one (it replaces ours entirely, as docs/operations.md says), else
     * our logback.xml. No-op if logback is not the backend.
     */
    static void reload() {
        ILoggerFactory f = LoggerFactory.getILoggerFactory();
        if (!(f instanceof LoggerContext ctx)) return;
        URL xml = configuration();
        if (xml == null) return;
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(ctx);
        ctx.reset();
        try {
            jc.doConfigure(xml);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from " + xml + ": " + e.getMessage(), e);
        }
    }

    /** The file {@code logback.configurationFile} names (a path, a URL or a class-path resource), else our logback.xml. */
    private static URL configuration() {
        String named = System.getProperty(ch.qos.logback.classic.ClassicConstants.CONFIG_FILE_PROPERTY);
        if (named != null && !named.isBlank()) {
            try {
                java.io.File file = new java.io.File(named);
                if (file.isFile()) return file.toURI().toURL();
                if (named.contains(":")) return new URL(named);
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException("logback.configurationFile: not a file, a URL or a resource: " + named);
            }
            URL resource = LoggingSetup.class.getClassLoader().getResource(named);
            if (resource != null) return resource;
            throw new IllegalArgumentException("logback.configurationFile: no such file: " + named);
        }
        return LoggingSetup.class.getClassLoader().getResource("logback.xml");
    }
}
