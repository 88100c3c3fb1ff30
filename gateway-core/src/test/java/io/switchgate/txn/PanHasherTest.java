package io.switchgate.txn;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The PAN hash is what stored cards and transactions are matched by: it must never change between versions (a store
 * written by an older build would lose its cards), whatever buffers the hash uses.
 */
class PanHasherTest {
    private static final byte[] SECRET = HexFormat.of().parseHex("0123456789ABCDEFFEDCBA9876543210");

    /** Computed outside Java: HMAC-SHA-256 under SHA-256("switchgate-pan-hash-v1" || secret), first 16 bytes as hex. */
    @Test
    void hashesAreThoseOfTheFirstVersion() {
        PanHasher h = new PanHasher(SECRET);
        assertEquals("bda1ed65714bff516bde6ee8724cf7f1", h.hash("6212345678901232"));
        assertEquals("dff6a9c1f856853ef217307f46d8749f", h.hash("4761739001010010"));
        assertEquals("e2ca91958edea7754fd5a6bbaa949d83", h.hash("6212345678901234567"));
        assertNull(h.hash(null));
    }

    @Test
    void anyValueHashesAsItsAsciiBytesDo() throws Exception {
        PanHasher h = new PanHasher(SECRET);
        for (String v : List.of("", "4", "6212345678901232", "62123456789012345678901234567890", // 32: the whole buffer
                "621234567890123456789012345678901234567890", // longer than the thread's buffer
                "6212\u00e934", "6212345678901232")) { // a character ASCII cannot hold; then a short one after a long one
            assertEquals(reference(v), h.hash(v), v);
        }
    }

    @Test
    void threadsDoNotShareAHashInProgress() throws Exception {
        PanHasher h = new PanHasher(SECRET);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String pan = "62" + String.format("%014d", seed * 1_000_000L + i);
                        if (!reference(pan).equals(h.hash(pan))) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : runs) assertEquals(Boolean.TRUE, r.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** What the first version computed, written the plain way. */
    private static String reference(String pan) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("switchgate-pan-hash-v1".getBytes(StandardCharsets.US_ASCII));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(sha.digest(SECRET), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(pan.getBytes(StandardCharsets.US_ASCII)), 0, 16);
    }
}
