package io.switchgate.route;

import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.policy.Codes;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SecurityModule;
import io.switchgate.store.ChangeSet;

import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The built-in issuer simulator: Luhn, known card, expiry, PIN (verified inside the security module:
 * the clear PIN never comes out), a PIN try counter, and balances that sales debit and refunds credit.
 * Runs on the engine thread, which owns the card book, so its read-modify-write needs no lock.
 */
public final class EmbeddedAuthorizer implements Authorizer {
    public static final String NAME = "embedded";

    /** Whether a record's {@code host} (the authorizer that decided it) names an upstream host, not this authorizer. */
    public static boolean isUpstreamHost(String authorizer) {
        return authorizer != null && !NAME.equals(authorizer);
    }
    static final int MAX_PIN_TRIES = 3;

    private final CardBook cards;
    private final SecurityModule security;

    public EmbeddedAuthorizer(CardBook cards, SecurityModule security) {
        this.cards = cards;
        this.security = security;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<AuthResult> authorize(AuthRequest r) {
        return CompletableFuture.completedFuture(decide(r));
    }

    AuthResult decide(AuthRequest r) {
        if (r.card() == null || !Luhn.valid(r.card().pan())) return AuthResult.decline(Codes.INVALID_CARD, "INVALID_CARD_NUMBER");
        CardAccount card = cards.find(r.panHash());
        if (card == null) return AuthResult.decline(Codes.INVALID_CARD, "UNKNOWN_CARD");
        if (r.type() != TxnType.REFUND && (expired(card.expiry(), r.now()) || expired(r.card().expiry(), r.now()))) {
            return AuthResult.decline(Codes.EXPIRED_CARD, "CARD_EXPIRED");
        }
        // The expiry the card presents (DE 14, or track 2) is the one on file: another is not this card.
        if (r.type() != TxnType.REFUND && r.card().expiry() != null && card.expiry() != null
                && !r.card().expiry().equals(card.expiry())) {
            return AuthResult.decline(Codes.EXPIRED_CARD, "EXPIRY_MISMATCH");
        }
        // A card locked by wrong PINs stays locked for every purchase, PIN or not, until the issuer resets it.
        if (r.type() != TxnType.REFUND && card.pinTries() >= MAX_PIN_TRIES) {
            return AuthResult.decline(Codes.PIN_TRIES_EXCEEDED, "PIN_TRIES_EXCEEDED");
        }
        if (r.type() != TxnType.REFUND && card.storedPin() != null && r.pinBlock() != null) {
            if (r.pinKey() == null) {
                // The terminal has no PIN key here (its keys were reset and it has not signed on since, or none was
                // configured): the PIN cannot be checked, which says nothing about the cardholder. Counted as a wrong
                // try, a right PIN locked the card for good (a black-box audit: 55, 55, 75 after a key reset).
                return AuthResult.decline(Codes.SYSTEM_MALFUNCTION, "NO_PIN_KEY");
            }
            boolean ok;
            try {
                ok = security.verifyPin(r.pinKey(), PinFormat.ISO0, r.pinBlock(), r.card().pan(),
                        HexFormat.of().parseHex(card.storedPin()));
            } catch (RuntimeException badBlock) {
                ok = false;
            }
            if (!ok) {
                CardAccount updated = card.withPinTries(card.pinTries() + 1, r.now());
                record(updated, r.changes());
                return updated.pinTries() >= MAX_PIN_TRIES
                        ? AuthResult.decline(Codes.PIN_TRIES_EXCEEDED, "PIN_TRIES_EXCEEDED")
                        : AuthResult.decline(Codes.INCORRECT_PIN, "INCORRECT_PIN");
            }
            if (card.pinTries() != 0) {
                // Reset and (below) debit in one version step: one change set moves a row one version.
                card = new CardAccount(card.panHash(), card.maskedPan(), card.expiry(), card.storedPin(), card.balance(), 0,
                        r.now(), card.version());
            }
        }
        switch (r.type()) {
            case BALANCE:
                if (card.pinTries() == 0 && cards.find(r.panHash()).pinTries() != 0) record(bump(card), r.changes());
                return new AuthResult(Codes.APPROVED, null, authCode(), card.balance());
            case SALE:
                if (r.amount() > card.balance()) {
                    if (card.pinTries() == 0 && cards.find(r.panHash()).pinTries() != 0) record(bump(card), r.changes());
                    return new AuthResult(Codes.INSUFFICIENT_FUNDS, "INSUFFICIENT_FUNDS", null, card.balance());
                }
                card = card.withBalance(card.balance() - r.amount(), r.now());
                record(card, r.changes());
                return new AuthResult(Codes.APPROVED, null, authCode(), card.balance());
            case REFUND:
                card = card.withBalance(card.balance() + r.amount(), r.now());
                record(card, r.changes());
                return new AuthResult(Codes.APPROVED, null, authCode(), card.balance());
            default:
                return AuthResult.decline(Codes.INVALID_TRANSACTION, "UNSUPPORTED_TYPE");
        }
    }

    @Override
    public CompletableFuture<AuthResult> undo(TxnRecord original, ChangeSet changes, Instant now) {
        CardAccount card = cards.find(original.panHash());
        if (card == null) return CompletableFuture.completedFuture(new AuthResult(Codes.APPROVED, null, null, null));
        long delta = switch (original.type()) {
            case SALE -> original.amount();
            case REFUND, VOID -> -original.amount();
            default -> 0;
        };
        if (delta != 0) {
            card = card.withBalance(card.balance() + delta, now);
            record(card, changes);
        }
        return CompletableFuture.completedFuture(new AuthResult(Codes.APPROVED, null, null, card.balance()));
    }

    private static CardAccount bump(CardAccount c) {
        return new CardAccount(c.panHash(), c.maskedPan(), c.expiry(), c.storedPin(), c.balance(), c.pinTries(), c.updatedAt(), c.version() + 1);
    }

    private void record(CardAccount updated, ChangeSet changes) {
        cards.put(updated);
        changes.removeCard(updated.panHash());
        changes.card(updated);
    }

    /** YYMM is valid through the end of that month. */
    static boolean expired(String yymm, Instant now) {
        if (yymm == null || yymm.length() != 4) return false;
        for (int i = 0; i < 4; i++) {
            char c = yymm.charAt(i);
            if (c < '0' || c > '9') return true; // not a date: refused as expired (read digit by digit: no substrings per sale)
        }
        int yy = (yymm.charAt(0) - '0') * 10 + (yymm.charAt(1) - '0');
        int mm = (yymm.charAt(2) - '0') * 10 + (yymm.charAt(3) - '0');
        if (mm < 1 || mm > 12) return true;
        // epoch day arithmetic: ZoneOffset.getRules() would build new zone rules on every call
        var today = java.time.LocalDate.ofEpochDay(Math.floorDiv(now.getEpochSecond(), 86_400L));
        int current = (today.getYear() % 100) * 100 + today.getMonthValue();
        return yy * 100 + mm < current;
    }

    private static String authCode() {
        int n = ThreadLocalRandom.current().nextInt(1_000_000);
        char[] c = new char[6];
        for (int i = 5; i >= 0; i--) {
            c[i] = (char) ('0' + n % 10);
            n /= 10;
        }
        return new String(c);
    }
}
