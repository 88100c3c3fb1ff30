package io.switchgate.server.cli;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** `serve` runs without Netty's leak detector unless the operator asks for it (its stack traces cost ~1 % of CPU). */
class LeakDetectionDefaultTest {
    private static final String PROPERTY = "io.netty.leakDetection.level";
    private String savedProperty;
    private ResourceLeakDetector.Level savedLevel;

    @BeforeEach
    void save() {
        savedProperty = System.getProperty(PROPERTY);
        savedLevel = ResourceLeakDetector.getLevel();
    }

    @AfterEach
    void restore() {
        if (savedProperty == null) System.clearProperty(PROPERTY); else System.setProperty(PROPERTY, savedProperty);
        ResourceLeakDetector.setLevel(savedLevel);
    }

    @Test
    void offWhenNobodyAsked() {
        System.clearProperty(PROPERTY);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        ServeCommand.leakDetectionOffUnlessAsked();
        assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
    }

    @Test
    void theOperatorsLevelStands() {
        System.setProperty(PROPERTY, "paranoid");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ServeCommand.leakDetectionOffUnlessAsked();
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }
}
