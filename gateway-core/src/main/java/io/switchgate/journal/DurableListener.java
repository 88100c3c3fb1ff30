package io.switchgate.journal;

/**
 * Told, on the journal's writer thread, how far the journal is durable. The future ledger releases every response
 * whose sequence is at most {@code durableSequence}. Implementations must be quick and must not call back into the
 * writer's blocking methods (hand the number to another thread instead).
 */
public interface DurableListener {
    DurableListener NONE = durableSequence -> { };

    /** Every record up to and including {@code durableSequence} is durable (per the journal's durability). */
    void onDurable(long durableSequence);

    /** The journal stopped for good; no sequence beyond the last {@link #onDurable} will ever become durable. */
    default void onStopped(JournalStoppedException why) {
    }
}
