package io.switchgate.route;

import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.store.ChangeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddedAuthorizerTest {
    static final SoftwareSecurityModule HSM = SoftwareSecurityModule.fromHex("0123456789ABCDEFFEDCBA9876543210");
    static final KeyHandle TPK = HSM.importClear(KeyType.TPK, HexFormat.of().parseHex("EC3D756DD35498A8DC2FCDA875D358FD"));
    static final KeyHandle OTHER_TPK = HSM.importClear(KeyType.TPK, HexFormat.of().parseHex("0123456789ABCDEF0123456789ABCDEF"));
    static final String STORED_PIN_1234 = HexFormat.of().formatHex(HSM.encryptPinForStorage("1234"));

    static final String PAN = "6212345678901232";
    static final String NO_PIN_PAN = "4111111111111111";
    static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");

    /** The card book: a map, as the engine's working set would be. */
    static final class MapCardBook implements CardBook {
        final Map<String, CardAccount> cards = new HashMap<>();

        @Override
        public CardAccount find(String panHash) {
            return cards.get(panHash);
        }

        @Override
        public void put(CardAccount updated) {
            cards.put(updated.panHash(), updated);
        }
    }

    MapCardBook book;
    EmbeddedAuthorizer auth;
    ChangeSet changes;

    static String hash(String pan) {
        return "h:" + pan;
    }

    static CardAccount card(String pan, String expiry, String storedPin, long balance, int tries, long version) {
        return new CardAccount(hash(pan), pan.substring(0, 6) + "******" + pan.substring(pan.length() - 4), expiry, storedPin,
                balance, tries, NOW.minusSeconds(3600), version);
    }

    @BeforeEach
    void setUp() {
        book = new MapCardBook();
        auth = new EmbeddedAuthorizer(book, HSM);
        changes = new ChangeSet();
        book.put(card(PAN, "2812", STORED_PIN_1234, 100_000, 0, 5));
        book.put(card(NO_PIN_PAN, "2812", null, 50_000, 0, 3));
    }

    static byte[] pinBlock(String pin, String pan) {
        return HSM.encryptPinBlock(TPK, PinFormat.ISO0, pin, pan);
    }

    AuthResult send(TxnType type, String pan, String requestExpiry, long amount, String pin, Instant now) {
        byte[] block = pin == null ? null : pinBlock(pin, pan);
        return send(type, CardData.from(pan, null, requestExpiry), hash(pan), amount, block, TPK, now);
    }

    AuthResult send(TxnType type, CardData card, String panHash, long amount, byte[] pinBlock, KeyHandle key, Instant now) {
        return auth.authorize(new AuthRequest(type, card, panHash, amount, "156", pinBlock, key, "TERM0001",
                "MERCHANT0000001", "000123", "010000000001", changes, now, null)).join();
    }

    AuthResult sale(long amount, String pin) {
        return send(TxnType.SALE, PAN, null, amount, pin, NOW);
    }

    CardAccount stored() {
        return book.find(hash(PAN));
    }

    static void assertCode(AuthResult r, String code, String reason) {
        assertEquals(code, r.code(), () -> "result " + r);
        assertEquals(reason, r.reason());
        if ("00".equals(code)) {
            assertTrue(r.approved());
            assertNotNull(r.authCode());
            assertTrue(r.authCode().matches("\\d{6}"), r.authCode());
        } else {
            assertFalse(r.approved());
            assertNull(r.authCode());
        }
    }

    /** The one card row this change set carries, with its version exactly one above {@code fromVersion}. */
    CardAccount onlyChange(long fromVersion) {
        assertEquals(1, changes.cards.size(), "exactly one card row in the change set");
        CardAccount c = changes.cards.get(0);
        assertEquals(fromVersion + 1, c.version(), "exactly one version step");
        assertEquals(c, book.find(c.panHash()), "the card book holds what the change set commits");
        return c;
    }

    @Test
    void nameIsEmbedded() {
        assertEquals("embedded", auth.name());
    }

    // ---------------------------------------------------------------- card number

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = {"SALE", "BALANCE", "REFUND"})
    void luhnInvalidIs14EvenIfTheBookKnowsTheHash(TxnType type) {
        String bad = "6212345678901233";
        book.put(card(bad, "2812", null, 100_000, 0, 1));
        assertCode(send(type, bad, null, 100, null, NOW), "14", "INVALID_CARD_NUMBER");
        assertTrue(changes.isEmpty());
    }

    @Test
    void noCardDataIs14() {
        assertCode(send(TxnType.SALE, null, hash(PAN), 100, null, TPK, NOW), "14", "INVALID_CARD_NUMBER");
    }

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = {"SALE", "BALANCE", "REFUND"})
    void unknownCardIs14(TxnType type) {
        assertCode(send(type, "5555555555554444", null, 100, null, NOW), "14", "UNKNOWN_CARD");
        assertTrue(changes.isEmpty());
    }

    // ---------------------------------------------------------------- expiry

    /**
     * card record expiry | request expiry (DE 14 / track) | now -> code, reason. YYMM is valid through the end of its
     * month (UTC). A request expiry other than the card's on file is not this card: 54 EXPIRY_MISMATCH.
     */
    @ParameterizedTest(name = "card {0}, request {1}, at {2} -> {3} {4}")
    @CsvSource(nullValues = "null", value = {
            "2812, null, 2028-12-31T23:59:59.999Z, 00, null",
            "2812, null, 2029-01-01T00:00:00Z,     54, CARD_EXPIRED",
            "2812, 2812, 2028-12-31T23:59:59Z,     00, null",
            "2812, 2812, 2029-01-01T00:00:00Z,     54, CARD_EXPIRED",
            "2506, null, 2025-06-30T23:59:59Z,     00, null",    // end of month
            "2506, null, 2025-07-01T00:00:00Z,     54, CARD_EXPIRED",
            "2502, null, 2025-02-28T23:59:59Z,     00, null",
            "2502, null, 2025-03-01T00:00:00Z,     54, CARD_EXPIRED",
            "2812, 2506, 2025-06-30T23:59:59Z,     54, EXPIRY_MISMATCH",  // not expired, but not the card on file
            "2812, 2912, 2025-06-15T12:00:00Z,     54, EXPIRY_MISMATCH",  // a later expiry than on file
            "2812, 2506, 2025-07-01T00:00:00Z,     54, CARD_EXPIRED",     // request expiry counts too
            "2812, 2401, 2025-06-15T12:00:00Z,     54, CARD_EXPIRED",     // card record still valid, the card presented is not
            "2401, 2812, 2025-06-15T12:00:00Z,     54, CARD_EXPIRED",     // the presented card claims later than the issuer's record
            "2812, 2813, 2025-06-15T12:00:00Z,     54, CARD_EXPIRED",     // month 13: not a date
            "2812, 2800, 2025-06-15T12:00:00Z,     54, CARD_EXPIRED",     // month 00
            "2812, 28AB, 2025-06-15T12:00:00Z,     54, CARD_EXPIRED",     // not digits
    })
    void expiry(String cardExpiry, String requestExpiry, Instant now, String code, String reason) {
        book.put(card(PAN, cardExpiry, STORED_PIN_1234, 100_000, 0, 5));
        AuthResult r = send(TxnType.SALE, PAN, requestExpiry, 100, "1234", now);
        assertEquals(code, r.code(), () -> "result " + r);
        assertEquals(reason, r.reason());
        if (code.equals("54")) assertTrue(changes.isEmpty());
    }

    @Test
    void balanceInquiryOnExpiredCardIs54() {
        book.put(card(PAN, "2401", STORED_PIN_1234, 100_000, 0, 5));
        assertCode(send(TxnType.BALANCE, PAN, null, 0, "1234", NOW), "54", "CARD_EXPIRED");
    }

    @Test
    void expiredIsCheckedBeforeThePinSoAWrongPinOnAnExpiredCardCostsNoTry() {
        book.put(card(PAN, "2401", STORED_PIN_1234, 100_000, 0, 5));
        assertCode(sale(100, "9999"), "54", "CARD_EXPIRED");
        assertEquals(0, stored().pinTries());
        assertTrue(changes.isEmpty());
    }

    @Test
    void refundToAnExpiredCardIsCreditedWithoutPinCheck() {
        // money going back to the cardholder is not refused for expiry (nor for the PIN)
        book.put(card(PAN, "2401", STORED_PIN_1234, 100_000, 0, 5));
        AuthResult r = send(TxnType.REFUND, PAN, "2401", 2_500, "9999", NOW);
        assertCode(r, "00", null);
        assertEquals(102_500L, r.balance());
        assertEquals(0, onlyChange(5).pinTries());
    }

    // ---------------------------------------------------------------- PIN

    @Test
    void correctPinApproves() {
        assertCode(sale(1_000, "1234"), "00", null);
    }

    @Test
    void wrongPinIs55AndCountsOneTryInOneVersionStep() {
        AuthResult r = sale(1_000, "4321");
        assertCode(r, "55", "INCORRECT_PIN");
        CardAccount c = onlyChange(5);
        assertEquals(1, c.pinTries());
        assertEquals(100_000, c.balance(), "a wrong PIN moves no money");
        assertEquals(NOW, c.updatedAt());
    }

    @Test
    void thirdWrongPinInARowIs75AndTheCardStays75EvenWithTheRightPin() {
        String[] expect = {"55", "55", "75", "75", "75"};
        String[] pins = {"0000", "1111", "2222", "3333", "1234"};
        for (int i = 0; i < pins.length; i++) {
            changes = new ChangeSet();
            long before = stored().version();
            AuthResult r = sale(1_000, pins[i]);
            assertEquals(expect[i], r.code(), "attempt " + (i + 1));
            assertEquals(expect[i].equals("55") ? "INCORRECT_PIN" : "PIN_TRIES_EXCEEDED", r.reason());
            if (i < 3) {
                assertEquals(i + 1, onlyChange(before).pinTries());
            } else {
                assertTrue(changes.isEmpty(), "a blocked card records nothing more (attempt " + (i + 1) + ")");
                assertEquals(3, stored().pinTries());
            }
        }
        assertEquals(100_000, stored().balance());
    }

    @Test
    void blockedCardIs75ForBalanceInquiryToo() {
        book.put(card(PAN, "2812", STORED_PIN_1234, 100_000, 3, 9));
        assertCode(send(TxnType.BALANCE, PAN, null, 0, "1234", NOW), "75", "PIN_TRIES_EXCEEDED");
        assertTrue(changes.isEmpty());
    }

    @ParameterizedTest(name = "{0} earlier wrong tries")
    @CsvSource({"1", "2"})
    void correctPinResetsTheCounterAndDebitsInOneVersionStep(int tries) {
        book.put(card(PAN, "2812", STORED_PIN_1234, 100_000, tries, 7));
        AuthResult r = sale(2_500, "1234");
        assertCode(r, "00", null);
        assertEquals(97_500L, r.balance());
        CardAccount c = onlyChange(7);
        assertEquals(0, c.pinTries());
        assertEquals(97_500, c.balance());
    }

    @Test
    void correctPinOnBalanceInquiryResetsTheCounterInOneVersionStep() {
        book.put(card(PAN, "2812", STORED_PIN_1234, 100_000, 2, 7));
        AuthResult r = send(TxnType.BALANCE, PAN, null, 0, "1234", NOW);
        assertCode(r, "00", null);
        assertEquals(100_000L, r.balance());
        CardAccount c = onlyChange(7);
        assertEquals(0, c.pinTries());
        assertEquals(100_000, c.balance());
    }

    @Test
    void correctPinThenInsufficientFundsStillResetsTheCounterInOneVersionStep() {
        book.put(card(PAN, "2812", STORED_PIN_1234, 1_000, 1, 7));
        AuthResult r = sale(1_001, "1234");
        assertCode(r, "51", "INSUFFICIENT_FUNDS");
        CardAccount c = onlyChange(7);
        assertEquals(0, c.pinTries());
        assertEquals(1_000, c.balance());
    }

    @Test
    void wrongPinIsCheckedBeforeFunds() {
        assertCode(sale(1_000_000, "9999"), "55", "INCORRECT_PIN");
    }

    @Test
    void afterAResetTheCountStartsAgain() {
        sale(100, "0000");
        sale(100, "0000");
        changes = new ChangeSet();
        assertCode(sale(100, "1234"), "00", null);
        assertEquals(0, stored().pinTries());
        assertEquals("55", sale(100, "0000").code());
        assertEquals("55", sale(100, "0000").code());
        assertEquals("75", sale(100, "0000").code());
    }

    @Test
    void pinBlockUnderAnotherKeyIsAWrongPin() {
        byte[] block = HSM.encryptPinBlock(OTHER_TPK, PinFormat.ISO0, "1234", PAN);
        assertCode(send(TxnType.SALE, CardData.from(PAN, null, null), hash(PAN), 100, block, TPK, NOW), "55", "INCORRECT_PIN");
        assertEquals(1, onlyChange(5).pinTries());
    }

    @Test
    void pinBlockBuiltForAnotherPanIsAWrongPin() {
        byte[] block = pinBlock("1234", "4111111111111111");
        assertCode(send(TxnType.SALE, CardData.from(PAN, null, null), hash(PAN), 100, block, TPK, NOW), "55", "INCORRECT_PIN");
    }

    @ParameterizedTest
    @CsvSource({"0000000000000000", "FFFFFFFFFFFFFFFF", "00", "0011223344556677889900"})
    void garbagePinBlockIsAWrongPinNotACrash(String hex) {
        byte[] block = HexFormat.of().parseHex(hex);
        assertCode(send(TxnType.SALE, CardData.from(PAN, null, null), hash(PAN), 100, block, TPK, NOW), "55", "INCORRECT_PIN");
        assertEquals(1, onlyChange(5).pinTries());
    }

    /** Nothing here can check the PIN: not the cardholder's wrong try, so nothing is counted (a black-box audit). */
    @Test
    void pinBlockWithoutAPinKeyIsRefused96AndNotCounted() {
        assertCode(send(TxnType.SALE, CardData.from(PAN, null, null), hash(PAN), 100, pinBlock("1234", PAN), null, NOW),
                "96", "NO_PIN_KEY");
        assertTrue(changes.isEmpty(), "no PIN try counted: " + changes);
    }

    @Test
    void noPinCardWithoutPinBlockIsApproved() {
        AuthResult r = send(TxnType.SALE, NO_PIN_PAN, null, 5_000, null, NOW);
        assertCode(r, "00", null);
        assertEquals(45_000L, r.balance());
    }

    @Test
    void noPinCardIgnoresAPinBlock() {
        assertCode(send(TxnType.SALE, NO_PIN_PAN, null, 5_000, "9999", NOW), "00", null);
        assertEquals(0, book.find(hash(NO_PIN_PAN)).pinTries());
    }

    @Test
    void pinCardWithoutPinBlockIsNotPinChecked() {
        // Pinned current behaviour: without DE 52 no PIN is verified (no-CVM); see the report.
        assertCode(sale(1_000, null), "00", null);
    }

    // ---------------------------------------------------------------- money

    @ParameterizedTest(name = "balance 1000, sale {0} -> {1}")
    @CsvSource({"1, 00", "999, 00", "1000, 00", "1001, 51", "1000000, 51"})
    void insufficientFunds(long amount, String code) {
        book.put(card(PAN, "2812", STORED_PIN_1234, 1_000, 0, 5));
        AuthResult r = sale(amount, "1234");
        assertEquals(code, r.code());
        if (code.equals("51")) {
            assertCode(r, "51", "INSUFFICIENT_FUNDS");
            assertEquals(1_000L, r.balance());
            assertTrue(changes.isEmpty(), "a decline with no PIN counter to reset changes nothing");
            assertEquals(1_000, stored().balance());
        } else {
            assertEquals(1_000 - amount, r.balance());
            assertEquals(1_000 - amount, onlyChange(5).balance());
        }
    }

    @Test
    void saleDebits() {
        AuthResult r = sale(2_500, "1234");
        assertCode(r, "00", null);
        assertEquals(97_500L, r.balance());
        CardAccount c = onlyChange(5);
        assertEquals(97_500, c.balance());
        assertEquals(NOW, c.updatedAt());
    }

    @Test
    void refundCredits() {
        AuthResult r = send(TxnType.REFUND, PAN, null, 2_500, null, NOW);
        assertCode(r, "00", null);
        assertEquals(102_500L, r.balance());
        assertEquals(102_500, onlyChange(5).balance());
    }

    @Test
    void refundOfABlockedPinCardIsCredited() {
        book.put(card(PAN, "2812", STORED_PIN_1234, 100_000, 3, 9));
        assertCode(send(TxnType.REFUND, PAN, null, 2_500, "0000", NOW), "00", null);
        assertEquals(3, onlyChange(9).pinTries());
    }

    @Test
    void balanceInquiryReportsAndChangesNothing() {
        AuthResult r = send(TxnType.BALANCE, PAN, null, 0, "1234", NOW);
        assertCode(r, "00", null);
        assertEquals(100_000L, r.balance());
        assertTrue(changes.isEmpty());
        assertEquals(5, stored().version());
    }

    @ParameterizedTest
    @EnumSource(value = TxnType.class, names = {"VOID", "REVERSAL", "SETTLEMENT", "ECHO", "SIGNON"})
    void otherTypesAreNotAuthorized(TxnType type) {
        assertCode(send(type, NO_PIN_PAN, null, 100, null, NOW), "12", "UNSUPPORTED_TYPE");
        assertTrue(changes.isEmpty());
    }

    @Test
    void successiveSalesEachDebit() {
        assertEquals(90_000L, sale(10_000, "1234").balance());
        changes = new ChangeSet();
        assertEquals(60_000L, sale(30_000, "1234").balance());
        assertEquals(60_000, onlyChange(6).balance());
        changes = new ChangeSet();
        assertCode(sale(60_001, "1234"), "51", "INSUFFICIENT_FUNDS");
    }

    // ---------------------------------------------------------------- undo

    static TxnRecord original(TxnType type, String pan, long amount) {
        return new TxnRecord("010000000001", "01", type, "0200", "000000", "TERM0001", "MERCHANT0000001", "000123",
                "0615120000", "k", "fp", amount, "156", hash(pan), "621234******1232", "00", null, "123456",
                TxnStatus.APPROVED, 0, null, null, 7, "embedded", null, null, NOW, NOW, 1);
    }

    @ParameterizedTest(name = "undo {0} of 2500 -> balance {1}")
    @CsvSource({"SALE, 102500", "REFUND, 97500", "VOID, 97500"})
    void undoMovesTheMoneyBackInOneVersionStep(TxnType type, long balance) {
        AuthResult r = auth.undo(original(type, PAN, 2_500), changes, NOW).join();
        assertEquals("00", r.code());
        assertEquals(balance, r.balance());
        CardAccount c = onlyChange(5);
        assertEquals(balance, c.balance());
        assertEquals(0, c.pinTries());
    }

    @Test
    void saleThenUndoRestoresTheBalance() {
        sale(2_500, "1234");
        changes = new ChangeSet();
        auth.undo(original(TxnType.SALE, PAN, 2_500), changes, NOW).join();
        assertEquals(100_000, onlyChange(6).balance());
    }

    @Test
    void refundThenUndoRestoresTheBalance() {
        send(TxnType.REFUND, PAN, null, 4_000, null, NOW);
        changes = new ChangeSet();
        auth.undo(original(TxnType.REFUND, PAN, 4_000), changes, NOW).join();
        assertEquals(100_000, onlyChange(6).balance());
    }

    @Test
    void undoOfABalanceInquiryChangesNothing() {
        AuthResult r = auth.undo(original(TxnType.BALANCE, PAN, 0), changes, NOW).join();
        assertEquals("00", r.code());
        assertEquals(100_000L, r.balance());
        assertTrue(changes.isEmpty());
    }

    @Test
    void undoForACardNoLongerInTheBookIsApprovedAndChangesNothing() {
        AuthResult r = auth.undo(original(TxnType.SALE, "5555555555554444", 2_500), changes, NOW).join();
        assertEquals("00", r.code());
        assertNull(r.balance());
        assertTrue(changes.isEmpty());
    }

    @Test
    void undoIgnoresPinTriesAndExpiry() {
        book.put(card(PAN, "2001", STORED_PIN_1234, 100_000, 3, 9));
        AuthResult r = auth.undo(original(TxnType.SALE, PAN, 2_500), changes, NOW).join();
        assertEquals("00", r.code());
        CardAccount c = onlyChange(9);
        assertEquals(102_500, c.balance());
        assertEquals(3, c.pinTries());
    }

    @Test
    void anExpiryIsFourDigitsValidThroughTheEndOfItsMonth() {
        java.time.Instant june = java.time.Instant.parse("2025-06-30T23:59:59Z");
        assertFalse(EmbeddedAuthorizer.expired("2506", june));
        assertTrue(EmbeddedAuthorizer.expired("2505", june));
        assertFalse(EmbeddedAuthorizer.expired("2601", june));
        assertTrue(EmbeddedAuthorizer.expired("2513", june), "month 13");
        assertTrue(EmbeddedAuthorizer.expired("2500", june), "month 0");
        assertTrue(EmbeddedAuthorizer.expired("+1 2", june), "not digits");
        assertTrue(EmbeddedAuthorizer.expired("25a6", june));
        assertFalse(EmbeddedAuthorizer.expired(null, june), "none given: nothing to check");
    }
}
