package io.switchgate.store;

import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchgate.store.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/** The contract on an H2 database file, plus what only a file can show: a reopened store has everything. */
class H2FileTransactionStoreTest extends TransactionStoreContract {

    @TempDir
    Path dir;
    private String url;

    @Override
    protected TransactionStore openFresh() {
        url = "jdbc:h2:file:" + dir.resolve("gateway").toAbsolutePath();
        JdbcTransactionStore s = JdbcTransactionStore.open(url, "sa", "", 4);
        s.migrate();
        return s;
    }

    @Override
    protected TransactionStore openAnother() {
        return JdbcTransactionStore.open(url, "sa", "", 4);
    }

    @Test
    void everythingCommittedIsThereAfterReopening() throws Exception {
        Instant at = now();
        List<TxnRecord> written = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        CardAccount card = card("hash-" + rrn(), 10_000);
        try (GroupCommitWriter writer = new GroupCommitWriter(store)) {
            futures.add(writer.submit(set().card(card)));
            for (int i = 0; i < 2000; i++) {
                TxnRecord t = sale(rrn(), "TERM0001", "MERCHANT0000001", String.format("%06d", i), i + 1, at);
                written.add(t);
                futures.add(writer.submit(set().txn(t)));
            }
            CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            futures.clear();
            futures.add(writer.submit(set().card(card.withBalance(9_000, at))));
            futures.get(0).get(10, TimeUnit.SECONDS);
        }
        long seq = store.reserveSequence("rrn-01", 100);
        store.close();
        store = null;

        try (JdbcTransactionStore reopened = JdbcTransactionStore.open(url, "sa", "", 2)) {
            reopened.migrate(); // already current: nothing to do
            for (TxnRecord t : written) assertEquals(t, reopened.findByRrn(t.rrn()).orElseThrow());
            assertEquals(9_000, reopened.findCard(card.panHash()).orElseThrow().balance());
            assertEquals(seq + 100, reopened.reserveSequence("rrn-01", 1));
        }
    }

    @Override
    protected TransactionStore[] openEmptyPair() {
        String empty = "jdbc:h2:file:" + dir.resolve("empty").toAbsolutePath();
        return new TransactionStore[]{JdbcTransactionStore.open(empty, "sa", "", 2), JdbcTransactionStore.open(empty, "sa", "", 2)};
    }
}
