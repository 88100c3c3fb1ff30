package io.switchgate.store;

import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL the store tests run on: {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres},
 * no password (override with {@code gateway.test.pgUrl}, {@code gateway.test.pgUser}, {@code gateway.test.pgPassword}).
 *
 * <p>If {@code gateway.test.requirePostgres} is {@code true} (CI), an unreachable database fails the test;
 * otherwise the test is skipped with a message saying why. Every test works in a schema of its own,
 * {@code t_<random>}, dropped afterwards, so parallel runs and a real gateway on the same database never collide.
 */
public final class PostgresSupport {

    public static final String URL = System.getProperty("gateway.test.pgUrl", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("gateway.test.pgUser", "postgres");
    public static final String PASSWORD = System.getProperty("gateway.test.pgPassword", "");

    private PostgresSupport() {
    }

    public static boolean required() {
        return Boolean.parseBoolean(System.getProperty("gateway.test.requirePostgres", "false"));
    }

    static Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("connectTimeout", "3");
        p.setProperty("loginTimeout", "3");
        return DriverManager.getConnection(url, p);
    }

    /** Creates a fresh schema and returns its name; skips or fails (see class doc) if PostgreSQL is not there. */
    public static String createSchema() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = connect(URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String why = "PostgreSQL not reachable at " + URL + " as " + USER + " (" + e.getSQLState() + ": " + e.getMessage() + ")";
            if (required()) throw new AssertionError(why + "; gateway.test.requirePostgres=true, so this is a failure", e);
            Assumptions.abort(why + ": skipping PostgreSQL store tests (set gateway.test.requirePostgres=true to make them mandatory)");
        }
        return schema;
    }

    public static String url(String schema) {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static void dropSchema(String schema) {
        if (schema == null) return;
        try (Connection c = connect(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
        }
    }
}
