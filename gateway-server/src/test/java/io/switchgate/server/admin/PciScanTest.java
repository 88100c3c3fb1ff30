package io.switchgate.server.admin;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchgate.iso.IsoMessage;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import static io.switchgate.server.admin.OpsFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A whole lifecycle with known PANs, track data, PINs and keys on an H2 store; then the complete log output,
 * every admin API response and every row of every table are searched for them. None may appear.
 */
class PciScanTest {

    @Test
    void noPanTrackPinBlockOrKeyAnywhere() throws Exception {
        String url = "jdbc:h2:mem:pci" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.setContext(root.getLoggerContext());
        logs.start();
        root.addAppender(logs);

        Set<String> secrets = new LinkedHashSet<>(List.of(PAN, PAN_NOPIN, MASTER, TMK, TPK, TAK));
        List<String> bodies;
        List<String> rows = new ArrayList<>();
        try (OpsFixture f = new OpsFixture(url, TOKEN)) {
            List<String> rrns = new ArrayList<>();
            // registered terminal activated by a PIN sale, then refunds, a void, a reversal, a wrong PIN, a track-2 sale
            IsoMessage first = f.sale("TERM0002", PAN, 20_000);
            secrets.add(f.withPin(first, "1234"));
            IsoMessage r = f.send(first);
            assertEquals("00", r.getString(39), r.getString(44));
            rrns.add(r.getString(37));

            IsoMessage wrongPin = f.sale("TERM0003", PAN, 1_000);
            secrets.add(f.withPin(wrongPin, "9999"));
            r = f.send(wrongPin);
            assertEquals("55", r.getString(39));
            rrns.add(r.getString(37));

            IsoMessage sale = f.sale("TERM0003", PAN, 15_000);
            secrets.add(f.withPin(sale, "1234"));
            r = f.send(sale);
            assertEquals("00", r.getString(39), r.getString(44));
            String saleRrn = r.getString(37);
            rrns.add(saleRrn);

            IsoMessage refund = f.refund("TERM0001", PAN, 5_000, saleRrn);
            secrets.add(f.withPin(refund, "1234"));
            r = f.send(refund);
            assertEquals("00", r.getString(39), r.getString(44));
            rrns.add(r.getString(37));
            r = f.send(reversal(refund));
            rrns.add(r.getString(37));

            String track2 = PAN_NOPIN + "=28121010000012345678";
            secrets.add(track2);
            secrets.add("=28121010000012345678");
            IsoMessage trackSale = f.sale("TERM0003", PAN_NOPIN, 3_000);
            trackSale.unset(2);
            trackSale.unset(14);
            trackSale.set(35, track2);
            r = f.send(trackSale);
            assertEquals("00", r.getString(39), r.getString(44));
            rrns.add(r.getString(37));
            r = f.send(f.voidOf("TERM0003", PAN_NOPIN, 3_000, r.getString(37)));
            assertEquals("00", r.getString(39), r.getString(44));
            rrns.add(r.getString(37));

            // a failing request with a PAN inside: the format error must not echo it either
            IsoMessage bad = f.sale("TERM0003", PAN, 1);
            bad.unset(4);
            rrns.add(f.send(bad).getString(37));

            // operator actions and settlement of a returned terminal
            assertEquals(200, f.put("/api/terminals/TERM0003/status", "{\"status\":\"returned\",\"reason\":\"device returned\"}").status());
            assertEquals("58", f.send(f.sale("TERM0003", PAN_NOPIN, 100)).getString(39));
            JsonNode t3 = f.get("/api/terminals/TERM0003").json().path("openBatch");
            assertEquals("00", f.send(settlement("TERM0003", t3.path("saleCount").asLong(), t3.path("saleAmount").asLong(), 0, 0)).getString(39));
            assertEquals(200, f.put("/api/merchants/" + MERCHANT2 + "/status", "{\"status\":\"frozen\",\"reason\":\"review\"}").status());

            // sign-on (MACed under the TAK) issues new working keys under the TMK
            IsoMessage signOn = new IsoMessage("0800");
            signOn.set(7, "1125120000").set(11, nextStan()).set(41, "TERM0001").set(42, MERCHANT).set(70, "001");
            r = f.sendMaced(signOn);
            assertEquals("00", r.getString(39));
            assertEquals(76, r.getString(48).length());

            // read everything back through the API
            for (String rrn : rrns) if (rrn != null) assertEquals(200, f.get("/api/transactions/" + rrn.trim()).status());
            f.get("/api/transactions?terminal=TERM0003&stan=" + sale.getString(11));
            f.get("/api/refunds?merchant=" + MERCHANT);
            f.get("/api/terminals");
            for (String t : new String[]{"TERM0001", "TERM0002", "TERM0003", "TERM0009"}) f.get("/api/terminals/" + t);
            f.get("/api/merchants");
            f.get("/api/merchants/" + MERCHANT);
            f.get("/api/merchants/" + MERCHANT2);
            f.get("/metrics");
            f.get("/health");
            bodies = new ArrayList<>(f.bodies);

            try (Connection c = DriverManager.getConnection(url, "sa", "");
                 Statement st = c.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(
                        "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                    while (rs.next()) tables.add(rs.getString(1));
                }
                assertTrue(tables.size() >= 8, "tables: " + tables);
                for (String table : tables) {
                    try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
                        ResultSetMetaData md = rs.getMetaData();
                        while (rs.next()) {
                            StringBuilder row = new StringBuilder(table).append(':');
                            for (int i = 1; i <= md.getColumnCount(); i++) {
                                Object v = rs.getObject(i);
                                row.append(' ').append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v));
                            }
                            rows.add(row.toString());
                        }
                    }
                }
            }
        } finally {
            root.detachAppender(logs);
        }

        List<String> logText = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            StringBuilder sb = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
            if (e.getKeyValuePairs() != null) for (KeyValuePair kv : e.getKeyValuePairs()) sb.append(' ').append(kv.key).append('=').append(kv.value);
            IThrowableProxy tp = e.getThrowableProxy();
            if (tp != null) sb.append(' ').append(ThrowableProxyUtil.asString(tp));
            logText.add(sb.toString());
        }

        assertTrue(logText.stream().filter(l -> l.startsWith("io.switchgate.txn ")).count() >= 11, "transaction lines were captured");
        assertTrue(logText.stream().anyMatch(l -> l.contains("pan=621234******1232")), "masked PAN is logged");
        assertTrue(rows.stream().anyMatch(l -> l.contains("621234******1232")), "masked PAN is stored");
        assertTrue(bodies.stream().anyMatch(l -> l.contains("621234******1232")), "masked PAN is shown");
        assertTrue(bodies.size() > 20);

        List<String> probe = new ArrayList<>();
        scan("probe", List.of("pan=" + PAN), PAN, probe);
        assertEquals(1, probe.size(), "the scan itself finds what it looks for");

        List<String> found = new ArrayList<>();
        for (String secret : secrets) {
            for (String needle : new String[]{secret, secret.toLowerCase(Locale.ROOT)}) {
                scan("log", logText, needle, found);
                scan("api", bodies, needle, found);
                scan("store", rows, needle, found);
            }
        }
        assertTrue(found.isEmpty(), () -> "sensitive data found:\n" + String.join("\n", found));
    }

    private static void scan(String where, List<String> haystack, String needle, List<String> found) {
        for (String s : haystack) {
            if (s.contains(needle)) found.add(where + " contains " + needle.substring(0, 4) + "...: " + s);
        }
    }
}
