package io.switchgate.security;

/** A PIN block that is malformed after decryption (wrong control digit, PIN length or fill). Never carries the block. */
public class PinBlockException extends SecurityModuleException {
    private static final long serialVersionUID = 1L;

    public PinBlockException(String message) { super(message); }
}
