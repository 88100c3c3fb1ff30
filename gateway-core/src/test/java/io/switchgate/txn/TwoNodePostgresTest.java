package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.store.PostgresSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two gateway nodes on one PostgreSQL: a terminal that fails over to the other node and retransmits gets the
 * first node's answer again (same RRN), and the card is debited once. RRNs of the two nodes never collide.
 */
class TwoNodePostgresTest {
    String schema;
    Gateway a;
    Gateway b;

    @AfterEach
    void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (schema != null) PostgresSupport.dropSchema(schema);
    }

    /** The same configuration with {@code store.sharedByNodes: true}. */
    static io.switchgate.config.GatewayConfig shared(io.switchgate.config.GatewayConfig c) {
        var s = c.store();
        return new io.switchgate.config.GatewayConfig(c.node(), c.listeners(), c.admin(),
                new io.switchgate.config.GatewayConfig.Store(s.url(), s.user(), s.password(), s.poolSize(), true),
                c.security(), c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging());
    }

    @Test
    void retransmissionToTheOtherNodeIsAnsweredTheSame() {
        schema = PostgresSupport.createSchema();
        String url = PostgresSupport.url(schema);
        a = Gateway.start(shared(EngineFixture.config(url, "01")));
        b = Gateway.start(shared(EngineFixture.config(url, "02")));
        TestPos onA = new TestPos(a, "TERM0003", MERCHANT, null, TPK1);
        TestPos onB = new TestPos(b, "TERM0003", MERCHANT, null, TPK1);
        IsoMessage sale = onA.sale(PAN_NOPIN, 2_500);
        IsoMessage first = onA.send(sale.copy());
        assertEquals("00", first.getString(39));
        assertTrue(first.getString(37).startsWith("01"));
        IsoMessage again = onB.send(sale.copy());
        assertEquals("00", again.getString(39));
        assertEquals(first.getString(37), again.getString(37), "the first node's answer, not a second sale");
        assertEquals(first.getString(38), again.getString(38));
        // B's view of the card is older than A's debit: its first decision loses the version race, and is
        // taken again on fresh state instead of being refused.
        IsoMessage other = onB.send(onB.sale(PAN_NOPIN, 100));
        assertEquals("00", other.getString(39), () -> "reason " + other.getString(44));
        assertTrue(other.getString(37).startsWith("02"));
        assertEquals(10_000_000 - 2_500 - 100, a.embeddedCardBalance(PAN_NOPIN));
    }

    @Test
    void concurrentRefundsOnTwoNodesNeverExceedTheSale() throws Exception {
        schema = PostgresSupport.createSchema();
        String url = PostgresSupport.url(schema);
        a = Gateway.start(EngineFixture.config(url, "01"));
        b = Gateway.start(EngineFixture.config(url, "02"));
        TestPos onA = new TestPos(a, "TERM0003", MERCHANT, null, TPK1);
        TestPos onB = new TestPos(b, "TERM0003", MERCHANT, null, TPK1);
        String rrn = onA.send(onA.sale(PAN_NOPIN, 10_000)).getString(37);
        java.util.List<java.util.concurrent.CompletableFuture<byte[]>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TestPos p = i % 2 == 0 ? onA : onB;
            answers.add(p.gw.handle(p.pack(p.refund(PAN_NOPIN, 1_500 + i, rrn)), "pos"));
        }
        long approved = 0;
        for (int i = 0; i < answers.size(); i++) {
            IsoMessage r = TestPos.D.unpack(answers.get(i).get(20, java.util.concurrent.TimeUnit.SECONDS));
            if ("00".equals(r.getString(39))) approved += 1_500 + i;
        }
        assertTrue(approved <= 10_000, "approved " + approved);
        assertEquals(approved, a.store().findByRrn(rrn).orElseThrow().refundedAmount());
    }
}
