package io.switchgate.security;

/** A key used for something its role or algorithm does not permit (e.g. a TPK for a MAC). */
public class KeyUsageException extends SecurityModuleException {
    private static final long serialVersionUID = 1L;

    public KeyUsageException(String message) { super(message); }
}
