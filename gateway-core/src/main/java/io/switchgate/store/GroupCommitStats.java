package io.switchgate.store;

/**
 * A snapshot of a {@link GroupCommitWriter}'s counters, for metrics.
 *
 * @param groupsCommitted  groups whose database commit succeeded
 * @param groupsFailed     groups whose commit failed (every set of the group failed with the {@link StoreException})
 * @param setsInGroups     change sets handed to {@code store.apply}, all groups together
 * @param setsCommitted    change sets applied and committed
 * @param setsRejected     change sets rejected on their own (version conflict) inside a committed group
 * @param setsFailed       change sets failed because their group's commit failed, or refused at submit (closed, queue full)
 * @param lastGroupSize    sets in the most recent group
 * @param maxGroupSize     largest group so far
 * @param lastCommitNanos  duration of the most recent {@code store.apply} call
 * @param totalCommitNanos sum of all {@code store.apply} durations
 * @param maxCommitNanos   slowest {@code store.apply} so far
 * @param queueDepth       sets waiting now
 */
public record GroupCommitStats(
        long groupsCommitted,
        long groupsFailed,
        long setsInGroups,
        long setsCommitted,
        long setsRejected,
        long setsFailed,
        int lastGroupSize,
        int maxGroupSize,
        long lastCommitNanos,
        long totalCommitNanos,
        long maxCommitNanos,
        int queueDepth) {

    /** Average sets per group. */
    public double avgGroupSize() {
        long groups = groupsCommitted + groupsFailed;
        return groups == 0 ? 0 : (double) setsInGroups / groups;
    }

    /** Average duration of one {@code store.apply} call (one database commit), in nanoseconds. */
    public double avgCommitNanos() {
        long groups = groupsCommitted + groupsFailed;
        return groups == 0 ? 0 : (double) totalCommitNanos / groups;
    }
}
