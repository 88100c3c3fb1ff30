package io.switchgate.txn;

import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import io.switchgate.route.AuthRequest;
import io.switchgate.route.AuthResult;
import io.switchgate.route.Authorizer;
import io.switchgate.store.ChangeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A request whose decision fails with an exception nobody foresaw (here: an authorizer that throws, as a host whose
 * messages cannot be packed did) is still answered as every request that reached the engine is: {@code 96
 * SYSTEM_ERROR} with an RRN in DE 37, journaled; and the gateway goes on deciding.
 */
class EngineFailureTest {
    /** An authorizer with a bug: it throws instead of answering. */
    static final class ThrowingHost implements Authorizer {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public CompletableFuture<AuthResult> authorize(AuthRequest request) {
            throw new IllegalStateException("cannot pack the host's request");
        }

        @Override
        public CompletableFuture<AuthResult> undo(TxnRecord original, ChangeSet changes, Instant now) {
            throw new IllegalStateException("cannot pack the host's reversal");
        }

        @Override
        public CompletableFuture<Void> reverseUncommitted(AuthRequest request, AuthResult approval, String why) {
            return CompletableFuture.completedFuture(null);
        }
    }

    Gateway gw;
    TestPos pos;

    @BeforeEach
    void start() {
        gw = Gateway.start(MoneySafetyTest.routedTo(EngineFixture.config("memory:"), "broken"), new MutableClock(),
                (c, s, st) -> List.of(new ThrowingHost()));
        pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    IsoMessage send(IsoMessage m) throws Exception {
        return TestPos.D.unpack(gw.handle(pos.pack(m), "pos").get(10, TimeUnit.SECONDS));
    }

    @Test
    void aFailedDecisionIsAnswered96WithAnRrnAndJournaled() throws Exception {
        IsoMessage sale = pos.sale(PAN_NOPIN, 100);
        IsoMessage r = send(sale);
        assertEquals("96", r.getString(39));
        assertEquals("SYSTEM_ERROR", r.getString(44));
        String rrn = r.getString(37);
        assertNotNull(rrn, "DE 37 on every response (contract section 4)");
        TxnRecord rec = gw.store().findByRrn(rrn).orElseThrow();
        assertEquals("96", rec.responseCode());
        assertEquals(sale.getString(11), rec.stan());

        IsoMessage again = send(sale);
        assertEquals("96", again.getString(39), "its retransmission hears the same answer");
        assertEquals(rrn, again.getString(37));

        IsoMessage next = send(pos.sale(PAN_NOPIN, 101));
        assertEquals("96", next.getString(39), "the engine goes on");
        assertNotEquals(rrn, next.getString(37));
    }
}
