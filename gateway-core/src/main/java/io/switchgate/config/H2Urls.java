package io.switchgate.config;

import java.nio.file.Path;
import java.util.Locale;

/** What an H2 JDBC URL says about files on this machine. */
public final class H2Urls {
    private H2Urls() {
    }

    /**
     * The database file an H2 URL names ({@code jdbc:h2:file:./data/gateway} or {@code jdbc:h2:./data/gateway}, {@code ~}
     * for the home directory), or null if it names none here: not H2, in memory, over TCP or SSL, or another file
     * system ({@code zip:}, {@code split:}, {@code nio...}).
     */
    public static Path databaseFile(String url) {
        if (url == null || !url.startsWith("jdbc:h2:")) return null;
        String rest = url.substring("jdbc:h2:".length());
        int semi = rest.indexOf(';');
        if (semi >= 0) rest = rest.substring(0, semi);
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:") || lower.startsWith("zip:")
                || lower.startsWith("split:") || lower.startsWith("nio")) {
            return null;
        }
        if (rest.isBlank()) return null;
        if (rest.startsWith("~")) rest = System.getProperty("user.home") + rest.substring(1);
        return Path.of(rest);
    }
}
