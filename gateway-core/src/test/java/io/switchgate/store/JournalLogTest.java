package io.switchgate.store;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

class JournalLogTest {
    static final Instant AT = Instant.parse("2026-11-25T10:15:30.123456Z").truncatedTo(ChronoUnit.MICROS);

    @TempDir
    Path dir;

    /** One of every kind of row, so every record type goes through the log and its filter. */
    static ChangeSet everyKind(String rrn) {
        return new ChangeSet()
                .txn(Fixtures.sale(rrn, "TERM0001", "MERCHANT0000001", "000001", 1234, AT))
                .card(new CardAccount("hash-1", "621234******1232", "2812", null, 5000, 1, AT, 3))
                .terminal(new TerminalState("TERM0001", "MERCHANT0000001", TerminalStatus.ACTIVE, true, null, "kcv:1:ab", null, null, 7, AT, AT, 2))
                .merchant(new MerchantState("MERCHANT0000001", MerchantStatus.FROZEN, 180, 100, 1000, AT, 4))
                .batch(BatchState.open("TERM0001", 7, AT).plusSale(1234))
                .dayTotal(MerchantDayTotal.empty("MERCHANT0000001", LocalDate.of(2026, 11, 25)).plus(10))
                .event(new StatusEvent("merchant", "MERCHANT0000001", "active", "frozen", "OPERATOR", AT));
    }

    /** Every row of {@code want}, equal in {@code got}. */
    static void assertSameRows(ChangeSet want, ChangeSet got) {
        assertEquals(want.txns, got.txns);
        assertEquals(want.cards, got.cards);
        assertEquals(want.terminals, got.terminals);
        assertEquals(want.merchants, got.merchants);
        assertEquals(want.batches, got.batches);
        assertEquals(want.dayTotals, got.dayTotals);
        assertEquals(want.events, got.events);
    }

    /** Writes {@code payload} as the log's entry number 1, framed as {@link JournalLog} frames it (length, seq, CRC32C). */
    static void writeEntry(Path p, byte[] payload) throws java.io.IOException {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer entry = ByteBuffer.allocate(16 + payload.length).putInt(payload.length).putLong(1).putInt((int) crc.getValue()).put(payload);
        entry.flip();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(entry);
        }
    }

    @Test
    void groupsComeBackInOrderWithEveryRow() throws Exception {
        Path p = dir.resolve("j.journal");
        try (JournalLog log = JournalLog.acquire(p)) {
            log.append(1, List.of(everyKind("010000000001"), everyKind("010000000002")));
            log.append(2, List.of(everyKind("010000000003")));
            List<JournalLog.Entry> back = log.readAll();
            assertEquals(2, back.size());
            assertEquals(1, back.get(0).seq());
            assertEquals(2, back.get(0).sets().size());
            assertSameRows(everyKind("010000000001"), back.get(0).sets().get(0));
            assertEquals("010000000003", back.get(1).sets().get(0).txns.get(0).rrn());
        }
    }

    /** A set's untouched lists are shared empty ones until written: the log's reader (ArrayList only) takes them back. */
    @Test
    void aSetWithUntouchedListsComesBackAndTakesRowsAfterwards() throws Exception {
        Path p = dir.resolve("sparse.journal");
        ChangeSet onlyATxn = new ChangeSet().txn(Fixtures.sale("010000000001", "TERM0001", "MERCHANT0000001", "000001", 1, AT));
        try (JournalLog log = JournalLog.acquire(p)) {
            log.append(1, List.of(onlyATxn, new ChangeSet()));
            List<JournalLog.Entry> back = log.readAll();
            assertSameRows(onlyATxn, back.get(0).sets().get(0));
            assertSameRows(new ChangeSet(), back.get(0).sets().get(1));
            ChangeSet read = back.get(0).sets().get(1);
            read.card(new CardAccount("hash-1", "621234******1232", "2812", null, 5000, 1, AT, 3));
            assertEquals(1, read.cards.size());
        }
        // and the set written keeps its rows and can still grow
        onlyATxn.batch(BatchState.open("TERM0001", 7, AT).plusSale(1));
        assertEquals(1, onlyATxn.txns.size());
        assertEquals(1, onlyATxn.batches.size());
        assertTrue(new ChangeSet().batches.isEmpty(), "another set's lists are not the one that grew");
    }

    @Test
    void aTornTailIsCutOffAndTheNextAppendFollowsTheLastGoodEntry() throws Exception {
        Path p = dir.resolve("torn.journal");
        try (JournalLog log = JournalLog.acquire(p)) {
            log.append(1, List.of(everyKind("010000000001")));
            log.append(2, List.of(everyKind("010000000002")));
        }
        long whole = Files.size(p);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(whole - 7); // the process died in the middle of writing entry 2
        }
        try (JournalLog log = JournalLog.acquire(p)) {
            List<JournalLog.Entry> back = log.readAll();
            assertEquals(1, back.size());
            assertEquals(1, back.get(0).seq());
            log.append(3, List.of(everyKind("010000000003")));
            List<JournalLog.Entry> again = log.readAll();
            assertEquals(List.of(1L, 3L), again.stream().map(JournalLog.Entry::seq).toList());
        }
    }

    @Test
    void aCorruptEntryEndsTheLog() throws Exception {
        Path p = dir.resolve("bad.journal");
        long firstEnd;
        try (JournalLog log = JournalLog.acquire(p)) {
            log.append(1, List.of(everyKind("010000000001")));
            firstEnd = log.size();
            log.append(2, List.of(everyKind("010000000002")));
            log.append(3, List.of(everyKind("010000000003")));
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x55}), firstEnd + 40); // a flipped byte inside entry 2's payload
        }
        try (JournalLog log = JournalLog.acquire(p)) {
            assertEquals(List.of(1L), log.readAll().stream().map(JournalLog.Entry::seq).toList());
            assertEquals(firstEnd, Files.size(p));
        }
    }

    /**
     * A log left by a build from before the domain records moved to {@code io.switchgate.model} names them
     * {@code io.switchgate.store.*}: its change sets are read as the records they are now.
     */
    @Test
    void anEntryWrittenBeforeTheRecordsMovedIsReadUnderTheirNewNames() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(new ArrayList<>(List.of(everyKind("010000000001"))));
        }
        // Same length, so the stream's string lengths still hold: the bytes an older build wrote.
        String written = new String(b.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("io.switchgate.model.", "io.switchgate.store.").replace("io/switchgate/model/", "io/switchgate/store/");
        assertFalse(written.contains("switchgate.model") || written.contains("switchgate/model"));
        assertTrue(written.contains("io.switchgate.store.TxnRecord"));
        byte[] payload = written.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path p = dir.resolve("old.journal");
        writeEntry(p, payload);
        try (JournalLog log = JournalLog.acquire(p)) {
            List<JournalLog.Entry> back = log.readAll();
            assertEquals(1, back.size());
            assertSameRows(everyKind("010000000001"), back.get(0).sets().get(0));
        }
        // and without the renaming it could not be read at all (the test wrote the old names)
        try (java.io.ObjectInputStream plain = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(payload))) {
            assertThrows(ClassNotFoundException.class, plain::readObject);
        }
    }

    @Test
    void anEntryHoldingAnythingButChangeSetsIsRefusedNotDeserialized() throws Exception {
        Path p = dir.resolve("foreign.journal");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(new ArrayList<>(List.of(new java.util.HashMap<String, String>(java.util.Map.of("k", "v")))));
        }
        writeEntry(p, b.toByteArray());
        try (JournalLog log = JournalLog.acquire(p)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, log::readAll);
            assertTrue(e.getMessage().contains("something other than change sets"), e.getMessage());
        }
    }

    @Test
    void storesOnOneDatabaseShareOneLog() throws Exception {
        Path p = dir.resolve("shared.journal");
        JournalLog a = JournalLog.acquire(p);
        JournalLog b = JournalLog.acquire(dir.resolve(".").resolve("shared.journal"));
        assertSame(a, b);
        assertEquals(2, a.users());
        b.close();
        a.append(1, List.of(everyKind("010000000001"))); // still open for the other store
        a.close();
        JournalLog c = JournalLog.acquire(p);
        assertNotSame(a, c);
        assertEquals(1, c.readAll().size());
        c.close();
    }
}
