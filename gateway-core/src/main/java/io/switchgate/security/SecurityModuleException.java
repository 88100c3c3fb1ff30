package io.switchgate.security;

/** A security-module failure. Messages never carry key material, PINs or PIN blocks. */
public class SecurityModuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecurityModuleException(String message) { super(message); }

    public SecurityModuleException(String message, Throwable cause) { super(message, cause); }
}
