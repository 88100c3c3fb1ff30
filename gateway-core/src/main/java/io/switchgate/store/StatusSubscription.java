package io.switchgate.store;

/**
 * What {@link TransactionStore#onStatusChange} returns: closing it stops the notifications.
 * {@link #listening()} says whether they come now (a node may then read the other nodes' status changes less often).
 */
public interface StatusSubscription extends AutoCloseable {

    /** A store that cannot tell: never listening, nothing to close. */
    StatusSubscription NONE = new StatusSubscription() {
        @Override
        public boolean listening() {
            return false;
        }

        @Override
        public void close() {
        }
    };

    /** True while a change committed by any node is reported (false while connecting or reconnecting). */
    boolean listening();

    @Override
    void close();
}
