package io.switchgate.server.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** Applies {@code logging.format} from the configuration: re-reads logback.xml with {@code gateway.log.format} set. */
public final class LogSetup {

    public static final String FORMAT_PROPERTY = "gateway.log.format";

    private LogSetup() {
    }

    /** Switches to {@code format} ("text" or "json") unless {@code -Dgateway.log.format} was given (it wins). */
    public static void apply(String format) {
        if (format == null || System.getProperty(FORMAT_PROPERTY) != null) {
            return;
        }
        if (format.equals("text")) {
            return; // the default
        }
        System.setProperty(FORMAT_PROPERTY, format);
        ILoggerFactory f = LoggerFactory.getILoggerFactory();
        if (f instanceof LoggerContext ctx) {
            ctx.reset();
            try {
                new ContextInitializer(ctx).autoConfig();
            } catch (Exception e) {
                System.err.println("error: cannot configure logging: " + e.getMessage());
            }
        }
    }
}
