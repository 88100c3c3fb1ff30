package io.switchgate.server.config;

/**
 * A configuration that cannot be used. The message is one line naming the key (its full path, e.g.
 * {@code listeners[0].framing}) and the problem; the CLI prints it as {@code error: <message>} and exits 2.
 */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String problem) {
        super(key == null || key.isEmpty() ? problem : key + ": " + problem);
        this.key = key;
    }

    /** The full key path the problem is about, or empty when it concerns the whole file. */
    public String key() {
        return key == null ? "" : key;
    }
}
