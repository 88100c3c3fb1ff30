package io.switchgate.server.host;

import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL of the multi-node tests, as gateway-core's {@code PostgresSupport} (not visible from this module):
 * {@code jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres} (overridable with {@code gateway.test.pgUrl/pgUser/pgPassword}),
 * a fresh schema per test; mandatory when {@code gateway.test.requirePostgres=true}, skipped with a message otherwise.
 */
public final class HostPostgres {
    public static final String URL = System.getProperty("gateway.test.pgUrl", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("gateway.test.pgUser", "postgres");
    public static final String PASSWORD = System.getProperty("gateway.test.pgPassword", "");

    private HostPostgres() {
    }

    static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("connectTimeout", "3");
        p.setProperty("loginTimeout", "3");
        return DriverManager.getConnection(URL, p);
    }

    public static String createSchema() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String why = "PostgreSQL not reachable at " + URL + " as " + USER + " (" + e.getSQLState() + ": " + e.getMessage() + ")";
            if (Boolean.getBoolean("gateway.test.requirePostgres")) {
                throw new AssertionError(why + "; gateway.test.requirePostgres=true, so this is a failure", e);
            }
            Assumptions.abort(why + ": skipping this PostgreSQL test (set gateway.test.requirePostgres=true to make it mandatory)");
        }
        return schema;
    }

    public static String url(String schema) {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static void dropSchema(String schema) {
        if (schema == null) return;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
        }
    }
}
