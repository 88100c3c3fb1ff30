package io.switchgate.store;

import org.slf4j.LoggerFactory;

/** Keeps the pool's DEBUG chatter out of test output (no shared logback-test.xml needed). */
final class TestLogging {
    private TestLogging() {
    }

    static void quiet() {
        org.slf4j.Logger l = LoggerFactory.getLogger("com.zaxxer.hikari");
        if (l instanceof ch.qos.logback.classic.Logger lb) lb.setLevel(ch.qos.logback.classic.Level.WARN);
    }
}
