package io.switchgate.journal;

import java.util.ArrayList;
import java.util.List;

/** Remembers what the writer thread reported. */
final class RecordingListener implements DurableListener {
    final List<Long> durable = new ArrayList<>();
    volatile JournalStoppedException stopped;

    @Override
    public synchronized void onDurable(long durableSequence) {
        durable.add(durableSequence);
    }

    @Override
    public void onStopped(JournalStoppedException why) {
        stopped = why;
    }

    synchronized List<Long> reported() {
        return List.copyOf(durable);
    }
}
