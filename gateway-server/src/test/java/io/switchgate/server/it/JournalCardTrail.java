package io.switchgate.server.it;

import io.switchgate.journal.JournalReader;
import io.switchgate.model.CardAccount;
import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;
import io.switchgate.projection.ChangeSetCodec;
import io.switchgate.store.ChangeSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Follows one card through a file journal, record by record, for a kill test that found the card's balance apart
 * from its transactions: every record that writes the card must leave it at the balance its first record (or the
 * opening balance) gives once every approved sale and refund of that card journaled so far is counted once. The first
 * record that does not names where the money went astray: in the journal itself (a decision), or only in the store
 * (the projection), if the journal's trail is whole.
 */
final class JournalCardTrail {
    private JournalCardTrail() {
    }

    /** A line saying whether the card's trail through the journal in {@code dir} is whole, and if not where it breaks. */
    static String follow(Path dir, String panHash, long opening) {
        long debited = 0;
        long credited = 0;
        long records = 0;
        long lastBalance = Long.MIN_VALUE;
        long lastSequence = 0;
        Set<String> counted = new HashSet<>();
        StringBuilder breaks = new StringBuilder();
        int broken = 0;
        try (JournalReader r = JournalReader.open(dir, JournalReader.firstSequence(dir))) {
            long first = JournalReader.firstSequence(dir);
            while (r.next()) {
                if (r.type() != ChangeSetCodec.RECORD_TYPE) continue;
                records++;
                ChangeSet set = ChangeSetCodec.decode(r.payload());
                for (TxnRecord t : set.txns) {
                    if (!panHash.equals(t.panHash()) || !t.approved() || !counted.add(t.rrn())) continue;
                    if (t.type() == TxnType.SALE) debited += t.amount();
                    else if (t.type() == TxnType.REFUND) credited += t.amount();
                }
                for (CardAccount c : set.cards) {
                    if (!panHash.equals(c.panHash())) continue;
                    long expected = opening - debited + credited;
                    if (c.balance() != expected && broken++ < 5) {
                        breaks.append(" record ").append(r.sequence()).append(": balance ").append(c.balance())
                                .append(", its transactions give ").append(expected).append(" (").append(set.txns.size())
                                .append(" transactions in it);");
                    }
                    lastBalance = c.balance();
                    lastSequence = r.sequence();
                }
            }
            return "journal from record " + first + ", " + records + " change sets: the card last written at record "
                    + lastSequence + " with balance " + lastBalance + "; its approved transactions give "
                    + (opening - debited + credited) + (broken == 0 ? "; the trail is whole"
                    : "; " + broken + " records break it:" + breaks);
        } catch (IOException | RuntimeException e) {
            return "journal not readable: " + e;
        }
    }
}
