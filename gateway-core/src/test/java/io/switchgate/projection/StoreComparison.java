package io.switchgate.projection;

import io.switchgate.store.JdbcTransactionStore;
import io.switchgate.store.TransactionStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Asserts that two stores hold the same rows: through the store's finders, and for SQL stores table by table. */
final class StoreComparison {
    private StoreComparison() {
    }

    static void assertSameRows(ChangeSetHistory h, TransactionStore expected, TransactionStore actual) {
        for (String rrn : h.txns.keySet()) assertEquals(expected.findByRrn(rrn), actual.findByRrn(rrn), "transaction " + rrn);
        for (String k : h.cards.keySet()) assertEquals(expected.findCard(k), actual.findCard(k), "card " + k);
        for (String k : h.terminals.keySet()) assertEquals(expected.findTerminal(k), actual.findTerminal(k), "terminal " + k);
        for (String k : h.merchants.keySet()) assertEquals(expected.findMerchant(k), actual.findMerchant(k), "merchant " + k);
        for (var b : h.batches.values()) {
            assertEquals(expected.findBatch(b.terminalId(), b.batchNo()), actual.findBatch(b.terminalId(), b.batchNo()),
                    "batch " + b.terminalId() + "/" + b.batchNo());
        }
        for (var d : h.dayTotals.values()) {
            assertEquals(expected.findDayTotal(d.merchantId(), d.day()), actual.findDayTotal(d.merchantId(), d.day()),
                    "day total " + d.merchantId() + "/" + d.day());
        }
        int events = 0;
        for (String[] s : h.eventSubjects) {
            assertEquals(expected.events(s[0], s[1]), actual.events(s[0], s[1]), "events of " + s[0] + " " + s[1]);
            events += actual.events(s[0], s[1]).size();
        }
        assertEquals(h.events, events, "every status event once");
        // and the finders see what the history last wrote
        for (var t : h.txns.values()) assertEquals(t.version(), actual.findByRrn(t.rrn()).orElseThrow().version());
        for (var c : h.cards.values()) assertEquals(c.version(), actual.findCard(c.panHash()).orElseThrow().version());
        if (expected instanceof JdbcTransactionStore e && actual instanceof JdbcTransactionStore a) {
            for (String table : List.of("transactions", "cards", "terminals", "merchants", "batches", "merchant_day_totals")) {
                assertEquals(dump(e, table, "1, 2"), dump(a, table, "1, 2"), "table " + table);
            }
            assertEquals(dump(e, "status_events", "id"), dump(a, "status_events", "id"), "table status_events");
        }
    }

    /** Every row of a table as strings, in key order (status events without their generated id, in insert order). */
    static List<List<String>> dump(JdbcTransactionStore store, String table, String order) {
        String cols = table.equals("status_events") ? "subject_kind, subject_id, from_status, to_status, reason, event_at" : "*";
        String orderBy = table.equals("status_events") ? "id" : table.equals("transactions") || table.equals("cards")
                || table.equals("terminals") || table.equals("merchants") ? "1" : order;
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + cols + " FROM " + table + " ORDER BY " + orderBy)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>(md.getColumnCount());
                for (int i = 1; i <= md.getColumnCount(); i++) row.add(rs.getString(i));
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot read " + table + ": " + e.getMessage(), e);
        }
        return rows;
    }
}
