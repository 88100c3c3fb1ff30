package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.store.PostgresSupport;
import org.junit.jupiter.api.Test;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The two-node scenarios on one PostgreSQL schema (skipped with a message, or failed in CI, without PostgreSQL). */
class TwoNodePostgresTest extends TwoNodeContract {
    String schema;

    @Override
    String sharedUrl() {
        schema = PostgresSupport.createSchema();
        return PostgresSupport.url(schema);
    }

    @Override
    io.switchgate.store.TransactionStore openStore(GatewayConfig config) {
        return Gateway.Stores.open(config.store());
    }

    @Override
    void dropShared() {
        if (schema != null) PostgresSupport.dropSchema(schema);
    }

    /**
     * {@code store.sharedByNodes} left out on PostgreSQL: the store is the journal nodes share (docs/configuration.md),
     * so a retransmission that fails over to the other node is answered as the first node did. Before, only the word
     * made a node ask the store: left out, the other node approved the same sale again and the card paid twice.
     */
    @Test
    void leftOutSharedByNodesStillFindsTheOtherNodesAnswer() {
        startTwoNodes(false);
        TestPos onA = new TestPos(a, "TERM0003", MERCHANT, null, TPK1);
        TestPos onB = new TestPos(b, "TERM0003", MERCHANT, null, TPK1);
        // B has answered before (it holds its working set: no later load of the store's keys finds A's sale for it)
        assertEquals("00", onB.send(onB.balance(PAN_LOW)).getString(39));
        IsoMessage sale = onA.sale(PAN_NOPIN, 2_500);
        IsoMessage first = onA.send(sale.copy());
        assertEquals("00", first.getString(39));
        // B reads the card after A's debit, so its decision would win its commit: only the duplicate check stops it
        assertEquals("00", onB.send(onB.balance(PAN_NOPIN)).getString(39));
        IsoMessage again = onB.send(sale.copy());
        assertEquals(first.getString(37), again.getString(37), "the first node's answer, not a second sale");
        assertEquals(10_000_000 - 2_500, b.embeddedCardBalance(PAN_NOPIN));
        // and a reversal that found no original on one node stops the late original on the other
        IsoMessage late = onB.sale(PAN_NOPIN, 300);
        assertEquals("25", onA.send(onA.reversal(late.copy())).getString(39));
        assertEquals("12", onB.send(late.copy()).getString(39));
    }
}
