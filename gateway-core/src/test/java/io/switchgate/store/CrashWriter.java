package io.switchgate.store;

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
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        JdbcTransactionStore store = JdbcTransactionStore.open(args[0], "sa", "", 4);
        store.migrate();
        GroupCommitWriter writer = new GroupCommitWriter(store);
        out.println("READY");
        out.flush();
        Semaphore inFlight = new Semaphore(2000);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (long i = 0; ; i++) {
            inFlight.acquire();
            String rrn = String.format("99%010d", i);
            TxnRecord t = Fixtures.sale(rrn, "TERM0001", "MERCHANT0000001", String.format("%06d", i % 1_000_000), 100 + i % 1000, at);
            writer.submit(new ChangeSet().txn(t)).whenComplete((v, e) -> {
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
