package io.switchgate.store;

/**
 * A lost race of a particular kind: another node committed an answer to the very same request (its duplicate key)
 * while this one was deciding it. Deciding it again cannot lose the same way (it finds that answer and replays it,
 * writing nothing), so the engine does so even past its usual number of new decisions: answered 96 instead, the
 * terminal would be told "failed" of a request the other node approved (a black-box re-audit under contention on one
 * card saw 19 in 1,200).
 */
public final class AnsweredElsewhereException extends ConcurrentUpdateException {
    public AnsweredElsewhereException(String what) {
        super(what);
    }
}
