package io.switchgate.store;

/** A row changed under us (its version was not the one expected): the change set was not applied. */
public class ConcurrentUpdateException extends StoreException {
    public ConcurrentUpdateException(String what) {
        super(what);
    }
}
