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
        int first = h.submitted(500);
        assertEquals(Long.MIN_VALUE, h.advance(1_000), "the epoch closed at 1,000 still has a commit in flight");
        int second = h.submitted(1_500);
        h.completed(second); // out of order: a later commit completes first
        assertEquals(Long.MIN_VALUE, h.advance(2_000), "an earlier epoch still waits");
        assertEquals(1, h.inFlight());
        h.completed(first);
        assertEquals(0, h.inFlight());
        assertEquals(3_000, h.advance(3_000), "every epoch closed by then is complete");
    }

    @Test
    void theHorizonFollowsTheOldestCommitInFlight() {
        CommitHorizon h = new CommitHorizon();
        h.advance(1_000);
        int a = h.submitted(1_500);
        assertEquals(1_000, h.advance(2_000));
        int b = h.submitted(2_500);
        assertEquals(1_000, h.advance(3_000));
        h.completed(a);
        assertEquals(2_000, h.advance(4_000), "the epoch of b (closed at 3,000) still waits");
        h.completed(b);
        assertEquals(5_000, h.advance(5_000));
    }

    @Test
    void aClockThatStepsBackCannotPutTheHorizonAfterARowWhoseCommitIsInFlight() {
        CommitHorizon h = new CommitHorizon();
        assertEquals(10_000, h.advance(10_000));
        // the system clock steps back 5 s: the next decision's rows carry 5,200, before the close at 10,000
        int inFlight = h.submitted(5_200);
        assertEquals(5_200, h.advance(5_300), "not 10,000: a row stamped 5,200 must stay while its commit is in flight");
        h.completed(inFlight);
        assertEquals(6_300, h.advance(6_300), "then the closes count again, on the clock as it now reads");
    }

    @Test
    void withEverySlotWaitingTheOpenEpochGoesOnAndNothingIsLost() {
        CommitHorizon h = new CommitHorizon();
        int stuck = h.submitted(0);
        for (int i = 1; i <= 1_000; i++) {
            assertEquals(Long.MIN_VALUE, h.advance(i), "nothing is complete while the first epoch waits");
            h.submitted(i); // one in flight in every epoch after the first, never completed
        }
        h.completed(stuck);
        assertEquals(1, h.advance(2_000), "the first epoch, closed at 1, is complete; the next one is not");
    }
}
