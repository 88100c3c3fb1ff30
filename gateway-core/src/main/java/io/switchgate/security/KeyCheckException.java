package io.switchgate.security;

/** A key's check value does not match what was expected. The message names the key's role, never its value. */
public class KeyCheckException extends SecurityModuleException {
    private static final long serialVersionUID = 1L;
    private final KeyType keyType;

    public KeyCheckException(KeyType keyType, String message) {
        super(message);
        this.keyType = keyType;
    }

    /** The role of the key that failed its check. */
    public KeyType keyType() { return keyType; }
}
