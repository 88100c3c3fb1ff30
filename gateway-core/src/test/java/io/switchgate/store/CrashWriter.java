package io.switchgate.store;

import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Semaphore;

/**
 * Child process for {@link H2CrashDurabilityTest}: writes sales through a {@link GroupCommitWriter} as fast as
 * it can and prints {@code OK <rrn>} for each one only after its future completed (what the engine does before
 * answering approved), until it is killed.
 */
public final class CrashWriter {
    static final long START_BALANCE = 1_000_000_000_000L;

    static String rrn(long i) {
        return String.format("99%010d", i);
    }

    static long amount(long i) {
        return 100 + i % 1000;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        JdbcTransactionStore store = JdbcTransactionStore.open(args[0], "sa", "", 4);
        store.migrate();
        GroupCommitWriter writer = new GroupCommitWriter(store);
        // Every sale also debits one card, so each change set depends on the one before it (version n needs n - 1):
        // a replay that skipped, repeated or reordered a group would show in the card.
        CardAccount[] card = {Fixtures.card("hash-crash-card", START_BALANCE)};
        writer.submit(new ChangeSet().card(card[0])).join();
        out.println("READY");
        out.flush();
        Semaphore inFlight = new Semaphore(2000);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (long i = 0; ; i++) {
            inFlight.acquire();
            String rrn = rrn(i);
            TxnRecord t = Fixtures.sale(rrn, "TERM0001", "MERCHANT0000001", String.format("%06d", i % 1_000_000), amount(i), at);
            card[0] = card[0].withBalance(card[0].balance() - t.amount(), at);
            writer.submit(new ChangeSet().txn(t).card(card[0])).whenComplete((v, e) -> {
                inFlight.release();
                if (e == null) {
                    synchronized (out) {
                        out.println("OK " + rrn);
                        out.flush();
                    }
                }
            });
        }
    }
}
