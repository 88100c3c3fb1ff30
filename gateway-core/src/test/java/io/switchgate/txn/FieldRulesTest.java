package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Contract section 4 "Field checks" and section 5 "Currency": DE 7, DE 14, DE 2 / DE 35, DE 49, the merchant's
 * currencies, refunds and voids in their original's currency, and a request expiry other than the card's. Bytes in,
 * bytes out through {@link Gateway#handle}, plus what the store shows.
 */
class FieldRulesTest {
    static final String MERCHANT_USD = MERCHANT2; // accepts 156 and 840 in this test's configuration

    MutableClock clock;
    Gateway gw;
    TestPos pos3;   // TERM0003, MERCHANT (accepts 156 only: the default)
    TestPos other;  // TERM0009, MERCHANT2 (accepts 156 and 840)

    String storeUrl() {
        return "memory:";
    }

    static GatewayConfig withCurrencies(GatewayConfig c) {
        List<GatewayConfig.Merchant> merchants = new ArrayList<>();
        for (GatewayConfig.Merchant m : c.merchants()) {
            merchants.add(m.id().equals(MERCHANT_USD) ? new GatewayConfig.Merchant(m.id(), m.status(), m.refund(), List.of("156", "840")) : m);
        }
        return new GatewayConfig(c.node(), c.listeners(), c.admin(), c.store(), c.security(), merchants, c.terminals(),
                c.routes(), c.hosts(), c.authorizer(), c.logging());
    }

    @BeforeEach
    void start() {
        clock = new MutableClock();
        gw = Gateway.start(withCurrencies(EngineFixture.config(storeUrl())), clock);
        pos3 = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
        other = new TestPos(gw, "TERM0009", MERCHANT_USD, null, TPK1);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    static void assertDecline(String code, String reason, IsoMessage r) {
        assertNotNull(r, "no response");
        assertEquals(code, r.getString(39), () -> "DE 44 " + r.getString(44));
        assertEquals(reason, r.getString(44));
    }

    // ------------------------------------------------------------------ DE 7, DE 14, DE 35

    @ParameterizedTest(name = "DE 7 {0}")
    @ValueSource(strings = {"0025120000", "1325120000", "0001120000", "0230120000", "0431120000", "1132120000",
            "1125240000", "1125126000", "1125120060"})
    void de7ThatIsNoDateTimeIs30(String de7) {
        pos3.de7 = de7;
        assertDecline("30", "BAD_FIELD_7", pos3.send(pos3.sale(PAN_NOPIN, 100)));
        assertEquals(10_000_000, gw.embeddedCardBalance(PAN_NOPIN));
    }

    @ParameterizedTest(name = "DE 7 {0}")
    @ValueSource(strings = {"0229235959", "0101000000", "1231235959", "0430120000"})
    void de7RealDateTimesAreAccepted(String de7) {
        pos3.de7 = de7;
        assertEquals("00", pos3.send(pos3.sale(PAN_NOPIN, 100)).getString(39));
    }

    @ParameterizedTest(name = "DE 14 {0}")
    @ValueSource(strings = {"2800", "2813", "2899"})
    void de14ThatIsNoYymmIs30(String de14) {
        assertDecline("30", "BAD_FIELD_14", pos3.send(pos3.sale(PAN_NOPIN, 100).set(14, de14)));
    }

    @ParameterizedTest(name = "track 2 {0}")
    @ValueSource(strings = {"D28131010000000000", "D28001010000000000", "D2", "D28", "D", "=2899101"})
    void withoutDe14TrackTwosExpiryMustBeARealYymm(String afterPan) {
        // contract section 4: DE 14 (or in 35) a real YYMM; a black-box audit found month 13 in track 2 answered 54
        // and a truncated or missing one approved
        assertDecline("30", "BAD_FIELD_35", pos3.send(trackOnlySale(afterPan)));
        assertEquals(10_000_000, gw.embeddedCardBalance(PAN_NOPIN));
    }

    @Test
    void trackTwosRealExpiryWithoutDe14IsApproved() {
        assertEquals("00", pos3.send(trackOnlySale("=2812101")).getString(39));
    }

    /** A sale whose card is track 2 alone: no DE 2, no DE 14. */
    private IsoMessage trackOnlySale(String afterPan) {
        IsoMessage m = pos3.sale(PAN_NOPIN, 100);
        m.unset(2);
        m.unset(14);
        return m.set(35, PAN_NOPIN + afterPan);
    }

    @Test
    void panOfDe35MustBeThePanOfDe2() {
        IsoMessage m = pos3.sale(PAN_NOPIN, 100).set(35, PAN + "D28121010000000000");
        assertDecline("30", "BAD_FIELD_35", pos3.send(m));
        assertEquals(10_000_000, gw.embeddedCardBalance(PAN_NOPIN));
        assertEquals(1_000_000, gw.embeddedCardBalance(PAN));
        IsoMessage same = pos3.sale(PAN_NOPIN, 100).set(35, PAN_NOPIN + "D28121010000000000");
        assertEquals("00", pos3.send(same).getString(39));
    }

    @Test
    void requestExpiryOtherThanTheCardsOnFileIs54() {
        IsoMessage r = pos3.send(pos3.sale(PAN_NOPIN, 100).set(14, "2912"));
        assertDecline("54", "EXPIRY_MISMATCH", r);
        assertDecline("54", "EXPIRY_MISMATCH", pos3.send(trackOnlySale("D29011010000000000")));
        assertEquals(10_000_000, gw.embeddedCardBalance(PAN_NOPIN));
        TxnRecord rec = gw.store().findByRrn(r.getString(37)).orElseThrow();
        assertEquals("54", rec.responseCode());
    }

    // ------------------------------------------------------------------ currency

    @ParameterizedTest(name = "DE 49 {0}")
    @ValueSource(strings = {"XYZ", "15A", " 56"})
    void de49NotThreeDigitsIs30(String de49) {
        IsoMessage r = pos3.send(pos3.sale(PAN_NOPIN, 100).set(49, de49));
        assertDecline("30", "BAD_FIELD_49", r);
        assertEquals(10_000_000, gw.embeddedCardBalance(PAN_NOPIN));
        assertNotNull(gw.store().findByRrn(r.getString(37)).orElseThrow());
    }

    @Test
    void currencyTheMerchantDoesNotAcceptIs12AndJournaled() {
        IsoMessage r = pos3.send(pos3.sale(PAN_NOPIN, 100).set(49, "840"));
        assertDecline("12", "CURRENCY_NOT_ACCEPTED", r);
        assertEquals(10_000_000, gw.embeddedCardBalance(PAN_NOPIN));
        TxnRecord rec = gw.store().findByRrn(r.getString(37)).orElseThrow();
        assertEquals("840", rec.currency());
        assertEquals("12", rec.responseCode());
        // the merchant that accepts 840 takes it
        IsoMessage usd = other.send(other.sale(PAN_NOPIN, 100).set(49, "840"));
        assertEquals("00", usd.getString(39));
        assertEquals("840", gw.store().findByRrn(usd.getString(37)).orElseThrow().currency());
        assertEquals(List.of("156", "840"), gw.store().findMerchant(MERCHANT_USD).orElseThrow().currencies());
        assertEquals(List.of("156"), gw.store().findMerchant(MERCHANT).orElseThrow().currencies());
    }

    @Test
    void refundAndVoidMustBeInTheOriginalsCurrency() {
        String sale = other.send(other.sale(PAN_NOPIN, 4_000)).getString(37);
        IsoMessage refund = other.send(other.refund(PAN_NOPIN, 1_000, sale).set(49, "840"));
        assertDecline("12", "CURRENCY_MISMATCH", refund);
        assertEquals(sale, gw.store().findByRrn(refund.getString(37)).orElseThrow().originalRrn());
        assertDecline("12", "CURRENCY_MISMATCH", other.send(other.voidOf(PAN_NOPIN, 4_000, sale).set(49, "840")));
        assertEquals(0, gw.store().findByRrn(sale).orElseThrow().refundedAmount());
        assertEquals(10_000_000 - 4_000, gw.embeddedCardBalance(PAN_NOPIN));
        // in its own currency: approved
        assertEquals("00", other.send(other.refund(PAN_NOPIN, 1_000, sale)).getString(39));
        assertEquals(1_000, gw.store().findByRrn(sale).orElseThrow().refundedAmount());

        String usdSale = other.send(other.sale(PAN_NOPIN, 3_000).set(49, "840")).getString(37);
        // refused before the sale is looked at (a currency the merchant takes not at all): the record names it all the same
        IsoMessage eur = other.send(other.refund(PAN_NOPIN, 1_000, sale).set(49, "978"));
        assertDecline("12", "CURRENCY_NOT_ACCEPTED", eur);
        assertEquals(sale, gw.store().findByRrn(eur.getString(37)).orElseThrow().originalRrn());
        assertDecline("12", "CURRENCY_MISMATCH", other.send(other.voidOf(PAN_NOPIN, 3_000, usdSale)));
        assertEquals("00", other.send(other.voidOf(PAN_NOPIN, 3_000, usdSale).set(49, "840")).getString(39));
    }
}
