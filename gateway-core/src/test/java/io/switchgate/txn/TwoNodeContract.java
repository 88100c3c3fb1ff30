package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.store.TxnRecord;
import io.switchgate.store.TxnType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Two gateway nodes on one shared store ({@code store.sharedByNodes: true}): a terminal that fails over to the
 * other node and retransmits gets the first node's answer again (same RRN), and the card is debited once; RRNs of
 * the two nodes never collide; refunds of one sale on both nodes at once never exceed it.
 *
 * <p>Run on PostgreSQL ({@link TwoNodePostgresTest}, what production shares) and on one H2 in-memory database
 * opened by both nodes ({@link TwoNodeH2Test}), so the scenarios run without PostgreSQL too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class TwoNodeContract {
    Gateway a;
    Gateway b;

    /** A fresh shared database for this test: the JDBC URL both nodes open. */
    abstract String sharedUrl();

    /** Starts one node on the shared database (the configuration already says {@code sharedByNodes}). */
    abstract Gateway startNode(GatewayConfig config);

    /** Drops what {@link #sharedUrl} created. */
    abstract void dropShared();

    @AfterEach
    void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        dropShared();
    }

    /** The same configuration with {@code store.sharedByNodes: true}. */
    static GatewayConfig shared(GatewayConfig c) {
        var s = c.store();
        return new GatewayConfig(c.node(), c.listeners(), c.admin(),
                new GatewayConfig.Store(s.url(), s.user(), s.password(), s.poolSize(), true),
                c.security(), c.merchants(), c.terminals(), c.routes(), c.hosts(), c.authorizer(), c.logging());
    }

    void startTwoNodes() {
        String url = sharedUrl();
        a = startNode(shared(EngineFixture.config(url, "01")));
        b = startNode(shared(EngineFixture.config(url, "02")));
    }

    @Test
    void retransmissionToTheOtherNodeIsAnsweredTheSame() {
        startTwoNodes();
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
        assertEquals(10_000_000 - 2_500 - 100, b.embeddedCardBalance(PAN_NOPIN));
        assertEquals(1, a.store().findByTerminalAndStan("TERM0003", sale.getString(11)).size(), "one sale, not two");
    }

    @Test
    void concurrentRefundsOnTwoNodesNeverExceedTheSale() throws Exception {
        startTwoNodes();
        TestPos onA = new TestPos(a, "TERM0003", MERCHANT, null, TPK1);
        TestPos onB = new TestPos(b, "TERM0003", MERCHANT, null, TPK1);
        IsoMessage sale = onA.send(onA.sale(PAN_NOPIN, 10_000));
        assertEquals("00", sale.getString(39));
        String rrn = sale.getString(37);
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TestPos p = i % 2 == 0 ? onA : onB;
            answers.add(p.gw.handle(p.pack(p.refund(PAN_NOPIN, 1_500 + i, rrn)), "pos"));
        }
        long approved = 0;
        int approvals = 0;
        List<String> declines = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            IsoMessage r = TestPos.D.unpack(answers.get(i).get(20, TimeUnit.SECONDS));
            if ("00".equals(r.getString(39))) {
                approved += 1_500 + i;
                approvals++;
            } else {
                declines.add(r.getString(39) + " " + r.getString(44));
            }
        }
        // At least the refunds that fit in 10,000 on one node alone (1,500 + 1,502 + ... on A) are approved.
        assertTrue(approvals >= 1, "no refund approved: " + declines);
        assertTrue(approved <= 10_000, "approved " + approved);
        assertEquals(approved, a.store().findByRrn(rrn).orElseThrow().refundedAmount());
        long stored = 0;
        for (TxnRecord t : a.store().findByOriginalRrn(rrn)) if (t.type() == TxnType.REFUND && t.approved()) stored += t.amount();
        assertEquals(approved, stored, "the approved refunds are the ones the store holds");
        assertEquals(10_000_000 - 10_000 + approved, a.embeddedCardBalance(PAN_NOPIN), "each approved refund credited once");
    }
}
