package io.switchgate.store;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The core tests log at INFO and HikariCP at WARN from logback-test.xml, whatever test ran first (without it logback
 * logs everything at DEBUG and the pool alone printed ~3,500 lines per build). The root level is not changed by any
 * test, so it shows whether the file was read.
 */
class TestLoggingConfigTest {

    @Test
    void poolDebugIsOffAndRootIsInfo() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(ch.qos.logback.classic.Level.INFO, root.getLevel());
        assertFalse(LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool").isDebugEnabled());
        assertFalse(LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool").isInfoEnabled());
    }
}
