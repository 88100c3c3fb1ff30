package io.switchgate.server.terminal;

/**
 * What a simulated terminal reads from a card.
 *
 * @param pan    the card number (never printed in full)
 * @param expiry YYMM, may be null
 * @param pin    the cardholder's PIN as typed, or null (no DE 52)
 */
public record Card(String pan, String expiry, String pin) {

    /** The main demo card of config/gateway.yaml. */
    public static final Card DEMO = new Card("6212345678901232", "2812", "1234");

    /** The card number as it may be shown: first 6 + last 4 (PanMask). */
    public String masked() {
        return io.switchgate.iso.PanMask.mask(pan);
    }

    public Card withPin(String newPin) {
        return new Card(pan, expiry, newPin);
    }

    @Override
    public String toString() {
        return "Card[" + masked() + "]";
    }
}
