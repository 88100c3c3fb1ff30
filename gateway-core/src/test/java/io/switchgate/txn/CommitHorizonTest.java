package io.switchgate.txn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommitHorizonTest {

    @Test
    void nothingIsKnownCompleteBeforeTheFirstClose() {
        CommitHorizon h = new CommitHorizon();
        assertEquals(Long.MIN_VALUE, h.completeBeforeMillis());
        assertEquals(1_000, h.advance(1_000), "no commit was submitted before the first close");
    }

    @Test
    void anEpochCountsOnlyOnceEveryEarlierOneHasNoCommitInFlight() {
        CommitHorizon h = new CommitHorizon();
        int first = h.submitted();
        assertEquals(Long.MIN_VALUE, h.advance(1_000), "the epoch closed at 1,000 still has a commit in flight");
        int second = h.submitted();
        h.completed(second); // out of order: a later commit completes first
        assertEquals(Long.MIN_VALUE, h.advance(2_000), "an earlier epoch still waits");
        h.completed(first);
        assertEquals(3_000, h.advance(3_000), "every epoch closed by then is complete");
    }

    @Test
    void theHorizonFollowsTheOldestCommitInFlight() {
        CommitHorizon h = new CommitHorizon();
        h.advance(1_000);
        int a = h.submitted();
        assertEquals(1_000, h.advance(2_000));
        int b = h.submitted();
        assertEquals(1_000, h.advance(3_000));
        h.completed(a);
        assertEquals(2_000, h.advance(4_000), "the epoch of b (closed at 3,000) still waits");
        h.completed(b);
        assertEquals(5_000, h.advance(5_000));
    }

    @Test
    void withEverySlotWaitingTheOpenEpochGoesOnAndNothingIsLost() {
        CommitHorizon h = new CommitHorizon();
        int stuck = h.submitted();
        for (int i = 1; i <= 1_000; i++) {
            assertEquals(Long.MIN_VALUE, h.advance(i));
            h.submitted(); // one in flight in every epoch after the first, never completed
        }
        h.completed(stuck);
        assertEquals(1, h.advance(2_000), "the first epoch, closed at 1, is complete; the next one is not");
    }
}
