package io.switchgate.saf;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The queue in memory (the {@code memory:} store, tests): same rules as the JDBC one, nothing survives a restart. */
public final class InMemorySafQueue implements SafQueue {
    private final Map<String, SafMessage> rows = new LinkedHashMap<>();
    /** {@link #enqueueAll(List, Map)}'s text, while its message is held. */
    private final Map<String, String> kept = new java.util.HashMap<>();

    @Override
    public synchronized void enqueue(SafMessage m) {
        if (rows.putIfAbsent(m.id(), m) != null) throw new IllegalArgumentException("SAF message " + m.id() + " exists");
    }

    @Override
    public synchronized void enqueueAll(List<SafMessage> messages) {
        for (SafMessage m : messages) {
            if (rows.containsKey(m.id())) throw new IllegalArgumentException("SAF message " + m.id() + " exists");
        }
        for (SafMessage m : messages) rows.put(m.id(), m);
    }

    @Override
    public synchronized void enqueueAll(List<SafMessage> messages, Map<String, String> keptBeside) {
        enqueueAll(messages);
        kept.putAll(keptBeside);
    }

    @Override
    public synchronized String keptBeside(String id) {
        return kept.get(id);
    }

    @Override
    public synchronized List<SafMessage> lease(String node, Instant now, int max, Duration lease) {
        List<SafMessage> due = new ArrayList<>();
        for (SafMessage m : rows.values()) if (m.available(now)) due.add(m);
        due.sort(Comparator.comparing(SafMessage::nextAttemptAt).thenComparing(SafMessage::createdAt));
        List<SafMessage> out = new ArrayList<>();
        for (SafMessage m : due) {
            if (out.size() >= max) break;
            SafMessage l = m.leased(node, now.plus(lease), now);
            rows.put(l.id(), l);
            out.add(l);
        }
        return out;
    }

    @Override
    public synchronized boolean markDone(String id, String node, Instant now, String result) {
        return settle(id, node, m -> m.done(result, now));
    }

    @Override
    public synchronized boolean markRefused(String id, String node, Instant now, String result) {
        return settle(id, node, m -> m.refused(result, now));
    }

    /** A leased message answered for good, only while {@code node} holds its lease. */
    private boolean settle(String id, String node, java.util.function.UnaryOperator<SafMessage> settled) {
        SafMessage m = rows.get(id);
        if (m == null || m.status() != SafMessage.Status.PENDING || !node.equals(m.leaseOwner())) return false;
        rows.put(id, settled.apply(m));
        return true;
    }

    @Override
    public synchronized List<SafMessage> listRefused(int limit) {
        return rows.values().stream().filter(m -> m.status() == SafMessage.Status.REFUSED)
                .sorted(Comparator.comparing(SafMessage::createdAt)).limit(limit).toList();
    }

    @Override
    public synchronized long refusedCount() {
        return rows.values().stream().filter(m -> m.status() == SafMessage.Status.REFUSED).count();
    }

    @Override
    public synchronized boolean reschedule(String id, String node, Instant next, Instant now, String result) {
        SafMessage m = rows.get(id);
        if (m == null || m.status() != SafMessage.Status.PENDING || !node.equals(m.leaseOwner())) return false;
        rows.put(id, m.retry(next, result, now));
        return true;
    }

    @Override
    public synchronized boolean postpone(String id, String node, Instant next, Instant now, String result) {
        SafMessage m = rows.get(id);
        if (m == null || m.status() != SafMessage.Status.PENDING || !node.equals(m.leaseOwner())) return false;
        rows.put(id, m.postponed(next, result, now));
        return true;
    }

    @Override
    public synchronized int releaseLeases(String node, Instant now) {
        int n = 0;
        for (SafMessage m : List.copyOf(rows.values())) {
            if (m.status() == SafMessage.Status.PENDING && node.equals(m.leaseOwner())) {
                rows.put(m.id(), m.postponed(m.nextAttemptAt(), m.lastResult(), now));
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized boolean releaseHeld(String id, Instant now, String why) {
        return settleHeld(id, m -> m.released(why, now));
    }

    @Override
    public synchronized boolean cancelHeld(String id, Instant now, String result) {
        return settleHeld(id, m -> m.done(result, now));
    }

    /** A held message replaced by what {@code settled} makes of it; false if {@code id} is not held (any more). */
    private boolean settleHeld(String id, UnaryOperator<SafMessage> settled) {
        SafMessage m = rows.get(id);
        if (m == null || m.status() != SafMessage.Status.HELD) return false;
        rows.put(id, settled.apply(m));
        kept.remove(id);
        return true;
    }

    @Override
    public synchronized List<SafMessage> held(String node) {
        return rows.values().stream().filter(m -> m.status() == SafMessage.Status.HELD && node.equals(m.leaseOwner())).toList();
    }

    @Override
    public synchronized long depth() {
        return rows.values().stream().filter(m -> m.status() == SafMessage.Status.PENDING).count();
    }

    @Override
    public synchronized long depth(String host) {
        return rows.values().stream().filter(m -> m.status() == SafMessage.Status.PENDING && m.host().equals(host)).count();
    }

    @Override
    public synchronized Optional<Instant> oldestPending() {
        return rows.values().stream().filter(m -> m.status() == SafMessage.Status.PENDING)
                .map(SafMessage::createdAt).min(Comparator.naturalOrder());
    }

    @Override
    public synchronized List<SafMessage> listPending(int limit) {
        return rows.values().stream().filter(m -> m.status() == SafMessage.Status.PENDING)
                .sorted(Comparator.comparing(SafMessage::createdAt)).limit(limit).toList();
    }

    @Override
    public synchronized int deleteDone(Instant before, int max) {
        int n = 0;
        for (var it = rows.values().iterator(); it.hasNext() && n < max; ) {
            SafMessage m = it.next();
            if (m.status() == SafMessage.Status.DONE && m.updatedAt().isBefore(before)) {
                it.remove();
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized Optional<SafMessage> find(String id) {
        return Optional.ofNullable(rows.get(id));
    }
}
