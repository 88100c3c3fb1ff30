package io.switchgate.txn;

import io.switchgate.model.TxnRecord;
import io.switchgate.route.AuthRequest;
import io.switchgate.route.AuthResult;
import io.switchgate.route.Authorizer;
import io.switchgate.store.ChangeSet;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An upstream host the test answers by hand: every authorize and undo waits until the test completes it, so a test
 * can put other requests in while one is "at the host". Records every call, and every reversal of an approval the
 * gateway did not commit.
 */
final class ScriptedHost implements Authorizer {
    static final String NAME = "hostA";

    /** One question put to the host, waiting for the test's answer. */
    record Call(String kind, String rrn, long amount, CompletableFuture<AuthResult> answer) {
        void approve() {
            answer.complete(new AuthResult("00", null, "A00001", null, "900001", rrn));
        }

        void decline(String code) {
            answer.complete(new AuthResult(code, "HOST_DECLINED", null, null, "900001", rrn));
        }
    }

    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final List<Call> all = new CopyOnWriteArrayList<>();
    /** RRNs of approvals the gateway handed back for a stored reversal. */
    final List<String> reversedUncommitted = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<AuthResult> authorize(AuthRequest request) {
        return ask("authorize", request.rrn(), request.amount());
    }

    @Override
    public CompletableFuture<AuthResult> undo(TxnRecord original, ChangeSet changes, Instant now) {
        return ask("undo", original.rrn(), original.amount());
    }

    @Override
    public CompletableFuture<Void> reverseUncommitted(AuthRequest request, AuthResult approval, String why) {
        reversedUncommitted.add(request.rrn());
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<AuthResult> ask(String kind, String rrn, long amount) {
        Call c = new Call(kind, rrn, amount, new CompletableFuture<>());
        all.add(c);
        calls.add(c);
        return c.answer();
    }

    /** The next question put to the host (fails the test if none comes within 10 s). */
    Call next() {
        try {
            Call c = calls.poll(10, TimeUnit.SECONDS);
            if (c == null) throw new AssertionError("the host was asked nothing");
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    long count(String kind) {
        return all.stream().filter(c -> c.kind().equals(kind)).count();
    }
}
