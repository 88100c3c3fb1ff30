package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.model.TxnStatus;
import io.switchgate.route.AuthorizerFactory;
import io.switchgate.store.ControllableStore;
import io.switchgate.store.TransactionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
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

    /** Opens the shared database for one node (the configuration already says {@code sharedByNodes}). */
    abstract TransactionStore openStore(GatewayConfig config);

    /** Each node's store, under a wrapper that can fail or hold its commits. */
    ControllableStore storeA;
    ControllableStore storeB;

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
        startTwoNodes(true);
    }

    /** @param saySo {@code store.sharedByNodes: true} written; false: the key left out (PostgreSQL still shares) */
    void startTwoNodes(boolean saySo) {
        String url = sharedUrl();
        GatewayConfig ca = saySo ? shared(EngineFixture.config(url, "01")) : EngineFixture.config(url, "01");
        storeA = new ControllableStore(openStore(ca));
        a = Gateway.start(ca, Clock.systemUTC(), AuthorizerFactory.NONE, storeA);
        GatewayConfig cb = saySo ? shared(EngineFixture.config(url, "02")) : EngineFixture.config(url, "02");
        storeB = new ControllableStore(openStore(cb));
        b = Gateway.start(cb, Clock.systemUTC(), AuthorizerFactory.NONE, storeB);
        onA = new TestPos(a, "TERM0003", MERCHANT, null, TPK1);
        onB = new TestPos(b, "TERM0003", MERCHANT, null, TPK1);
    }

    /** The same terminal at node A and at node B (a terminal that fails over between them). */
    TestPos onA;
    TestPos onB;

    @Test
    void retransmissionToTheOtherNodeIsAnsweredTheSame() {
        startTwoNodes();
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

    /**
     * On a shared store every new request's duplicate key is the store's to answer (another node may have answered
     * it): the prefetch stage reads the keys of the requests queued together in one read, and the engine thread
     * never waits on the store for one. A retransmission that failed over is still answered as the first node did.
     */
    @Test
    void duplicateKeysAreReadBeforeTheEngineThreadManyInOneRead() throws Exception {
        startTwoNodes();
        IsoMessage sale = onA.sale(PAN_NOPIN, 2_500);
        IsoMessage first = onA.send(sale.copy());
        assertEquals("00", first.getString(39));

        ControllableStore.Gate read = storeB.holdNextDupKeysRead();
        CompletableFuture<byte[]> retransmitted = b.handle(onB.pack(sale.copy()), "pos");
        assertTrue(read.awaitEntered(java.time.Duration.ofSeconds(10)), "the key was not read by the stage");
        List<CompletableFuture<byte[]>> more = new ArrayList<>();
        for (int i = 0; i < 6; i++) more.add(b.handle(onB.pack(onB.sale(PAN_NOPIN, 10 + i)), "pos"));
        Thread.sleep(300); // they queue behind the held read
        read.release();

        IsoMessage again = TestPos.D.unpack(retransmitted.get(20, TimeUnit.SECONDS));
        assertEquals("00", again.getString(39));
        assertEquals(first.getString(37), again.getString(37), "the first node's answer, not a second sale");
        for (CompletableFuture<byte[]> f : more) {
            IsoMessage r = TestPos.D.unpack(f.get(20, TimeUnit.SECONDS));
            assertEquals("00", r.getString(39), () -> "reason " + r.getString(44));
        }
        assertEquals(10_000_000 - 2_500 - (10 + 11 + 12 + 13 + 14 + 15), b.embeddedCardBalance(PAN_NOPIN));
        assertFalse(storeB.singleKeyReaders().contains("engine"), "the engine thread asked the store for a key: "
                + storeB.singleKeyReaders());
        int most = storeB.batchedKeyReads().stream().mapToInt(Integer::intValue).max().orElse(0);
        assertTrue(most >= 2, "the queued requests' keys were read one by one: " + storeB.batchedKeyReads());
    }

    @Test
    void concurrentRefundsOnTwoNodesNeverExceedTheSale() throws Exception {
        startTwoNodes();
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
        assertTrue(approvals >= 1, "no refund approved: " + declines);
        assertTrue(approved <= 10_000, "approved " + approved);
        assertEquals(approved, approvedRefundRows(rrn), "the approved refunds are the ones the store holds");
    }

    long approvedRefundRows(String saleRrn) {
        long stored = 0;
        for (TxnRecord t : a.store().findByOriginalRrn(saleRrn)) if (t.type() == TxnType.REFUND && t.approved()) stored += t.amount();
        return stored;
    }

    /**
     * As above, and what the store holds agrees with what the terminals heard. On today's engine this fails now and
     * then (the sale's refundedAmount one or a few units off the approved refunds): a refund whose commit failed
     * (a lost version race decided again and lost again, answered 96) stays in the node's working set until the
     * engine thread gets to forget it, and a refund decided on that state in between can pass the version check
     * against the other node's row and overwrite it (see the deterministic test below).
     */
    @Test
    void concurrentRefundsOnTwoNodesAreStoredAsAnswered() throws Exception {
        startTwoNodes();
        IsoMessage sale = onA.send(onA.sale(PAN_NOPIN, 10_000));
        assertEquals("00", sale.getString(39));
        String rrn = sale.getString(37);
        List<CompletableFuture<byte[]>> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TestPos p = i % 2 == 0 ? onA : onB;
            answers.add(p.gw.handle(p.pack(p.refund(PAN_NOPIN, 1_500 + i, rrn)), "pos"));
        }
        long approved = 0;
        for (int i = 0; i < answers.size(); i++) {
            IsoMessage r = TestPos.D.unpack(answers.get(i).get(20, TimeUnit.SECONDS));
            if ("00".equals(r.getString(39))) approved += 1_500 + i;
        }
        assertTrue(approved > 0 && approved <= 10_000, "approved " + approved);
        assertStoredAsAnswered(rrn, 10_000, approved);
    }

    /**
     * A refund whose decision loses its version race again and again (the other node keeps writing the sale's row) is
     * decided anew on fresh state each time, up to {@link Engine#MAX_REDECISIONS} times, and stands once a decision
     * wins; past that it is answered 96 and nothing of it is stored. With one new decision only, one refund in eight
     * was answered 96 when refunds of one sale arrived on both nodes at once (an outside audit).
     */
    @Test
    void aRequestThatLosesItsRaceIsDecidedAgainUntilOneDecisionWins() throws Exception {
        startTwoNodes();
        IsoMessage sale = onA.send(onA.sale(PAN_NOPIN, 10_000));
        assertEquals("00", sale.getString(39));
        String rrn = sale.getString(37);

        long lostBefore = a.engine().lostRaces();
        storeA.loseNextRaces(Engine.MAX_REDECISIONS);
        IsoMessage won = onA.send(onA.refund(PAN_NOPIN, 4_000, rrn));
        assertEquals("00", won.getString(39), "the last decision allowed wins: " + won.getString(44));
        assertEquals(lostBefore + Engine.MAX_REDECISIONS, a.engine().lostRaces(), "each lost race counted (/metrics)");
        assertStoredAsAnswered(rrn, 10_000, 4_000);

        storeA.loseNextRaces(Engine.MAX_REDECISIONS + 1);
        IsoMessage lost = onA.send(onA.refund(PAN_NOPIN, 3_000, rrn));
        assertEquals("96", lost.getString(39), "every decision lost");
        assertEquals("CONCURRENT_UPDATE", lost.getString(44), "a lost race is not a journal fault");
        assertStoredAsAnswered(rrn, 10_000, 4_000);
        // the 96 journaled for it says what its terminal was told (it said JOURNAL_UNAVAILABLE)
        a.close();
        a = null;
        TxnRecord stored = storeB.findByRrn(lost.getString(37)).orElseThrow();
        assertEquals("96", stored.responseCode());
        assertEquals("CONCURRENT_UPDATE", stored.reason());
    }

    /**
     * A decision that has lost its races up to the limit, the last one because another node committed an answer to
     * the same request, is decided once more: it finds that answer and replays it. Answered 96 instead, a terminal was
     * told "failed" of a sale the other node approved and charged (a black-box re-audit under contention on one card).
     * Here the last loss is simulated and no other answer exists, so the next decision stands.
     */
    @Test
    void aRequestWhoseLastLostRaceWasAnAnswerElsewhereIsDecidedOnceMore() {
        IsoMessage sale = aSaleOnNodeALosing(Engine.MAX_REDECISIONS + 1, 6_789);
        assertEquals("00", sale.getString(39), () -> "after the limit, an answer elsewhere: " + sale.getString(44));
    }

    /** A sale on node A whose next {@code races} commits lose, the last of them to "another node's answer". */
    private IsoMessage aSaleOnNodeALosing(int races, long amount) {
        startTwoNodes();
        storeA.loseNextRacesTheLastToAnAnswerElsewhere(races);
        return onA.send(onA.sale(PAN_NOPIN, amount));
    }

    /**
     * A request that lost every race it was allowed is answered 96 only once that 96 is journaled; when the 96 itself
     * loses to another node's answer of the same request, the request is decided again and replays that answer. The 96
     * was answered at once, and a re-audit on two PostgreSQL nodes saw such 96s name RRNs no node ever journaled while
     * the other copy of the request stood approved. Here the answer elsewhere is simulated and none exists, so the new
     * decision stands.
     */
    @Test
    void aNinetySixThatLosesToAnAnswerElsewhereIsNotAnsweredButDecidedAgain() {
        // every decision allowed loses, then the 96's own commit loses to "another node's answer"
        IsoMessage sale = aSaleOnNodeALosing(Engine.MAX_REDECISIONS + 2, 4_321);
        assertEquals("00", sale.getString(39), () -> "decided again after its 96 lost: " + sale.getString(44));
        assertEquals("00", storeA.findByRrn(sale.getString(37)).orElseThrow().responseCode(), "what it was told is journaled");
    }

    /**
     * A reversal answered 96 because every decision it was allowed lost its race decided nothing, so its repeat (an
     * 0401, as terminals repeat reversals) is decided, not told 96 again: the sale is reversed once. Replayed, the
     * repeats all heard 96 and the sale stayed debited (a re-audit on two PostgreSQL nodes, 6 of 6).
     */
    @Test
    void theRepeatOfAReversalAnswered96IsDecided() {
        ReversalAnswered96 x = aReversalAnswered96OnNodeA(2_500);
        String saleRrn = x.sale().getString(37);
        assertEquals(io.switchgate.model.TxnStatus.APPROVED, storeA.findByRrn(saleRrn).orElseThrow().status());
        IsoMessage repeat = x.onA().send(x.reversal().copy().setMti("0401"));
        assertEquals("00", repeat.getString(39), () -> "the repeat: " + repeat.getString(44));
        assertEquals(io.switchgate.model.TxnStatus.REVERSED, storeA.findByRrn(saleRrn).orElseThrow().status());
        assertEquals("00", x.onA().send(x.reversal().copy().setMti("0401")).getString(39), "and again: the reversal stands, once");
        assertEquals(io.switchgate.model.TxnStatus.REVERSED, storeA.findByRrn(saleRrn).orElseThrow().status());
    }

    /** A sale approved on node A and its reversal answered 96 there: every decision it was allowed lost its race. */
    private record ReversalAnswered96(TestPos onA, IsoMessage sale, IsoMessage reversal, IsoMessage answer) { }

    private ReversalAnswered96 aReversalAnswered96OnNodeA(long amount) {
        startTwoNodes();
        IsoMessage saleReq = onA.sale(PAN_NOPIN, amount);
        IsoMessage sale = onA.send(saleReq.copy());
        assertEquals("00", sale.getString(39));
        IsoMessage reversal = onA.reversal(saleReq);
        storeA.loseNextRaces(Engine.MAX_REDECISIONS + 1);
        IsoMessage answer = onA.send(reversal.copy());
        assertEquals("96", answer.getString(39));
        return new ReversalAnswered96(onA, sale, reversal, answer);
    }

    /**
     * A reversal answered 96 on node A and decided on node B when it is repeated there: a later repeat on node A hears
     * node B's answer (same DE 37), not a 96 again. Node A held on to its own 96, decided every repeat again, lost each
     * to node B's answer and told the terminal 96 under RRNs it never journaled (a re-audit, 8 of 8).
     */
    @Test
    void aRepeatOnTheNodeOfTheNinetySixHearsTheOtherNodesDecision() {
        ReversalAnswered96 x = aReversalAnswered96OnNodeA(3_100);
        IsoMessage onNodeB = onB.send(x.reversal().copy().setMti("0401"));
        assertEquals("00", onNodeB.getString(39), () -> "decided on node B: " + onNodeB.getString(44));
        IsoMessage backOnA = x.onA().send(x.reversal().copy().setMti("0401"));
        assertEquals("00", backOnA.getString(39), () -> "node A again: " + backOnA.getString(44));
        assertEquals(onNodeB.getString(37), backOnA.getString(37), "node B's answer, same DE 37");
        assertEquals(io.switchgate.model.TxnStatus.REVERSED, storeA.findByRrn(x.sale().getString(37)).orElseThrow().status());
    }

    /**
     * The same reversal on node B after node A journaled its 96: B's decisions keep losing their races and each 96 of
     * B's loses to A's; out of new decisions, B answers A's 96 under A's journaled RRN, not a 96 under an RRN no node
     * journaled (a re-audit on two PostgreSQL nodes, 1 in 900 rounds).
     */
    @Test
    void outOfDecisionsARequestAnswersWhatTheOtherNodeJournaledUnderItsKey() {
        ReversalAnswered96 x = aReversalAnswered96OnNodeA(3_300);
        storeB.loseNextDecisionsNotTheirNinetySixes(1_000);
        IsoMessage onNodeB = onB.send(x.reversal().copy());
        storeB.loseNextRaces(0);
        assertEquals("96", onNodeB.getString(39));
        assertEquals(x.answer().getString(37), onNodeB.getString(37), "node A's journaled 96, same DE 37");
    }

    /**
     * A retransmission that arrives while its request's commit is pending waits for it; when that commit loses a version
     * race (another node changed a row it read) the request is decided again, and the retransmission hears the decision
     * that stands, same DE 37. It was answered {@code 96 JOURNAL_UNAVAILABLE} without DE 37 while the request was
     * approved (a black-box audit on two PostgreSQL nodes: the terminal told "failed" for a refund that stood).
     */
    @Test
    void aRetransmissionThatJoinedADecisionWhichLostItsRaceHearsTheDecisionThatStands() throws Exception {
        startTwoNodes();
        IsoMessage sale = onA.send(onA.sale(PAN_NOPIN, 10_000));
        assertEquals("00", sale.getString(39));
        String rrn = sale.getString(37);

        ControllableStore.Gate held = storeA.holdNextApply();
        byte[] refund = onA.pack(onA.refund(PAN_NOPIN, 4_000, rrn));
        CompletableFuture<byte[]> first = a.handle(refund, "pos");
        assertTrue(held.awaitEntered(Duration.ofSeconds(10)), "the refund never reached its commit");
        CompletableFuture<byte[]> again = a.handle(refund, "pos");
        onA.awaitEngineCaughtUp(); // the retransmission waits on the first one's commit
        held.loseRace();

        IsoMessage r1 = TestPos.D.unpack(first.get(10, TimeUnit.SECONDS));
        IsoMessage r2 = TestPos.D.unpack(again.get(10, TimeUnit.SECONDS));
        assertEquals("00", r1.getString(39), () -> "decided again: " + r1.getString(44));
        assertEquals("00", r2.getString(39), () -> "the retransmission: " + r2.getString(44));
        assertEquals(r1.getString(37), r2.getString(37), "the same answer, same DE 37");
        assertStoredAsAnswered(rrn, 10_000, 4_000);
    }

    /**
     * The same request sent to both nodes at once (a terminal that fails over and retransmits) is decided once: node
     * B reads the store for the request's duplicate key before node A commits, and the card after; its commit then
     * meets A's record under the same key, and B answers A's decision (same DE 37). A black-box audit saw both
     * approved under two RRNs and the card debited twice: the two commits wrote different rows, and B's card read
     * was fresh, so no version check caught it.
     */
    @Test
    void theSameRequestOnBothNodesAtOnceIsDecidedOnce() throws Exception {
        startTwoNodes();
        IsoMessage sale = onA.sale(PAN_NOPIN, 1_234);
        byte[] packed = onA.pack(sale);
        long before = a.embeddedCardBalance(PAN_NOPIN);
        ControllableStore.Gate cardRead = storeB.holdNextCardRead();
        CompletableFuture<byte[]> fromB = b.handle(packed, "pos");
        assertTrue(cardRead.awaitEntered(Duration.ofSeconds(10)), "B never read the card");
        IsoMessage first = TestPos.D.unpack(a.handle(packed, "pos").get(10, TimeUnit.SECONDS));
        assertEquals("00", first.getString(39));
        cardRead.release();
        IsoMessage second = TestPos.D.unpack(fromB.get(10, TimeUnit.SECONDS));
        assertEquals("00", second.getString(39), () -> "B: " + second.getString(44));
        assertEquals(first.getString(37), second.getString(37), "one decision, one RRN");
        long sales = a.store().findByTerminalAndStan("TERM0003", sale.getString(11)).stream()
                .filter(t -> t.type() == TxnType.SALE).count();
        assertEquals(1, sales, "one sale stored");
        assertEquals(before - 1_234, a.embeddedCardBalance(PAN_NOPIN), "the card debited once");
    }

    /**
     * An original on one node and its reversal on the other at once end as one order or the other would: here the
     * reversal finds no original (it is not committed yet) and is kept, answered 25; the original, decided before
     * that, meets the kept reversal in its commit and is decided again: refused 12, nothing debited. A black-box
     * audit saw the reversal answered 25 and the original approved and standing (55 sales in 60).
     */
    @Test
    void anOriginalDecidedBeforeItsReversalOnTheOtherNodeCommittedIsRefused() throws Exception {
        startTwoNodes();
        Race race = new Race(2_345);
        IsoMessage answer = race.heldWhileTheOtherAnswers(b, storeB, onB.pack(race.sale), a, onA.reversal(race.sale), "25");
        assertEquals("12", answer.getString(39), () -> "the original after its kept reversal: " + answer.getString(44));
        assertEquals(race.before, a.embeddedCardBalance(PAN_NOPIN), "nothing debited");
    }

    /**
     * The other order: the reversal is decided first (no original) but commits after the original; its commit meets
     * the original and it is decided again, and reverses it.
     */
    @Test
    void aReversalDecidedBeforeItsOriginalOnTheOtherNodeCommittedReversesIt() throws Exception {
        startTwoNodes();
        Race race = new Race(3_456);
        IsoMessage answer = race.heldWhileTheOtherAnswers(a, storeA, onA.pack(onA.reversal(race.sale)), b, race.sale, "00");
        assertEquals("00", answer.getString(39), () -> "the reversal after its original: " + answer.getString(44));
        assertEquals(TxnStatus.REVERSED, a.store().findByRrn(race.otherAnswer.getString(37)).orElseThrow().status());
        assertEquals(race.before, a.embeddedCardBalance(PAN_NOPIN), "the sale's debit undone");
    }

    /**
     * A reversal whose DE 90 names another DE 7 than the sale of its STAN is not that sale's (the engine passes it
     * over): kept, answered 25, on a shared store too. The commit's check of kept reversals against originals matches
     * by the same rule, so it does not take that sale for one it raced with (which would decide it again and again,
     * and end 96).
     */
    @Test
    void aReversalNamingAnotherDe7IsKeptAndAnswered25() {
        startTwoNodes();
        IsoMessage sale = onA.sale(PAN_NOPIN, 4_567);
        assertEquals("00", onA.send(sale).getString(39));
        String otherDe7 = "0101000000".equals(sale.getString(7)) ? "0102000000" : "0101000000";
        IsoMessage reversal = onB.reversal(sale).set(90, "0200" + sale.getString(11) + otherDe7 + "0".repeat(22));
        IsoMessage answer = onB.send(reversal);
        assertEquals("25", answer.getString(39), () -> "another transaction's reversal: " + answer.getString(44));
    }

    /**
     * A kept reversal (25) refuses a late sale, refund or void of its STAN, and nothing else: a balance inquiry on that
     * STAN is answered as always on a shared store too (the commit's check matches the engine's rule, or it would be
     * decided again and again and end 96).
     */
    @Test
    void aBalanceInquiryOnTheStanOfAKeptReversalIsAnswered() {
        startTwoNodes();
        IsoMessage neverArrived = onA.sale(PAN_NOPIN, 5_678);
        assertEquals("25", onA.send(onA.reversal(neverArrived)).getString(39));
        String otherDe7 = "0101000000".equals(neverArrived.getString(7)) ? "0102000000" : "0101000000";
        IsoMessage balance = onB.balance(PAN_NOPIN).set(11, neverArrived.getString(11)).set(7, otherDe7);
        IsoMessage answer = onB.send(balance);
        assertEquals("00", answer.getString(39), () -> "a balance inquiry: " + answer.getString(44));
        assertEquals("12", onB.send(neverArrived).getString(39), "the late sale is refused");
    }

    /** A sale of TERM0003 and its reversal, one on each node, one of them held at its commit while the other is answered. */
    final class Race {
        final IsoMessage sale;
        final long before;
        IsoMessage otherAnswer;

        Race(long amount) {
            sale = onB.sale(PAN_NOPIN, amount);
            before = a.embeddedCardBalance(PAN_NOPIN);
        }

        /**
         * Sends {@code held} to {@code node}, holds its commit, has {@code other} answer {@code otherRequest} (expected
         * {@code otherCode}: the held one is not committed yet), then lets the commit go on and returns its answer.
         */
        IsoMessage heldWhileTheOtherAnswers(Gateway node, ControllableStore store, byte[] held, Gateway other,
                                            IsoMessage otherRequest, String otherCode) throws Exception {
            ControllableStore.Gate commit = store.holdNextApply();
            CompletableFuture<byte[]> answer = node.handle(held, "pos");
            assertTrue(commit.awaitEntered(Duration.ofSeconds(10)), "the held request never reached its commit");
            otherAnswer = TestPos.D.unpack(other.handle((other == a ? onA : onB).pack(otherRequest), "pos").get(10, TimeUnit.SECONDS));
            assertEquals(otherCode, otherAnswer.getString(39), "the other node's answer, before the held commit");
            commit.release();
            return TestPos.D.unpack(answer.get(10, TimeUnit.SECONDS));
        }
    }

    /** The sale's refundedAmount, its approved refund rows and the card all say {@code approved}. */
    void assertStoredAsAnswered(String saleRrn, long saleAmount, long approved) {
        assertEquals(approved, a.store().findByRrn(saleRrn).orElseThrow().refundedAmount(), "the sale's refundedAmount");
        assertEquals(approved, approvedRefundRows(saleRrn), "the approved refunds are the ones the store holds");
        assertEquals(10_000_000 - saleAmount + approved, a.embeddedCardBalance(PAN_NOPIN), "each approved refund credited once");
    }

    /**
     * Issue 13 items 1 and 4 on two nodes, made deterministic: node A decides a second refund while its first
     * one's commit is held (so on a working set that counts the first), node B refunds the whole sale meanwhile,
     * then A's first commit fails. A's second refund was decided on a state that never existed; today its change
     * set expects the sale row's next version, which B's refund happens to have written, so it commits over B's
     * and the sale is refunded 16,000 on 10,000 (the store says 10,000). Nothing decided on uncommitted state may
     * be committed or answered approved.
     */
    @Test
    void aRefundDecidedOnAFailedCommitsStateNeverOverwritesTheOtherNodesRefund() throws Exception {
        startTwoNodes();
        IsoMessage sale = onA.send(onA.sale(PAN_NOPIN, 10_000));
        assertEquals("00", sale.getString(39));
        String rrn = sale.getString(37);

        ControllableStore.Gate held = storeA.holdNextApply();
        CompletableFuture<byte[]> first = a.handle(onA.pack(onA.refund(PAN_NOPIN, 4_000, rrn)), "pos");
        assertTrue(held.awaitEntered(Duration.ofSeconds(10)), "A's first refund never reached its commit");
        CompletableFuture<byte[]> second = a.handle(onA.pack(onA.refund(PAN_NOPIN, 6_000, rrn)), "pos");
        onA.awaitEngineCaughtUp(); // A's engine has decided the second refund
        IsoMessage onTheOtherNode = onB.send(onB.refund(PAN_NOPIN, 10_000, rrn));
        held.fail();

        IsoMessage r1 = TestPos.D.unpack(first.get(10, TimeUnit.SECONDS));
        IsoMessage r2 = TestPos.D.unpack(second.get(10, TimeUnit.SECONDS));
        assertEquals("96", r1.getString(39));
        long approved = 0;
        if ("00".equals(r2.getString(39))) approved += 6_000;
        if ("00".equals(onTheOtherNode.getString(39))) approved += 10_000;
        assertTrue(approved <= 10_000, "refunds approved on a 10,000 sale: " + approved
                + " (A's second " + r2.getString(39) + ", B's " + onTheOtherNode.getString(39) + ")");
        assertStoredAsAnswered(rrn, 10_000, approved);
    }

    /**
     * A reversal answered 25 on one node (its original never came there) stops the late original on the other node
     * too (12 REVERSED_BEFORE_ARRIVAL). Before, only the node that took the reversal knew it: the other approved the
     * late sale, and the card was charged for a sale its terminal had reversed.
     */
    @Test
    void aReversalThatFoundNoOriginalOnOneNodeStopsTheLateOriginalOnTheOther() {
        startTwoNodes();
        long before = a.embeddedCardBalance(PAN_NOPIN);
        IsoMessage sale = onA.sale(PAN_NOPIN, 555);
        IsoMessage reversed = onB.send(onB.reversal(sale.copy()));
        assertEquals("25", reversed.getString(39));
        IsoMessage late = onA.send(sale.copy());
        assertEquals("12", late.getString(39), () -> "reason " + late.getString(44));
        assertEquals("REVERSED_BEFORE_ARRIVAL", late.getString(44));
        assertEquals(before, a.embeddedCardBalance(PAN_NOPIN), "the reversed sale charged the card");
        // and the other way round
        IsoMessage sale2 = onB.sale(PAN_NOPIN, 777);
        assertEquals("25", onA.send(onA.reversal(sale2.copy())).getString(39));
        IsoMessage late2 = onB.send(sale2.copy());
        assertEquals("REVERSED_BEFORE_ARRIVAL", late2.getString(44));
        assertEquals(before, b.embeddedCardBalance(PAN_NOPIN));
    }

    /**
     * A settlement on a node compares with the batch as the store has it: sales another node counted into the batch
     * since this node opened it are in the totals. Before, the node that settled kept its own copy of the new batch
     * (nothing in it) and answered 95 with zero totals to every later settlement of that terminal.
     */
    @Test
    void aSettlementComparesWithTheSalesTheOtherNodeCountedInTheBatch() {
        startTwoNodes();
        assertEquals("00", onB.send(onB.sale(PAN_NOPIN, 100)).getString(39));
        assertEquals("00", onB.send(onB.settlement(1, 100, 0, 0)).getString(39));
        for (int i = 0; i < 3; i++) {
            IsoMessage s = onA.send(onA.sale(PAN_NOPIN, 200));
            assertEquals("00", s.getString(39), () -> "reason " + s.getString(44));
        }
        IsoMessage settled = onB.send(onB.settlement(3, 600, 0, 0));
        assertEquals("00", settled.getString(39), () -> "reason " + settled.getString(44) + ", its totals: DE 76 "
                + settled.getString(76) + " DE 88 " + settled.getString(88));
    }

    /**
     * A settlement whose first decision agreed with this node's copy of the batch, and lost its race to a sale the
     * other node counted in it, is decided again and refused 95: its answer carries the batch as the store has it now.
     * It carried the batch of the lost decision, the terminal's own totals (a black-box audit: 7 of 19 such 95s).
     */
    @Test
    void aSettlementRefusedOnItsSecondDecisionCarriesTheTotalsThatRefusedIt() throws Exception {
        startTwoNodes();
        assertEquals("00", onA.send(onA.sale(PAN_NOPIN, 100)).getString(39));
        long lostBefore = a.engine().lostRaces();
        ControllableStore.Gate held = storeA.holdNextApply();
        CompletableFuture<byte[]> settling = a.handle(onA.pack(onA.settlement(1, 100, 0, 0)), "pos");
        assertTrue(held.awaitEntered(Duration.ofSeconds(10)), "the settlement never reached its commit");
        assertEquals("00", onB.send(onB.sale(PAN_NOPIN, 200)).getString(39), "counted in the batch meanwhile");
        held.release(); // its version check meets node B's sale
        IsoMessage refused = TestPos.D.unpack(settling.get(10, TimeUnit.SECONDS));
        assertEquals("95", refused.getString(39));
        assertEquals(lostBefore + 1, a.engine().lostRaces(), "node A's first decision lost its race (what this test is about)");
        assertEquals(2, Long.parseLong(refused.getString(76)), "the gateway's sale count, not the terminal's");
        assertEquals(300, Long.parseLong(refused.getString(88)), "the gateway's sale amount, not the terminal's");
        assertEquals(0, Long.parseLong(refused.getString(74)));
        assertEquals(0, Long.parseLong(refused.getString(86)));
        assertEquals("00", onA.send(onA.settlement(2, 300, 0, 0)).getString(39), "the totals it was given settle");
    }

    /**
     * A balance inquiry on a node shows the balance the store has, after another node's sale: an inquiry writes no
     * card row, so no version check would catch a stale copy. Before, it showed the balance from before the sale.
     */
    @Test
    void aBalanceInquiryShowsTheOtherNodesSale() {
        startTwoNodes();
        long first = Long.parseLong(onB.send(onB.balance(PAN_NOPIN)).getString(54).substring(8));
        assertEquals("00", onA.send(onA.sale(PAN_NOPIN, 4_321)).getString(39));
        IsoMessage after = onB.send(onB.balance(PAN_NOPIN));
        assertEquals("00", after.getString(39));
        assertEquals(first - 4_321, Long.parseLong(after.getString(54).substring(8)), "B's balance after A's sale");
    }
}
