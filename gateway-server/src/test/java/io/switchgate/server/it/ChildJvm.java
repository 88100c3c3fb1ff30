package io.switchgate.server.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A gateway in a JVM of its own, for the tests that kill it (SIGKILL cannot be sent to a thread): this JVM's java
 * and class path, a small heap, stdout and stderr to {@code log}.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static Process start(Path log, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process child = pb.start();
        // never outlives the tests' JVM: a test that failed before its own kill left two running for an hour, each
        // taking CPU from what ran next (a benchmark)
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroyForcibly, "child-jvm-reaper"));
        return child;
    }
}
