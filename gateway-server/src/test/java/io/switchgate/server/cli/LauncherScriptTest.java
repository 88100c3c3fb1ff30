package io.switchgate.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code bin/gateway}'s first build prints plain text: Maven 3.8 writes ANSI codes even with {@code -B -q}, so a
 * stand-in {@code mvn} that does the same (and records its arguments) shows what a user would see. {@code JAVA=true}
 * stands in for the JVM the script then runs.
 */
@DisabledOnOs(OS.WINDOWS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherScriptTest {
    @TempDir
    Path root;

    record Run(int code, String output) { }

    private Run run(int mvnExit) throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("..", "bin", "gateway"), bin.resolve("gateway"));
        Path fake = Files.createDirectories(root.resolve("fakebin"));
        Path mvn = fake.resolve("mvn");
        Files.writeString(mvn, "#!/usr/bin/env bash\n"
                + "echo \"$@\" > \"" + root.resolve("mvn-args") + "\"\n"
                + "printf '\\033[0m\\033[0m'\n"
                + "printf '\\033[1;31m[ERROR]\\033[m BUILD FAILURE\\n' >&2\n"
                + (mvnExit == 0 ? "mkdir -p gateway-server/target && touch gateway-server/target/gateway-server.jar\n" : "")
                + "exit " + mvnExit + "\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("bash", bin.resolve("gateway").toString(), "demo").redirectErrorStream(true);
        pb.environment().put("PATH", fake + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA", "true");
        pb.environment().remove("GATEWAY_REBUILD");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void firstBuildPrintsNoEscapeCodes() throws Exception {
        Run r = run(0);
        assertEquals(0, r.code(), r.output());
        assertFalse(r.output().contains("\u001b"), "no ANSI escape codes: " + r.output().replace("\u001b", "ESC"));
        assertTrue(r.output().contains("building"), r.output());
        String args = Files.readString(root.resolve("mvn-args"));
        assertTrue(args.contains("-B") && args.contains("-q") && args.contains("package"), args);
    }

    @Test
    void aFailedBuildShowsMavensOutputWithoutEscapeCodes() throws Exception {
        Run r = run(1);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("[ERROR] BUILD FAILURE"), r.output().replace("\u001b", "ESC"));
        assertTrue(r.output().contains("error: build failed"), r.output());
        assertFalse(r.output().contains("\u001b"), "no ANSI escape codes: " + r.output().replace("\u001b", "ESC"));
    }

}
