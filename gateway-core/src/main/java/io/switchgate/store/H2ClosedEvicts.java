package io.switchgate.store;

import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.SQLException;

/**
 * Tells the pool to drop a connection to an H2 database that has closed itself. H2 closes a database whose file it can
 * no longer write (a full disk: error 90098, "The database has been closed"), and every connection to it fails from
 * then on; HikariCP drops only connections whose errors it knows as broken (SQL state 08...), so it kept lending out
 * the dead ones, and the gateway answered 96 until a restart, long after the disk had room again (a black-box audit).
 * A new connection opens the database again from its file, so the projection's retries and the store's next
 * reservations succeed once the disk has room.
 */
public final class H2ClosedEvicts implements SQLExceptionOverride {
    /** H2's codes for a database or connection that is gone: closed, closing at shutdown, connection broken. */
    private static final int DATABASE_IS_CLOSED = 90098;
    private static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;
    private static final int CONNECTION_BROKEN = 90067;

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                int code = s.getErrorCode();
                if (code == DATABASE_IS_CLOSED || code == DATABASE_CALLED_AT_SHUTDOWN || code == CONNECTION_BROKEN) {
                    return Override.MUST_EVICT;
                }
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
