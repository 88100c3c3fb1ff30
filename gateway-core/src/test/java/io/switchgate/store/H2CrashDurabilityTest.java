package io.switchgate.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9 during a stream of group commits on an H2 file: every set whose future completed (the child printed
 * it) is in the database after reopening. This is what {@code WRITE_DELAY=0} buys: with H2's default of 500 ms
 * the last half second of acknowledged commits would be lost.
 */
class H2CrashDurabilityTest {

    static {
        TestLogging.quiet();
    }

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyAcknowledgedCommitSurvivesAHardKill() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("crash").toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch enough = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("OK ")) {
                        acked.add(line.substring(3));
                        if (acked.size() >= 5000) enough.countDown();
                    }
                }
            } catch (Exception ignored) {
                // the child died
            }
        });
        reader.start();
        try {
            enough.await(20, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no H2 close
            p.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5000);
        List<String> seen = new ArrayList<>(acked);
        assertTrue(seen.size() > 100, "the child wrote too little to mean anything: " + seen.size());

        try (JdbcTransactionStore store = JdbcTransactionStore.open(url, "sa", "", 2)) {
            store.migrate();
            int missing = 0;
            for (String rrn : seen) if (store.findByRrn(rrn).isEmpty()) missing++;
            System.out.printf("[crash] %d acknowledged commits before kill -9, %d missing after reopen%n", seen.size(), missing);
            assertEquals(0, missing, "acknowledged but lost");
        }
    }
}
