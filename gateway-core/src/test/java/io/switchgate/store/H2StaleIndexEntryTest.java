package io.switchgate.store;

import io.switchgate.model.TxnRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.switchgate.store.Fixtures.refund;
import static io.switchgate.store.Fixtures.rrn;
import static io.switchgate.store.Fixtures.sale;
import static io.switchgate.store.Fixtures.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * An H2 index a kill left with a stale entry beside a row's own (the gateway's kill test once read a sale twice
 * through one): the store's listings still give each transaction once, and a merchant's refund report its amount once.
 */
class H2StaleIndexEntryTest {
    static final String MERCHANT = "MERCHANT0000001";
    static final Instant AT = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRefundReadTwiceThroughAStaleEntryIsListedOnce() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db");
        TxnRecord sale = sale(rrn(), "TERM0001", MERCHANT, "000001", 1_000, AT);
        TxnRecord r1 = refund(rrn(), sale.rrn(), "TERM0001", MERCHANT, "000002", 100, AT.plusSeconds(1));
        TxnRecord r2 = refund(rrn(), sale.rrn(), "TERM0001", MERCHANT, "000003", 200, AT.plusSeconds(2));
        try (JdbcTransactionStore s = JdbcTransactionStore.open(url, "sa", "", 2)) {
            s.migrate();
            for (RuntimeException e : s.apply(List.of(set().txn(sale).txn(r1).txn(r2)))) assertNull(e);
        }
        H2Damage.addStaleEntry(url, "TRANSACTIONS", "IX_TRANSACTIONS_MERCHANT_TYPE_CREATED", r1.rrn(), "CREATED_AT");
        assertEquals(List.of(r1.rrn(), r1.rrn(), r2.rrn()), refundRrnsReadBySql(url), "the damage is there: SQL reads r1 twice");

        try (JdbcTransactionStore s = JdbcTransactionStore.open(url, "sa", "", 2)) {
            assertEquals(List.of(r1, r2), s.findRefunds(MERCHANT, AT, AT.plusSeconds(60)));
        }
    }

    @Test
    void onePerRrnKeepsTheFirstOfEachInOrderAndAListWithoutTwinsAsItIs() {
        TxnRecord a = sale("010000000001", "TERM0001", MERCHANT, "000001", 1, AT);
        TxnRecord b = sale("010000000002", "TERM0001", MERCHANT, "000002", 2, AT);
        TxnRecord c = sale("010000000003", "TERM0001", MERCHANT, "000003", 3, AT);
        assertEquals(List.of(b, a, c), JdbcTransactionStore.onePerRrn(List.of(b, a, b, c, a)));
        List<TxnRecord> distinct = new ArrayList<>(List.of(a, b, c));
        assertSame(distinct, JdbcTransactionStore.onePerRrn(distinct));
        assertEquals(List.of(), JdbcTransactionStore.onePerRrn(List.of()));
    }

    private static List<String> refundRrnsReadBySql(String url) throws Exception {
        List<String> rrns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             PreparedStatement ps = c.prepareStatement("SELECT rrn FROM transactions WHERE merchant_id = ? AND txn_type = 'REFUND'"
                     + " AND created_at >= ? AND created_at < ? ORDER BY created_at, rrn")) {
            ps.setString(1, MERCHANT);
            ps.setObject(2, AT.atOffset(ZoneOffset.UTC));
            ps.setObject(3, AT.plusSeconds(60).atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rrns.add(rs.getString(1));
            }
        }
        return rrns;
    }
}
