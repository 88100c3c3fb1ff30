package io.switchgate.server.net;

/** A listener could not be started (e.g. its port is in use); the message is one line naming host:port. */
public final class ServerStartException extends RuntimeException {
    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
