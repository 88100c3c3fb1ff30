package io.switchgate.model;

import java.time.Instant;

/**
 * A card of the embedded authorizer. {@code storedPin} is the PIN encrypted under the master key
 * (hex, as the security module gives it), or null for a card without a PIN.
 *
 * @param expiry YYMM
 */
public record CardAccount(
        String panHash,
        String maskedPan,
        String expiry,
        String storedPin,
        long balance,
        int pinTries,
        Instant updatedAt,
        long version) implements java.io.Serializable {

    public CardAccount withBalance(long newBalance, Instant at) {
        return new CardAccount(panHash, maskedPan, expiry, storedPin, newBalance, pinTries, at, version + 1);
    }

    public CardAccount withPinTries(int tries, Instant at) {
        return new CardAccount(panHash, maskedPan, expiry, storedPin, balance, tries, at, version + 1);
    }
}
