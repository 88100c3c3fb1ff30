package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalStatus;
import io.switchgate.store.PostgresSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.function.Supplier;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Several nodes on one store: an operator's status change made through one node holds on the other within a second
 * (the contract), on an H2 database both open and on PostgreSQL. Each node had already cached the terminal and the
 * merchant as active (it served a sale first), so the change has to reach it, not just be read on first use.
 */
class StatusAcrossNodesTest {
    String schema;
    Gateway a;
    Gateway b;

    @AfterEach
    void stop() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (schema != null) PostgresSupport.dropSchema(schema);
    }

    void startOn(String url) {
        a = Gateway.start(TwoNodePostgresTest.shared(EngineFixture.config(url, "01")));
        b = Gateway.start(TwoNodePostgresTest.shared(EngineFixture.config(url, "02")));
    }

    static String h2Url() {
        return "jdbc:h2:mem:nodes" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }

    String postgresUrl() {
        schema = PostgresSupport.createSchema();
        return PostgresSupport.url(schema);
    }

    /**
     * Sends fresh sales until one gets {@code code}; fails if that takes longer than the contract's second (with room
     * for a loaded test machine: 3 s) — the answer, not the time, is what is checked each round.
     */
    static IsoMessage untilAnswered(String code, Supplier<IsoMessage> sale) {
        return untilAnswered(code, 3, sale);
    }

    static IsoMessage untilAnswered(String code, int seconds, Supplier<IsoMessage> sale) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        IsoMessage last;
        do {
            last = sale.get();
            if (code.equals(last.getString(39))) return last;
        } while (System.nanoTime() < deadline);
        fail("still " + last.getString(39) + " " + last.getString(44) + " on the other node, expected " + code);
        return last;
    }

    void aFrozenMerchantAndAReturnedTerminalHoldOnTheOtherNode() {
        TestPos onB = new TestPos(b, "TERM0003", MERCHANT, null, TPK1);
        assertEquals("00", onB.send(onB.sale(PAN_NOPIN, 100)).getString(39));

        a.engine().changeMerchantStatus(MERCHANT, MerchantStatus.FROZEN, "test").join();
        IsoMessage frozen = untilAnswered("03", () -> onB.send(onB.sale(PAN_NOPIN, 100)));
        assertEquals("03", frozen.getString(39));

        a.engine().changeMerchantStatus(MERCHANT, MerchantStatus.ACTIVE, "test").join();
        untilAnswered("00", () -> onB.send(onB.sale(PAN_NOPIN, 100)));

        a.engine().changeTerminalStatus("TERM0003", TerminalStatus.RETURNED, "test").join();
        IsoMessage returned = untilAnswered("58", () -> onB.send(onB.sale(PAN_NOPIN, 100)));
        assertEquals("58", returned.getString(39));
    }

    @Test
    void onOneH2Database() {
        startOn(h2Url());
        aFrozenMerchantAndAReturnedTerminalHoldOnTheOtherNode();
    }

    @Test
    void onOnePostgres() {
        startOn(postgresUrl());
        aFrozenMerchantAndAReturnedTerminalHoldOnTheOtherNode();
    }

    /**
     * The poll made so slow (10 minutes) that only PostgreSQL's notification can bring the change in time: node B
     * listens before A freezes the merchant; the wait (10 s) is generous for a loaded machine, not a bound.
     */
    @Test
    void onPostgresTheNotificationAloneCarriesTheChange() throws InterruptedException {
        String url = postgresUrl();
        System.setProperty("gateway.engine.statusPollMillis", "600000");
        try {
            startOn(url);
        } finally {
            System.clearProperty("gateway.engine.statusPollMillis");
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!b.engine().listensForStatusChanges()) {
            if (System.nanoTime() > deadline) fail("node B does not listen for status changes after 30 s");
            Thread.sleep(20);
        }
        TestPos onB = new TestPos(b, "TERM0003", MERCHANT, null, TPK1);
        assertEquals("00", onB.send(onB.sale(PAN_NOPIN, 100)).getString(39));

        a.engine().changeMerchantStatus(MERCHANT, MerchantStatus.FROZEN, "test").join();
        assertEquals("03", untilAnswered("03", 10, () -> onB.send(onB.sale(PAN_NOPIN, 100))).getString(39));

        a.engine().changeMerchantStatus(MERCHANT, MerchantStatus.ACTIVE, "test").join();
        assertEquals("00", untilAnswered("00", 10, () -> onB.send(onB.sale(PAN_NOPIN, 100))).getString(39));
    }

    @Test
    void onOnePostgresWithoutSayingItIsShared() {
        // the contract's two nodes on one PostgreSQL need no extra setting for status changes to hold on both
        String url = postgresUrl();
        a = Gateway.start(EngineFixture.config(url, "01"));
        b = Gateway.start(EngineFixture.config(url, "02"));
        aFrozenMerchantAndAReturnedTerminalHoldOnTheOtherNode();
    }
}
