package io.switchgate.policy;

/**
 * A refusal: the DE 39 response code and the DE 44 reason token (at most 25 characters) that tells a person why.
 * Rules return one, or null to let the request through.
 */
public record Decline(String code, String reason) {

    public Decline {
        if (code == null || code.length() != 2) throw new IllegalArgumentException("response code must be 2 characters");
        if (reason != null && reason.length() > 25) throw new IllegalArgumentException("reason token longer than 25: " + reason);
    }

    public static Decline of(String code, String reason) {
        return new Decline(code, reason);
    }
}
