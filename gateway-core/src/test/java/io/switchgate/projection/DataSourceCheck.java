package io.switchgate.projection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Checks each connection of a pool: all of them taken at once, so that none is checked twice and none is missed. */
final class DataSourceCheck {
    interface ConnectionCheck {
        void check(Connection c) throws SQLException;
    }

    private DataSourceCheck() {
    }

    static void assertEveryConnection(DataSource pool, int poolSize, ConnectionCheck check) throws SQLException {
        List<Connection> taken = new ArrayList<>();
        try {
            for (int i = 0; i < poolSize; i++) taken.add(pool.getConnection());
            for (Connection c : taken) check.check(c);
        } finally {
            for (Connection c : taken) c.close();
        }
    }
}
