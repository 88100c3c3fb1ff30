package io.switchgate.server.admin;

import io.switchgate.config.GatewayConfig;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.server.config.ConfigLoader;
import io.switchgate.txn.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A refund limit of 0 and one left out mean "no limit", and the admin API shows them the same way; currencies are shown. */
class MerchantViewTest {
    @TempDir
    Path dir;

    private Map<?, ?> merchantView(String merchantYaml) throws Exception {
        String yaml = """
                node: { id: "01" }
                listeners:
                  - { name: pos, port: 0 }
                store: { url: "memory:" }
                security: { masterKey: "0123456789ABCDEFFEDCBA9876543210" }
                merchants:
                """ + merchantYaml + """
                terminals:
                  - { id: "TERM0001", merchant: "MERCHANT0000001" }
                routes:
                  - { match: { panPrefix: ["62"] }, host: embedded }
                """;
        Path file = Files.writeString(dir.resolve("g" + System.nanoTime() + ".yaml"), yaml);
        GatewayConfig cfg = new ConfigLoader(k -> null).load(file);
        try (Gateway gw = Gateway.start(cfg)) {
            MerchantState m = gw.store().findMerchant("MERCHANT0000001").orElseThrow();
            return Views.merchant(m, null, null);
        }
    }

    @Test
    void zeroAndAbsentRefundLimitsShowTheSame() throws Exception {
        Map<?, ?> absent = merchantView("  - { id: \"MERCHANT0000001\", refund: { windowDays: 30 } }\n");
        Map<?, ?> zero = merchantView("  - { id: \"MERCHANT0000001\", refund: { windowDays: 30, maxSingleAmount: 0, dailyAmountLimit: 0 } }\n");
        assertEquals(absent.get("refund"), zero.get("refund"));
        Map<?, ?> refund = (Map<?, ?>) zero.get("refund");
        assertTrue(refund.containsKey("maxSingleAmount"));
        assertNull(refund.get("maxSingleAmount"), "no limit");
        assertNull(refund.get("dailyAmountLimit"), "no limit");
        assertEquals(List.of("156"), zero.get("currencies"));

        Map<?, ?> set = merchantView("  - { id: \"MERCHANT0000001\", refund: { maxSingleAmount: 500, dailyAmountLimit: 900 }, currencies: [\"156\", \"840\"] }\n");
        assertEquals(500L, ((Map<?, ?>) set.get("refund")).get("maxSingleAmount"));
        assertEquals(900L, ((Map<?, ?>) set.get("refund")).get("dailyAmountLimit"));
        assertEquals(List.of("156", "840"), set.get("currencies"));
    }

    @Test
    void aLimitStoredAsTheOldNoLimitValueShowsAsNoLimit() {
        MerchantState old = new MerchantState("MERCHANT0000001", MerchantStatus.ACTIVE, 180, Long.MAX_VALUE, Long.MAX_VALUE,
                Instant.EPOCH, 1);
        Map<?, ?> refund = (Map<?, ?>) Views.merchant(old, null, null).get("refund");
        assertNull(refund.get("maxSingleAmount"));
        assertNull(refund.get("dailyAmountLimit"));
    }
}
