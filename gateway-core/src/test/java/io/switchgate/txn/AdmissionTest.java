package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnType;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/** What {@link Admission} finds from the request alone, before the engine thread sees it. */
class AdmissionTest {
    static final Dialect D = Dialect.named("iso87binary");

    static Request request(IsoMessage m) {
        return new Request(m, D.pack(m), D, new CompletableFuture<>());
    }

    static IsoMessage sale() {
        return new IsoMessage("0200").dialect(D).set(2, "6212345678901232").set(3, "000000").set(4, "000000001000")
                .set(7, "1206101010").set(11, "000001").set(41, "TERM0001").set(42, "MERCHANT0000001");
    }

    @Test
    void aWellFormedSaleIsClassifiedAndHasNoDecline() {
        Request r = request(sale());
        assertTrue(Admission.check(r));
        assertEquals(TxnType.SALE, r.type);
        assertNull(r.formatDecline);
    }

    @Test
    void aResponseMtiIsNoRequest() {
        Request r = request(sale().setMti("0210"));
        assertFalse(Admission.check(r));
        assertFalse(Admission.check(r), "the same answer when the engine asks again");
    }

    @Test
    void whatTheFormatEarnsIsKeptForTheEngineToAnswer() {
        Request noProcessingCode = request(sale().unset(3));
        assertTrue(Admission.check(noProcessingCode));
        assertEquals("30", noProcessingCode.formatDecline.code());
        assertEquals("MISSING_FIELD_3", noProcessingCode.formatDecline.reason());

        Request unsupported = request(sale().setMti("0100"));
        assertTrue(Admission.check(unsupported));
        assertEquals("12", unsupported.formatDecline.code());
        assertEquals("UNSUPPORTED_MESSAGE", unsupported.formatDecline.reason());

        Request noAmount = request(sale().unset(4));
        assertTrue(Admission.check(noAmount));
        assertEquals("MISSING_FIELD_4", noAmount.formatDecline.reason());

        Request badDate = request(sale().set(7, "1332101010"));
        assertTrue(Admission.check(badDate));
        assertEquals("BAD_FIELD_7", badDate.formatDecline.reason());
    }

    @Test
    void itRunsOncePerRequest() {
        Request r = request(sale());
        assertTrue(Admission.check(r));
        r.type = TxnType.REFUND; // as if decided on: a second look changes nothing
        assertTrue(Admission.check(r));
        assertEquals(TxnType.REFUND, r.type);
    }
}
