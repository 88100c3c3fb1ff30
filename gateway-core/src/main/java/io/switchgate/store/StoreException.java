package io.switchgate.store;

/** The store could not do what was asked. Messages name tables and keys, never card data. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
