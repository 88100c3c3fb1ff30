package io.switchgate.projection;

import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.ChangeSet;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChangeSetCodecTest {

    @Test
    void randomChangeSetsOfEveryRecordTypeRoundTrip() {
        RandomRecords random = new RandomRecords(14);
        PayloadWriter writer = new PayloadWriter(16); // reused, and made to grow
        int[] seen = new int[7];
        for (int i = 0; i < 5_000; i++) {
            ChangeSet set = random.changeSet();
            ChangeSetCodec.encode(set, writer);
            ChangeSet back = ChangeSetCodec.decode(ByteBuffer.wrap(writer.array(), 0, writer.length()));
            ChangeSets.assertSameSet(set, back, "set " + i);
            ChangeSets.assertSameSet(set, ChangeSetCodec.decode(ChangeSetCodec.encode(set)), "set " + i + " (byte[])");
            if (!set.txns.isEmpty()) seen[0]++;
            if (!set.cards.isEmpty()) seen[1]++;
            if (!set.terminals.isEmpty()) seen[2]++;
            if (!set.merchants.isEmpty()) seen[3]++;
            if (!set.batches.isEmpty()) seen[4]++;
            if (!set.dayTotals.isEmpty()) seen[5]++;
            if (!set.events.isEmpty()) seen[6]++;
        }
        for (int k : seen) assertTrue(k > 1_000, "every record type is exercised: " + Arrays.toString(seen));
    }

    @Test
    void anEmptySetRoundTripsAndTheLineageIsNotEncoded() {
        ChangeSet set = new ChangeSet().lineage(42);
        byte[] payload = ChangeSetCodec.encode(set);
        assertEquals(1 + 7 + 4, payload.length, "version, seven empty counts, CRC");
        ChangeSet back = ChangeSetCodec.decode(payload);
        assertTrue(back.isEmpty());
        assertEquals(0, back.lineage);
    }

    @Test
    void decodingLeavesTheBuffersPositionAndReadsOnlyItsRemainingBytes() {
        ChangeSet set = new RandomRecords(1).changeSet().txn(new RandomRecords(2).txn());
        byte[] payload = ChangeSetCodec.encode(set);
        byte[] framed = new byte[payload.length + 10];
        System.arraycopy(payload, 0, framed, 3, payload.length);
        ByteBuffer in = ByteBuffer.wrap(framed, 3, payload.length).slice().asReadOnlyBuffer();
        ChangeSets.assertSameSet(set, ChangeSetCodec.decode(in), "read-only slice");
        assertEquals(0, in.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(payload.length + 5).position(5);
        direct.put(payload).position(5);
        ChangeSets.assertSameSet(set, ChangeSetCodec.decode(direct), "direct buffer at an offset");
        assertEquals(5, direct.position());
    }

    @Test
    void aPayloadCutAtEveryLengthIsRefused() {
        RandomRecords random = new RandomRecords(7);
        for (int s = 0; s < 20; s++) {
            byte[] payload = ChangeSetCodec.encode(random.changeSet().txn(random.txn()));
            for (int len = 0; len < payload.length; len++) {
                byte[] cut = Arrays.copyOf(payload, len);
                ChangeSetFormatException e = assertThrows(ChangeSetFormatException.class, () -> ChangeSetCodec.decode(cut),
                        "cut at " + len + " of " + payload.length);
                assertTrue(e.getMessage().startsWith("change set payload of " + len + " bytes: "), e.getMessage());
            }
        }
    }

    @Test
    void aPayloadWithAnyBitFlippedIsRefused() {
        RandomRecords random = new RandomRecords(8);
        for (int s = 0; s < 10; s++) {
            byte[] payload = ChangeSetCodec.encode(random.changeSet().txn(random.txn()));
            for (int bit = 0; bit < payload.length * 8; bit++) {
                byte[] bad = payload.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                ChangeSetFormatException e = assertThrows(ChangeSetFormatException.class, () -> ChangeSetCodec.decode(bad),
                        "bit " + bit + " of " + payload.length + " bytes");
                assertTrue(e.getMessage().contains("garbled"), e.getMessage());
            }
        }
    }

    @Test
    void aWellChecksummedPayloadThatIsNotAChangeSetIsRefusedNamingTheField() {
        byte[] empty = ChangeSetCodec.encode(new ChangeSet());
        byte[] otherVersion = empty.clone();
        otherVersion[0] = 2;
        assertEquals("change set payload of 12 bytes: format version 2 unknown (this build reads 1)",
                assertThrows(ChangeSetFormatException.class, () -> ChangeSetCodec.decode(resealed(otherVersion))).getMessage());

        byte[] extra = Arrays.copyOf(empty, empty.length + 1); // a byte after the events, before the CRC
        System.arraycopy(empty, 8, extra, 9, 4);
        extra[8] = 0;
        assertTrue(assertThrows(ChangeSetFormatException.class, () -> ChangeSetCodec.decode(resealed(extra)))
                .getMessage().contains("1 bytes left over"));

        byte[] tooMany = empty.clone();
        tooMany[1] = 100; // a hundred transactions announced, none there
        assertEquals("change set payload of 12 bytes: count 100 exceeds the 6 bytes left reading txns.count at offset 2",
                assertThrows(ChangeSetFormatException.class, () -> ChangeSetCodec.decode(resealed(tooMany))).getMessage());

        ChangeSet withTerminal = new ChangeSet().terminal(new io.switchgate.model.TerminalState("T1", "M1",
                TerminalStatus.ACTIVE, true, null, null, null, null, 1, null, null, 1));
        byte[] p = ChangeSetCodec.encode(withTerminal);
        int statusAt = 1 + 1 + 1 + 1 + 3 + 3; // version, 2 empty counts, terminals count, "T1", "M1"
        assertEquals(TerminalStatus.ACTIVE.ordinal() + 1, p[statusAt]);
        p[statusAt] = 9;
        assertEquals("change set payload of " + p.length + " bytes: enum ordinal 8 unknown (4 values) reading terminals[0].status"
                        + " at offset " + (statusAt + 1),
                assertThrows(ChangeSetFormatException.class, () -> ChangeSetCodec.decode(resealed(p))).getMessage());
    }

    /** The payload with its CRC32C recomputed: to reach the structural checks behind the checksum. */
    private static byte[] resealed(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, payload.length - 4);
        ByteBuffer.wrap(payload).putInt(payload.length - 4, (int) crc.getValue());
        return payload;
    }

    @Test
    void enumOrdinalsAreTheFormatSoTheirOrderIsPinned() {
        // The format stores ordinals: a constant may be appended, never inserted or reordered (that would change the
        // meaning of every journaled record). If this fails, append the new constant last or bump FORMAT_VERSION.
        assertEquals(List.of("SALE", "BALANCE", "REFUND", "VOID", "REVERSAL", "SETTLEMENT", "ECHO", "SIGNON"),
                Arrays.stream(TxnType.values()).map(Enum::name).toList().subList(0, 8));
        assertEquals(List.of("APPROVED", "DECLINED", "REVERSED", "VOIDED"),
                Arrays.stream(TxnStatus.values()).map(Enum::name).toList().subList(0, 4));
        assertEquals(List.of("REGISTERED", "ACTIVE", "SUSPENDED", "RETURNED"),
                Arrays.stream(TerminalStatus.values()).map(Enum::name).toList().subList(0, 4));
        assertEquals(List.of("ACTIVE", "FROZEN", "CLOSED"),
                Arrays.stream(MerchantStatus.values()).map(Enum::name).toList().subList(0, 3));
    }

    @Test
    void aSaleIsCompact() {
        ChangeSet sale = new ChangeSet().txn(new io.switchgate.model.TxnRecord("000000123456", "n1", TxnType.SALE, "0200",
                "000000", "T0000001", "M000000000001", "000123", "1202052900", "T0000001|02|000123|1202052900",
                "9f1c2a", 12_500, "156", "a1b2c3d4e5f6a7b8", "411111******1111", "00", null, "123456", TxnStatus.APPROVED,
                0, null, null, 1, "embedded", null, null, java.time.Instant.parse("2026-12-02T05:29:00.123456Z"),
                java.time.Instant.parse("2026-12-02T05:29:00.123456Z"), 1));
        byte[] payload = ChangeSetCodec.encode(sale);
        int text = 0;
        for (Object v : new Object[]{"000000123456", "n1", "0200", "000000", "T0000001", "M000000000001", "000123",
                "1202052900", "T0000001|02|000123|1202052900", "9f1c2a", "156", "a1b2c3d4e5f6a7b8", "411111******1111",
                "00", "123456", "embedded"}) text += v.toString().length();
        // the rest: a byte or two for each of the 29 fields, ~9 for each time, 7 counts, version and CRC
        assertTrue(payload.length - text <= 64, "a sale's payload is " + payload.length + " bytes, " + text + " of them text");
    }
}
