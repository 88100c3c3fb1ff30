package io.switchgate.bench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** The stores the engine benchmarks run on: a URL per name, and clean-up afterwards. */
final class BenchStores {
    static final String PG_URL = System.getProperty("bench.pgUrl", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getProperty("bench.pgUser", "postgres");
    static final String PG_PASSWORD = System.getProperty("bench.pgPassword", "");

    final String name;
    final String url;
    final String user;
    final String password;
    private final Path dir;
    private final String schema;

    private BenchStores(String name, String url, String user, String password, Path dir, String schema) {
        this.name = name;
        this.url = url;
        this.user = user;
        this.password = password;
        this.dir = dir;
        this.schema = schema;
    }

    /** memory | h2mem | h2file | postgres (a fresh schema, dropped on close). */
    static BenchStores open(String name) throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        switch (name) {
            case "memory":
                return new BenchStores(name, "memory:", "sa", "", null, null);
            case "h2mem":
                return new BenchStores(name, "jdbc:h2:mem:bench" + id, "sa", "", null, null);
            case "h2file": {
                Path dir = Files.createTempDirectory("switchgate-bench-");
                return new BenchStores(name, "jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath(), "sa", "", dir, null);
            }
            case "postgres": {
                String schema = "bench_" + id;
                try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA " + schema);
                }
                String url = PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
                return new BenchStores(name, url, PG_USER, PG_PASSWORD, null, schema);
            }
            default:
                throw new IllegalArgumentException("store " + name + ": memory | h2mem | h2file | postgres");
        }
    }

    void cleanUp() {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (Exception e) {
                System.err.println("could not drop schema " + schema + ": " + e);
            }
        }
        if (dir != null) {
            try (Stream<Path> w = Files.walk(dir)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // temp dir
            }
        }
    }
}
