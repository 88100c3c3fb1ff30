package io.switchgate.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <token>} in constant time: both sides are hashed (SHA-256) first, so
 * neither the content nor the length of the configured token leaks through timing. There is always a token: the
 * admin API never runs open (see {@link AdminTokenFile} for the one generated when none is configured).
 */
final class BearerToken {
    private final byte[] expectedDigest;

    BearerToken(String token) {
        if (token == null || token.isBlank()) throw new IllegalArgumentException("the admin API needs a token");
        this.expectedDigest = sha256(token);
    }

    boolean accepts(String authorizationHeader) {
        String presented = "";
        if (authorizationHeader != null && authorizationHeader.length() > 7
                && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorizationHeader.substring(7).trim();
        }
        return MessageDigest.isEqual(expectedDigest, sha256(presented)) && !presented.isEmpty();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
