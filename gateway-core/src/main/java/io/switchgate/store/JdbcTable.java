package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One versioned table: its columns, how a record binds to them, and the insert / versioned update
 * statements. The primary key columns come first, {@code version} last.
 */
final class JdbcTable<R> {

    enum Kind { STR, LONG, INT, BOOL, TS, DATE }

    record Column(String name, Kind kind) {
    }

    static Column str(String n) { return new Column(n, Kind.STR); }
    static Column lng(String n) { return new Column(n, Kind.LONG); }
    static Column integer(String n) { return new Column(n, Kind.INT); }
    static Column bool(String n) { return new Column(n, Kind.BOOL); }
    static Column ts(String n) { return new Column(n, Kind.TS); }
    static Column date(String n) { return new Column(n, Kind.DATE); }

    final String name;
    final Column[] columns;
    final int pkCount;
    final String columnList;
    final String insertSql;
    final String updateSql;
    final String selectSql;
    /** The projection's update: every non-key column, by key alone, no version check (the ledger already decided). */
    final String overwriteSql;
    private final Function<R, Object[]> values;
    private final ToLongFunction<R> version;
    private final Function<R, String> describeKey;

    /**
     * @param values      the record's values in column order (Instant, LocalDate, String, Long, Integer, Boolean)
     * @param describeKey the primary key as it may appear in a message (never card data)
     */
    JdbcTable(String name, int pkCount, Column[] columns, Function<R, Object[]> values, ToLongFunction<R> version,
              Function<R, String> describeKey) {
        this.name = name;
        this.columns = columns;
        this.pkCount = pkCount;
        this.values = values;
        this.version = version;
        this.describeKey = describeKey;
        StringBuilder cols = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            if (i > 0) {
                cols.append(", ");
                marks.append(", ");
            }
            cols.append(columns[i].name());
            marks.append('?');
        }
        this.columnList = cols.toString();
        this.insertSql = "INSERT INTO " + name + " (" + cols + ") VALUES (" + marks + ")";
        StringBuilder upd = new StringBuilder("UPDATE ").append(name).append(" SET ");
        for (int i = pkCount; i < columns.length; i++) {
            if (i > pkCount) upd.append(", ");
            upd.append(columns[i].name()).append(" = ?");
        }
        upd.append(" WHERE ");
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < pkCount; i++) {
            if (i > 0) where.append(" AND ");
            where.append(columns[i].name()).append(" = ?");
        }
        upd.append(where).append(" AND version = ?");
        this.updateSql = upd.toString();
        this.selectSql = "SELECT " + cols + " FROM " + name;
        this.overwriteSql = upd.substring(0, upd.length() - " AND version = ?".length());
    }

    /** The primary key's values, as a map key (equal for two versions of one row). */
    java.util.List<Object> key(R r) {
        return java.util.Arrays.asList(java.util.Arrays.copyOf(values.apply(r), pkCount));
    }

    /** SET non-key columns (version included) WHERE key: {@link #overwriteSql}. */
    void bindOverwrite(PreparedStatement ps, R r) throws SQLException {
        Object[] v = values.apply(r);
        int p = 1;
        for (int i = pkCount; i < columns.length; i++) bind(ps, p++, columns[i].kind(), v[i]);
        for (int i = 0; i < pkCount; i++) bind(ps, p++, columns[i].kind(), v[i]);
    }

    long version(R r) {
        return version.applyAsLong(r);
    }

    String describe(R r) {
        return name + " " + describeKey.apply(r);
    }

    void bindInsert(PreparedStatement ps, R r) throws SQLException {
        Object[] v = values.apply(r);
        for (int i = 0; i < columns.length; i++) bind(ps, i + 1, columns[i].kind(), v[i]);
    }

    /** SET non-key columns (version included) WHERE key AND version = version - 1. */
    void bindUpdate(PreparedStatement ps, R r) throws SQLException {
        Object[] v = values.apply(r);
        int p = 1;
        for (int i = pkCount; i < columns.length; i++) bind(ps, p++, columns[i].kind(), v[i]);
        for (int i = 0; i < pkCount; i++) bind(ps, p++, columns[i].kind(), v[i]);
        ps.setLong(p, version(r) - 1);
    }

    static void bind(PreparedStatement ps, int i, Kind kind, Object v) throws SQLException {
        switch (kind) {
            case STR -> {
                if (v == null) ps.setNull(i, Types.VARCHAR);
                else ps.setString(i, v.toString());
            }
            case LONG -> ps.setLong(i, (Long) v);
            case INT -> ps.setInt(i, (Integer) v);
            case BOOL -> ps.setBoolean(i, (Boolean) v);
            case TS -> {
                if (v == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
                else ps.setObject(i, OffsetDateTime.ofInstant((Instant) v, ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            }
            case DATE -> {
                if (v == null) ps.setNull(i, Types.DATE);
                else ps.setObject(i, (LocalDate) v, Types.DATE);
            }
        }
    }

    static Instant instant(ResultSet rs, int i) throws SQLException {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static LocalDate localDate(ResultSet rs, int i) throws SQLException {
        return rs.getObject(i, LocalDate.class);
    }

    static String enumName(Enum<?> e) {
        return e == null ? null : e.name();
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String s) {
        return s == null ? null : Enum.valueOf(type, s);
    }

    // ------------------------------------------------------------------ the tables

    static final JdbcTable<TxnRecord> TRANSACTIONS = new JdbcTable<>("transactions", 1, new Column[]{
            str("rrn"), str("node_id"), str("txn_type"), str("mti"), str("processing_code"), str("terminal_id"),
            str("merchant_id"), str("stan"), str("transmission_time"), str("dup_key"), str("fingerprint"),
            lng("amount"), str("currency"), str("pan_hash"), str("masked_pan"), str("response_code"), str("reason"),
            str("auth_code"), str("status"), lng("refunded_amount"), str("original_rrn"), str("original_stan"),
            lng("batch_no"), str("host"), str("host_stan"), str("host_rrn"), ts("created_at"), ts("updated_at"),
            lng("version")},
            t -> new Object[]{t.rrn(), t.nodeId(), enumName(t.type()), t.mti(), t.processingCode(), t.terminalId(),
                    t.merchantId(), t.stan(), t.transmissionTime(), t.dupKey(), t.fingerprint(), t.amount(),
                    t.currency(), t.panHash(), t.maskedPan(), t.responseCode(), t.reason(), t.authCode(),
                    enumName(t.status()), t.refundedAmount(), t.originalRrn(), t.originalStan(), t.batchNo(), t.host(),
                    t.hostStan(), t.hostRrn(), t.createdAt(), t.updatedAt(), t.version()},
            TxnRecord::version, TxnRecord::rrn);

    static TxnRecord txn(ResultSet rs) throws SQLException {
        return new TxnRecord(rs.getString(1), rs.getString(2), enumOf(TxnType.class, rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11), rs.getLong(12), rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16),
                rs.getString(17), rs.getString(18), enumOf(TxnStatus.class, rs.getString(19)), rs.getLong(20),
                rs.getString(21), rs.getString(22), rs.getLong(23), rs.getString(24), rs.getString(25), rs.getString(26),
                instant(rs, 27), instant(rs, 28), rs.getLong(29));
    }

    static final JdbcTable<TerminalState> TERMINALS = new JdbcTable<>("terminals", 1, new Column[]{
            str("id"), str("merchant_id"), str("status"), bool("mac_required"), str("tmk"), str("tpk"), str("tak"),
            str("bdk"), lng("batch_no"), ts("activated_at"), ts("updated_at"), lng("version")},
            t -> new Object[]{t.id(), t.merchantId(), enumName(t.status()), t.macRequired(), t.tmk(), t.tpk(), t.tak(),
                    t.bdk(), t.batchNo(), t.activatedAt(), t.updatedAt(), t.version()},
            TerminalState::version, TerminalState::id);

    static TerminalState terminal(ResultSet rs) throws SQLException {
        return new TerminalState(rs.getString(1), rs.getString(2), enumOf(TerminalStatus.class, rs.getString(3)),
                rs.getBoolean(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9),
                instant(rs, 10), instant(rs, 11), rs.getLong(12));
    }

    static final JdbcTable<MerchantState> MERCHANTS = new JdbcTable<>("merchants", 1, new Column[]{
            str("id"), str("status"), integer("refund_window_days"), lng("max_single_refund"),
            lng("daily_refund_limit"), str("currencies"), ts("updated_at"), lng("version")},
            m -> new Object[]{m.id(), enumName(m.status()), m.refundWindowDays(), m.maxSingleRefund(),
                    m.dailyRefundLimit(), m.currenciesColumn(), m.updatedAt(), m.version()},
            MerchantState::version, MerchantState::id);

    static MerchantState merchant(ResultSet rs) throws SQLException {
        return new MerchantState(rs.getString(1), enumOf(MerchantStatus.class, rs.getString(2)), rs.getInt(3),
                rs.getLong(4), rs.getLong(5), MerchantState.parseCurrencies(rs.getString(6)), instant(rs, 7), rs.getLong(8));
    }

    static final JdbcTable<CardAccount> CARDS = new JdbcTable<>("cards", 1, new Column[]{
            str("pan_hash"), str("masked_pan"), str("expiry"), str("stored_pin"), lng("balance"), integer("pin_tries"),
            ts("updated_at"), lng("version")},
            c -> new Object[]{c.panHash(), c.maskedPan(), c.expiry(), c.storedPin(), c.balance(), c.pinTries(),
                    c.updatedAt(), c.version()},
            CardAccount::version, JdbcTable::cardKey);

    /** A card named by the start of its PAN hash: never a PAN field, which a bug upstream could fill in clear. */
    static String cardKey(CardAccount c) {
        String h = c.panHash();
        return h == null ? "pan_hash null" : "pan_hash " + (h.length() > 8 ? h.substring(0, 8) + "..." : h);
    }

    static CardAccount card(ResultSet rs) throws SQLException {
        return new CardAccount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                rs.getInt(6), instant(rs, 7), rs.getLong(8));
    }

    static final JdbcTable<BatchState> BATCHES = new JdbcTable<>("batches", 2, new Column[]{
            str("terminal_id"), lng("batch_no"), bool("is_open"), integer("sale_count"), lng("sale_amount"),
            integer("refund_count"), lng("refund_amount"), ts("opened_at"), ts("closed_at"), lng("version")},
            b -> new Object[]{b.terminalId(), b.batchNo(), b.open(), b.saleCount(), b.saleAmount(), b.refundCount(),
                    b.refundAmount(), b.openedAt(), b.closedAt(), b.version()},
            BatchState::version, b -> b.terminalId() + "/" + b.batchNo());

    static BatchState batch(ResultSet rs) throws SQLException {
        return new BatchState(rs.getString(1), rs.getLong(2), rs.getBoolean(3), rs.getInt(4), rs.getLong(5),
                rs.getInt(6), rs.getLong(7), instant(rs, 8), instant(rs, 9), rs.getLong(10));
    }

    static final JdbcTable<MerchantDayTotal> DAY_TOTALS = new JdbcTable<>("merchant_day_totals", 2, new Column[]{
            str("merchant_id"), date("total_day"), lng("refund_amount"), lng("version")},
            d -> new Object[]{d.merchantId(), d.day(), d.refundAmount(), d.version()},
            MerchantDayTotal::version, d -> d.merchantId() + "/" + d.day());

    static MerchantDayTotal dayTotal(ResultSet rs) throws SQLException {
        return new MerchantDayTotal(rs.getString(1), localDate(rs, 2), rs.getLong(3), rs.getLong(4));
    }

    static final String EVENT_INSERT = "INSERT INTO status_events (subject_kind, subject_id, from_status, to_status, reason, event_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)";

    static void bindEvent(PreparedStatement ps, StatusEvent e) throws SQLException {
        bindEvent(ps, 0, e);
    }

    /** The event's six values as parameters {@code after + 1} to {@code after + 6}, in the column order above. */
    private static void bindEvent(PreparedStatement ps, int after, StatusEvent e) throws SQLException {
        bind(ps, after + 1, Kind.STR, e.subjectKind());
        bind(ps, after + 2, Kind.STR, e.subjectId());
        bind(ps, after + 3, Kind.STR, e.fromStatus());
        bind(ps, after + 4, Kind.STR, e.toStatus());
        bind(ps, after + 5, Kind.STR, e.reason());
        // At the column's precision (microseconds, H2 and PostgreSQL alike): the insert-once lookup compares this value
        // with the stored one, and an instant with nanoseconds never equalled it (every event since the last save was
        // doubled by a start after a kill; a black-box audit)
        bind(ps, after + 6, Kind.TS, e.at() == null ? null : e.at().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    /**
     * The projection's insert of an event: only if the same event (subject, statuses, reason, instant) is not there
     * yet, so that writing a batch again after a crash (H2 may have kept part of it) neither doubles nor loses one.
     * Events are rare (status changes), and the lookup goes through {@code ix_status_events_subject}.
     */
    static final String EVENT_INSERT_ONCE = "INSERT INTO status_events (subject_kind, subject_id, from_status, to_status, reason, event_at)"
            + " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM status_events WHERE subject_kind = ? AND subject_id = ?"
            + " AND from_status IS NOT DISTINCT FROM ? AND to_status IS NOT DISTINCT FROM ? AND reason IS NOT DISTINCT FROM ?"
            + " AND event_at = ?)";

    static void bindEventOnce(PreparedStatement ps, StatusEvent e) throws SQLException {
        bindEvent(ps, 0, e); // the row to insert
        bindEvent(ps, 6, e); // the same values, looked for
    }

    static final String EVENT_SELECT = "SELECT subject_kind, subject_id, from_status, to_status, reason, event_at"
            + " FROM status_events WHERE subject_kind = ? AND subject_id = ? ORDER BY event_at, id";

    static StatusEvent event(ResultSet rs) throws SQLException {
        return new StatusEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                instant(rs, 6));
    }
}
