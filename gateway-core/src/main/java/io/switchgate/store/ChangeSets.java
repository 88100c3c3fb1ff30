package io.switchgate.store;

/** What stores and the journal writer answer for a change set that rests on one that was not committed. */
final class ChangeSets {

    private ChangeSets() {
    }

    /**
     * A {@link ConcurrentUpdateException}: the decider takes it like a lost version race and decides again on state
     * it reloads (see {@link ChangeSet#lineage}).
     */
    static ConcurrentUpdateException restsOnFailed() {
        return new ConcurrentUpdateException("decided on an earlier change of the same lineage that was not committed");
    }
}
