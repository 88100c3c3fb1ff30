package io.switchgate.projection;

import io.switchgate.model.BatchState;
import io.switchgate.model.CardAccount;
import io.switchgate.model.MerchantDayTotal;
import io.switchgate.model.MerchantState;
import io.switchgate.model.MerchantStatus;
import io.switchgate.model.StatusEvent;
import io.switchgate.model.TerminalState;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnStatus;
import io.switchgate.model.TxnType;
import io.switchgate.store.ChangeSet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A {@link ChangeSet} as a journal payload and back: compact binary, no Java serialization.
 *
 * <p>Layout: one format-version byte ({@value #FORMAT_VERSION}); then the seven lists in this order: transactions,
 * cards, terminals, merchants, batches, day totals, status events, each a count (unsigned varint) followed by its
 * records, every record component in declaration order; then a CRC32C (big-endian) over everything before it.
 * Encodings: long and int zigzag varint; string null = 0, else UTF-8 length + 1 and the bytes; enum null = 0, else
 * ordinal + 1 (so enum constants may only ever be appended, never reordered: {@code ChangeSetCodecTest} pins them);
 * Instant null = 0, else nanos + 1 and epoch seconds; LocalDate a presence byte and the epoch day; boolean one byte.
 * {@link ChangeSet#lineage} is not encoded: it only matters until a set is committed.
 *
 * <p>Why its own checksum when the journal's records carry one: the promise "a garbled payload is refused, never
 * decoded into a wrong set" then holds wherever a payload travels (journal, snapshot, a test), for 4 bytes and a
 * CRC32C of ~100-300 bytes, which the JDK computes with one instruction per 8 bytes.
 */
public final class ChangeSetCodec {

    /** The journal record type of a change set (journal types are the caller's; this is the projection's). */
    public static final int RECORD_TYPE = 1;
    /** The format this build writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    private static final int CRC_BYTES = 4;

    private static final TxnType[] TXN_TYPES = TxnType.values();
    private static final TxnStatus[] TXN_STATUSES = TxnStatus.values();
    private static final TerminalStatus[] TERMINAL_STATUSES = TerminalStatus.values();
    private static final MerchantStatus[] MERCHANT_STATUSES = MerchantStatus.values();

    private ChangeSetCodec() {
    }

    /** Encodes {@code set} into {@code out} (reset first): the payload is {@code out.array()[0 .. out.length())}. */
    public static void encode(ChangeSet set, PayloadWriter out) {
        out.reset();
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(set.txns.size());
        for (int i = 0; i < set.txns.size(); i++) writeTxn(out, set.txns.get(i));
        out.writeVarLong(set.cards.size());
        for (int i = 0; i < set.cards.size(); i++) {
            CardAccount c = set.cards.get(i);
            out.writeString(c.panHash());
            out.writeString(c.maskedPan());
            out.writeString(c.expiry());
            out.writeString(c.storedPin());
            out.writeZigZag(c.balance());
            out.writeZigZag(c.pinTries());
            out.writeInstant(c.updatedAt());
            out.writeZigZag(c.version());
        }
        out.writeVarLong(set.terminals.size());
        for (int i = 0; i < set.terminals.size(); i++) {
            TerminalState t = set.terminals.get(i);
            out.writeString(t.id());
            out.writeString(t.merchantId());
            out.writeEnum(t.status());
            out.writeBool(t.macRequired());
            out.writeString(t.tmk());
            out.writeString(t.tpk());
            out.writeString(t.tak());
            out.writeString(t.bdk());
            out.writeZigZag(t.batchNo());
            out.writeInstant(t.activatedAt());
            out.writeInstant(t.updatedAt());
            out.writeZigZag(t.version());
        }
        out.writeVarLong(set.merchants.size());
        for (int i = 0; i < set.merchants.size(); i++) {
            MerchantState m = set.merchants.get(i);
            out.writeString(m.id());
            out.writeEnum(m.status());
            out.writeZigZag(m.refundWindowDays());
            out.writeZigZag(m.maxSingleRefund());
            out.writeZigZag(m.dailyRefundLimit());
            List<String> currencies = m.currencies();
            out.writeVarLong(currencies.size());
            for (int k = 0; k < currencies.size(); k++) out.writeString(currencies.get(k));
            out.writeInstant(m.updatedAt());
            out.writeZigZag(m.version());
        }
        out.writeVarLong(set.batches.size());
        for (int i = 0; i < set.batches.size(); i++) {
            BatchState b = set.batches.get(i);
            out.writeString(b.terminalId());
            out.writeZigZag(b.batchNo());
            out.writeBool(b.open());
            out.writeZigZag(b.saleCount());
            out.writeZigZag(b.saleAmount());
            out.writeZigZag(b.refundCount());
            out.writeZigZag(b.refundAmount());
            out.writeInstant(b.openedAt());
            out.writeInstant(b.closedAt());
            out.writeZigZag(b.version());
        }
        out.writeVarLong(set.dayTotals.size());
        for (int i = 0; i < set.dayTotals.size(); i++) {
            MerchantDayTotal d = set.dayTotals.get(i);
            out.writeString(d.merchantId());
            out.writeDate(d.day());
            out.writeZigZag(d.refundAmount());
            out.writeZigZag(d.version());
        }
        out.writeVarLong(set.events.size());
        for (int i = 0; i < set.events.size(); i++) {
            StatusEvent e = set.events.get(i);
            out.writeString(e.subjectKind());
            out.writeString(e.subjectId());
            out.writeString(e.fromStatus());
            out.writeString(e.toStatus());
            out.writeString(e.reason());
            out.writeInstant(e.at());
        }
        // The writer's own checksum: a new one per set was not taken apart by escape analysis, nor were the lists'
        // iterators (hence the indexed loops above): 88 bytes a sale on the thread that journals it.
        CRC32C crc = out.checksum();
        crc.update(out.array(), 0, out.length());
        out.writeIntBigEndian((int) crc.getValue());
    }

    private static void writeTxn(PayloadWriter out, TxnRecord t) {
        out.writeString(t.rrn());
        out.writeString(t.nodeId());
        out.writeEnum(t.type());
        out.writeString(t.mti());
        out.writeString(t.processingCode());
        out.writeString(t.terminalId());
        out.writeString(t.merchantId());
        out.writeString(t.stan());
        out.writeString(t.transmissionTime());
        out.writeString(t.dupKey());
        out.writeString(t.fingerprint());
        out.writeZigZag(t.amount());
        out.writeString(t.currency());
        out.writeString(t.panHash());
        out.writeString(t.maskedPan());
        out.writeString(t.responseCode());
        out.writeString(t.reason());
        out.writeString(t.authCode());
        out.writeEnum(t.status());
        out.writeZigZag(t.refundedAmount());
        out.writeString(t.originalRrn());
        out.writeString(t.originalStan());
        out.writeZigZag(t.batchNo());
        out.writeString(t.host());
        out.writeString(t.hostStan());
        out.writeString(t.hostRrn());
        out.writeInstant(t.createdAt());
        out.writeInstant(t.updatedAt());
        out.writeZigZag(t.version());
    }

    /** The payload of {@code set} in a new array of its exact size (tests, tools; the hot path reuses a writer). */
    public static byte[] encode(ChangeSet set) {
        PayloadWriter w = new PayloadWriter();
        encode(set, w);
        return java.util.Arrays.copyOf(w.array(), w.length());
    }

    public static ChangeSet decode(byte[] payload) {
        return decode(ByteBuffer.wrap(payload));
    }

    /**
     * Decodes the payload in {@code in}'s remaining bytes (its position is left as it was).
     *
     * @throws ChangeSetFormatException if the payload is truncated, garbled, of another format version, has a value
     *                                  out of range, or bytes left over: never a set that was not encoded
     */
    public static ChangeSet decode(ByteBuffer in) {
        int size = in.remaining();
        if (size < 1 + 7 + CRC_BYTES) {
            throw new ChangeSetFormatException("change set payload of " + size + " bytes: truncated (a set takes at least "
                    + (1 + 7 + CRC_BYTES) + ")");
        }
        int bodyEnd = in.position() + size - CRC_BYTES;
        CRC32C crc = new CRC32C();
        ByteBuffer body = in.duplicate();
        body.limit(bodyEnd);
        crc.update(body);
        int stored = in.getInt(bodyEnd);
        if ((int) crc.getValue() != stored) {
            throw new ChangeSetFormatException("change set payload of " + size + " bytes: garbled or truncated (CRC32C "
                    + Integer.toHexString((int) crc.getValue()) + ", stored " + Integer.toHexString(stored) + ")");
        }
        PayloadReader r = new PayloadReader(in, bodyEnd, size);
        int version = r.readByte("formatVersion");
        if (version != FORMAT_VERSION) {
            throw new ChangeSetFormatException("change set payload of " + size + " bytes: format version " + version
                    + " unknown (this build reads " + FORMAT_VERSION + ")");
        }
        ChangeSet set = new ChangeSet();
        r.list = "txns";
        int n = r.readCount("count");
        for (int i = 0; i < n; i++) {
            r.item = i;
            set.txn(readTxn(r));
        }
        r.item = -1;
        r.list = "cards";
        n = r.readCount("count");
        for (int i = 0; i < n; i++) {
            r.item = i;
            set.card(new CardAccount(r.readString("panHash"), r.readString("maskedPan"), r.readString("expiry"),
                    r.readString("storedPin"), r.readZigZag("balance"), r.readInt("pinTries"), r.readInstant("updatedAt"),
                    r.readZigZag("version")));
        }
        r.item = -1;
        r.list = "terminals";
        n = r.readCount("count");
        for (int i = 0; i < n; i++) {
            r.item = i;
            set.terminal(new TerminalState(r.readString("id"), r.readString("merchantId"),
                    r.readEnum("status", TERMINAL_STATUSES), r.readBool("macRequired"), r.readString("tmk"),
                    r.readString("tpk"), r.readString("tak"), r.readString("bdk"), r.readZigZag("batchNo"),
                    r.readInstant("activatedAt"), r.readInstant("updatedAt"), r.readZigZag("version")));
        }
        r.item = -1;
        r.list = "merchants";
        n = r.readCount("count");
        for (int i = 0; i < n; i++) {
            r.item = i;
            String id = r.readString("id");
            MerchantStatus status = r.readEnum("status", MERCHANT_STATUSES);
            int window = r.readInt("refundWindowDays");
            long maxSingle = r.readZigZag("maxSingleRefund");
            long daily = r.readZigZag("dailyRefundLimit");
            int c = r.readCount("currencies");
            List<String> currencies = new ArrayList<>(c);
            for (int k = 0; k < c; k++) currencies.add(r.readString("currencies"));
            set.merchant(new MerchantState(id, status, window, maxSingle, daily, currencies, r.readInstant("updatedAt"),
                    r.readZigZag("version")));
        }
        r.item = -1;
        r.list = "batches";
        n = r.readCount("count");
        for (int i = 0; i < n; i++) {
            r.item = i;
            set.batch(new BatchState(r.readString("terminalId"), r.readZigZag("batchNo"), r.readBool("open"),
                    r.readInt("saleCount"), r.readZigZag("saleAmount"), r.readInt("refundCount"),
                    r.readZigZag("refundAmount"), r.readInstant("openedAt"), r.readInstant("closedAt"),
                    r.readZigZag("version")));
        }
        r.item = -1;
        r.list = "dayTotals";
        n = r.readCount("count");
        for (int i = 0; i < n; i++) {
            r.item = i;
            set.dayTotal(new MerchantDayTotal(r.readString("merchantId"), r.readDate("day"),
                    r.readZigZag("refundAmount"), r.readZigZag("version")));
        }
        r.item = -1;
        r.list = "events";
        n = r.readCount("count");
        for (int i = 0; i < n; i++) {
            r.item = i;
            set.event(new StatusEvent(r.readString("subjectKind"), r.readString("subjectId"),
                    r.readString("fromStatus"), r.readString("toStatus"), r.readString("reason"), r.readInstant("at")));
        }
        r.item = -1;
        r.list = "end";
        if (!r.atEnd()) throw r.error("-", r.remaining() + " bytes left over after the last list");
        return set;
    }

    private static TxnRecord readTxn(PayloadReader r) {
        return new TxnRecord(r.readString("rrn"), r.readString("nodeId"), r.readEnum("type", TXN_TYPES),
                r.readString("mti"), r.readString("processingCode"), r.readString("terminalId"),
                r.readString("merchantId"), r.readString("stan"), r.readString("transmissionTime"),
                r.readString("dupKey"), r.readString("fingerprint"), r.readZigZag("amount"), r.readString("currency"),
                r.readString("panHash"), r.readString("maskedPan"), r.readString("responseCode"),
                r.readString("reason"), r.readString("authCode"), r.readEnum("status", TXN_STATUSES),
                r.readZigZag("refundedAmount"), r.readString("originalRrn"), r.readString("originalStan"),
                r.readZigZag("batchNo"), r.readString("host"), r.readString("hostStan"), r.readString("hostRrn"),
                r.readInstant("createdAt"), r.readInstant("updatedAt"), r.readZigZag("version"));
    }
}
