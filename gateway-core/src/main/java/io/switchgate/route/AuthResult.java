package io.switchgate.route;

/**
 * An authorizer's answer.
 *
 * @param balance the card's available balance after the request, or null when unknown (for DE 54)
 */
public record AuthResult(String code, String reason, String authCode, Long balance) {

    public boolean approved() {
        return "00".equals(code);
    }

    public static AuthResult decline(String code, String reason) {
        return new AuthResult(code, reason, null, null);
    }
}
