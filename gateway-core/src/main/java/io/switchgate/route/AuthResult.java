package io.switchgate.route;

/**
 * An authorizer's answer.
 *
 * @param balance  the card's available balance after the request, or null when unknown (for DE 54)
 * @param hostStan the STAN the gateway used towards the host (null for the embedded authorizer)
 * @param hostRrn  the RRN the host saw or assigned (null for the embedded authorizer)
 */
public record AuthResult(String code, String reason, String authCode, Long balance, String hostStan, String hostRrn) {

    public AuthResult(String code, String reason, String authCode, Long balance) {
        this(code, reason, authCode, balance, null, null);
    }

    public boolean approved() {
        return "00".equals(code);
    }

    public static AuthResult decline(String code, String reason) {
        return new AuthResult(code, reason, null, null);
    }
}
