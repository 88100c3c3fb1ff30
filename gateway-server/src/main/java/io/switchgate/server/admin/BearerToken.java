package io.switchgate.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <token>} in constant time: both sides are hashed (SHA-256) first, so
 * neither the content nor the length of the configured token leaks through timing. A null token accepts all.
 */
final class BearerToken {
    private final byte[] expectedDigest;

    BearerToken(String token) {
        this.expectedDigest = token == null ? null : sha256(token);
    }

    boolean required() {
        return expectedDigest != null;
    }

    boolean accepts(String authorizationHeader) {
        if (expectedDigest == null) return true;
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
