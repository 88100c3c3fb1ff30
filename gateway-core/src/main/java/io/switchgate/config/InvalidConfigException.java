package io.switchgate.config;

/** A configuration value the gateway cannot run with. The message is one line naming the key and the problem. */
public class InvalidConfigException extends RuntimeException {
    private final String key;

    public InvalidConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
