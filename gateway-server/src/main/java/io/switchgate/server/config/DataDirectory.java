package io.switchgate.server.config;

import io.switchgate.config.GatewayConfig;

import java.nio.file.Path;

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
        Path database = io.switchgate.config.H2Urls.databaseFile(storeUrl);
        Path parent = database == null ? null : database.toAbsolutePath().normalize().getParent();
        return parent == null ? DEFAULT.toAbsolutePath() : parent;
    }
}
