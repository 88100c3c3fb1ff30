package io.switchgate.server.config;

import io.switchgate.config.GatewayConfig;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The gateway's data directory: where files the gateway makes for itself live (today the generated admin token).
 * For an H2 file store ({@code jdbc:h2:file:./data/gateway} or {@code jdbc:h2:./data/gateway}) it is the directory
 * of the store's files, so everything a node owns sits together; for any other store (PostgreSQL, H2 in memory or
 * over TCP, {@code memory:}) it is {@code ./data}, relative to the working directory.
 */
public final class DataDirectory {
    /** Used when the store names no local directory. */
    public static final Path DEFAULT = Path.of("data");

    private DataDirectory() {
    }

    public static Path of(GatewayConfig cfg) {
        String url = cfg == null || cfg.store() == null ? null : cfg.store().url();
        return of(url);
    }

    /** The data directory for a store URL (null: the shipped default {@code jdbc:h2:file:./data/gateway}). */
    public static Path of(String storeUrl) {
        if (storeUrl == null) return DEFAULT.toAbsolutePath();
        if (!storeUrl.startsWith("jdbc:h2:")) return DEFAULT.toAbsolutePath();
        String rest = storeUrl.substring("jdbc:h2:".length());
        int semi = rest.indexOf(';');
        if (semi >= 0) rest = rest.substring(0, semi);
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:") || lower.startsWith("zip:")
                || lower.startsWith("split:") || lower.startsWith("nio")) {
            return DEFAULT.toAbsolutePath();
        }
        if (rest.isBlank()) return DEFAULT.toAbsolutePath();
        if (rest.startsWith("~")) rest = System.getProperty("user.home") + rest.substring(1);
        Path parent = Path.of(rest).toAbsolutePath().normalize().getParent();
        return parent == null ? DEFAULT.toAbsolutePath() : parent;
    }
}
