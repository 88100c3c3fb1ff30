package io.switchgate.store;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Our small versioned migration runner. Migrations are the resources
 * {@code io/switchgate/store/migration/V1.sql, V2.sql, ...} (numbered without gaps; the first line,
 * a {@code --} comment, describes it). Each is applied once, in order, in its own transaction, and
 * recorded in {@code schema_version}. Where PostgreSQL can do what H2 cannot (a partial index), a
 * {@code V<n>.postgresql.sql} beside {@code V<n>.sql} is PostgreSQL's version of that step; both record V<n>.
 *
 * <p>Two nodes starting at once: on PostgreSQL every step runs under a transaction-scoped advisory
 * lock (one per schema), so one node migrates and the other then sees the versions recorded. H2 is
 * embedded (one process per database file), so a JVM-wide lock is enough. H2 commits DDL at once,
 * so migrations are written idempotently ({@code IF NOT EXISTS}) and a half-done one is re-run safely.
 */
final class SchemaMigrator {

    static final String RESOURCE_DIR = "io/switchgate/store/migration/";
    /** First key of the PostgreSQL advisory lock ("SGMG"); the second is the schema's hash. */
    private static final int PG_LOCK_KEY = 0x53474D47;
    private static final Object JVM_LOCK = new Object();

    record Migration(int version, String description, List<String> statements) {
    }

    private final DataSource dataSource;
    private final boolean postgres;

    SchemaMigrator(DataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    /** Applies what is missing; returns the versions applied now (empty when the schema was current). */
    List<Integer> migrate() {
        List<Migration> all = load(postgres);
        List<Integer> applied = new ArrayList<>();
        if (postgres) {
            // the advisory lock serializes nodes (and pools in this JVM) on the database itself
            for (Migration m : all) if (applyIfMissing(m)) applied.add(m.version());
        } else {
            synchronized (JVM_LOCK) {
                for (Migration m : all) if (applyIfMissing(m)) applied.add(m.version());
            }
        }
        return applied;
    }

    private boolean applyIfMissing(Migration m) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    if (postgres) {
                        s.execute("SELECT pg_advisory_xact_lock(" + PG_LOCK_KEY + ", hashtext(coalesce(current_schema(), '')))");
                    }
                    s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                            + "version INTEGER NOT NULL, description VARCHAR(200), applied_at TIMESTAMP WITH TIME ZONE, "
                            + "CONSTRAINT pk_schema_version PRIMARY KEY (version))");
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT version FROM schema_version WHERE version = ?")) {
                    ps.setInt(1, m.version());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            c.commit();
                            return false;
                        }
                    }
                }
                try (Statement s = c.createStatement()) {
                    for (String sql : m.statements()) s.execute(sql);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.description());
                    ps.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the migration did not commit
                }
                throw e;
            }
        } catch (SQLException e) {
            if ("3F000".equals(e.getSQLState())) {
                // PostgreSQL's "no schema has been selected to create in": said so, the url named (an audit read only
                // the SQLState and the server's words, and could not tell the schema was missing)
                throw new StoreException("store.url: the schema it names (currentSchema) does not exist in that database,"
                        + " or this user may not use it: create it (CREATE SCHEMA ...) or name another (SQLState 3F000)", e);
            }
            throw new StoreException("schema migration V" + m.version() + " failed: SQLState " + e.getSQLState()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The migrations on the class path, V1 upwards until the first missing number (H2's where they differ). */
    static List<Migration> load() {
        return load(false);
    }

    /** As {@link #load()}, each step in PostgreSQL's version where it has one ({@code V<n>.postgresql.sql}). */
    static List<Migration> load(boolean postgres) {
        List<Migration> out = new ArrayList<>();
        ClassLoader cl = SchemaMigrator.class.getClassLoader();
        for (int v = 1; ; v++) {
            if (cl.getResource(RESOURCE_DIR + "V" + v + ".sql") == null) break;
            String name = postgres && cl.getResource(RESOURCE_DIR + "V" + v + ".postgresql.sql") != null
                    ? "V" + v + ".postgresql.sql" : "V" + v + ".sql";
            try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) break;
                out.add(parse(v, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new StoreException("cannot read migration V" + v, e);
            }
        }
        if (out.isEmpty()) throw new StoreException("no schema migrations found under " + RESOURCE_DIR);
        return out;
    }

    /** Statements end with ';' at the end of a line; lines starting with '--' are comments. */
    static Migration parse(int version, String text) {
        String description = null;
        List<String> statements = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            String t = line.strip();
            if (t.startsWith("--")) {
                if (description == null) description = t.substring(2).strip();
                continue;
            }
            if (t.isEmpty()) continue;
            if (cur.length() > 0) cur.append('\n');
            if (t.endsWith(";")) {
                cur.append(t, 0, t.length() - 1);
                statements.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(line);
            }
        }
        if (cur.length() > 0) statements.add(cur.toString());
        return new Migration(version, description == null ? "V" + version : description, List.copyOf(statements));
    }
}
