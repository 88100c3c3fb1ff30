package io.switchgate.store;

import io.switchgate.model.TxnRecord;
import io.switchgate.model.TxnType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where several nodes decide on one store: the checks a commit makes so that a decision never stands beside another
 * node's decision it did not see, when both were taken at the same moment. Each node reads the store before it
 * decides, but two nodes may each read before the other commits, and when their commits write different rows no
 * version check catches it. A black-box audit on two PostgreSQL nodes found two such races:
 * <ul>
 *   <li>the same request (same terminal, DE 11 and DE 7) sent to both nodes at once was approved on each, under two
 *       RRNs, and the card debited twice ("nothing is processed twice", contract section 5);</li>
 *   <li>an original on one node and its reversal on the other at once: the reversal answered {@code 25} and kept, the
 *       original approved and standing (either order alone is refused or reversed).</li>
 * </ul>
 * So a new transaction record is checked, in its commit, against the rows other commits have made since its node
 * read: another record under its duplicate key; for an approved original, a reversal kept because it found no
 * original (terminal and original STAN); for such a reversal, an original it should have found. Any of them rejects
 * its set with a {@link ConcurrentUpdateException}, and the engine decides it again on what the store now holds (a
 * retransmission's answer, a refusal, a reversal of the original). On PostgreSQL the commit first takes a
 * transaction-scoped advisory lock per terminal and STAN, in order, so that of two such commits the second reads
 * after the first has committed (READ COMMITTED: each statement sees what was committed before it began); H2 writers
 * are serialized already ({@link H2WriteLock}).
 */
final class DecisionClaims {
    /** The contract's duplicate window, and how long a reversal that found no original is kept. */
    static final Duration WINDOW = Duration.ofHours(24);


    private DecisionClaims() {
    }

    /**
     * Rejects ({@code result[i]}) each set of {@code group} with a new record that another commit's row contradicts.
     * Sets already rejected are skipped. Runs in the group's transaction on {@code c}, before its rows are written.
     */
    static void check(Connection c, boolean postgres, List<ChangeSet> group, RuntimeException[] result) throws SQLException {
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            if (result[i] != null) continue;
            for (TxnRecord t : group.get(i).txns) {
                if (t.version() != 1 || t.terminalId() == null || t.createdAt() == null) continue;
                boolean orphan = isOrphanReversal(t);
                boolean original = isApprovedOriginal(t);
                if (t.dupKey() != null || orphan || original) {
                    claims.add(new Claim(i, t, orphan, original, orphan ? group.get(i).reversalNamedDe7 : null));
                }
            }
        }
        if (claims.isEmpty()) return;
        Set<Pair> pairs = new TreeSet<>(); // sorted: two commits lock their common pairs in the same order
        Instant since = null;
        for (Claim k : claims) {
            if (k.record.stan() != null) pairs.add(new Pair(k.record.terminalId(), k.record.stan()));
            if (k.orphan) pairs.add(new Pair(k.record.terminalId(), k.record.originalStan()));
            Instant from = k.record.createdAt().minus(WINDOW);
            if (since == null || from.isBefore(since)) since = from;
        }
        if (pairs.isEmpty()) return;
        if (postgres) lock(c, pairs);
        List<Row> rows = read(c, pairs, since);
        for (Claim k : claims) {
            if (result[k.set] != null) continue;
            String why = contradiction(k, rows);
            // ... and against the sets before it in this very group, which no read sees: a node that decided again on
            // fresh state (after a lost race) forgot its own decisions still on their way to the store, so an original
            // and the reversal that did not find it could come from one node in one group (an audit on two
            // PostgreSQL nodes: a sale approved beside its reversal's 25, both journaled by node 01)
            if (why == null) why = contradiction(k, earlierInGroup(group, k.set, result));
            if (why == null) continue;
            String what = "transactions " + k.record.rrn() + ": " + why;
            result[k.set] = why.startsWith(ANSWERED_ELSEWHERE) ? new AnsweredElsewhereException(what) : new ConcurrentUpdateException(what);
        }
    }

    private static final String ANSWERED_ELSEWHERE = "another node answered the same request (its duplicate key) as ";

    /** A new record and what it claims; {@code namedDe7}: the original's DE 7 a kept reversal named (see ChangeSet). */
    private record Claim(int set, TxnRecord record, boolean orphan, boolean original, String namedDe7) { }

    /** What another commit's row says against this record, or null. */
    private static String contradiction(Claim k, List<Row> rows) {
        TxnRecord t = k.record;
        Instant since = t.createdAt().minus(WINDOW);
        for (Row r : rows) {
            if (r.rrn.equals(t.rrn()) || r.createdAt.isBefore(since) || !r.terminalId.equals(t.terminalId())) continue;
            // (a reversal answered 96 without a decision is no answer that stands against a decision of its repeat;
            // against another 96 of it, it does: one 96 under a key, not two RRNs a re-audit saw)
            if (t.dupKey() != null && t.dupKey().equals(r.dupKey) && t.stan() != null && t.stan().equals(r.stan)
                    && (!r.undecided || t.undecidedReversal())) {
                return ANSWERED_ELSEWHERE + r.rrn;
            }
            if (k.original && r.orphanReversal && t.stan() != null && t.stan().equals(r.originalStan)) {
                return "another node kept a reversal of STAN " + t.stan() + " that found no original (" + r.rrn + ")";
            }
            if (k.orphan && r.original && t.originalStan().equals(r.stan)
                    && (k.namedDe7 == null || k.namedDe7.equals(r.transmissionTime))) {
                return "another node journaled an original with STAN " + r.stan + " (" + r.rrn + ") this reversal did not find";
            }
        }
        return null;
    }

    /** The new records of the sets before {@code set} in {@code group} that still stand, as rows. */
    private static List<Row> earlierInGroup(List<ChangeSet> group, int set, RuntimeException[] result) {
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < set; j++) {
            if (result[j] != null) continue;
            for (TxnRecord t : group.get(j).txns) {
                if (t.version() != 1 || t.terminalId() == null || t.createdAt() == null) continue;
                boolean reversal = t.type() == TxnType.REVERSAL;
                rows.add(new Row(t.rrn(), t.terminalId(), t.stan(), t.dupKey(), isOrphanReversal(t), t.originalStan(),
                        !reversal && t.type() != TxnType.SETTLEMENT && t.dupKey() != null && !LATE_ORIGINAL.equals(t.reason()),
                        t.transmissionTime(), t.createdAt(),
                        t.undecidedReversal()));
            }
        }
        return rows;
    }

    /** A reversal answered without an original (25), kept to refuse a late original. */
    private static boolean isOrphanReversal(TxnRecord t) {
        return t.type() == TxnType.REVERSAL && t.originalRrn() == null && t.originalStan() != null;
    }

    /**
     * An approved sale, refund or void (not screened: it has a duplicate key): the kinds the engine refuses after a
     * reversal of their STAN was kept ({@code LateOriginalRule}), and only those, or a balance inquiry on such a STAN
     * would be decided again until 96.
     */
    private static boolean isApprovedOriginal(TxnRecord t) {
        return (t.type() == TxnType.SALE || t.type() == TxnType.REFUND || t.type() == TxnType.VOID) && t.dupKey() != null
                && t.stan() != null && t.approved();
    }

    /** A terminal and a STAN: what a claim is locked and read by. */
    private record Pair(String terminalId, String stan) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            int byTerminal = terminalId.compareTo(o.terminalId);
            return byTerminal != 0 ? byTerminal : stan.compareTo(o.stan);
        }
    }

    private static void lock(Connection c, Set<Pair> pairs) throws SQLException {
        // One statement for every pair, in the sorted order the subquery hands them to the aggregate.
        try (PreparedStatement ps = c.prepareStatement("SELECT count(pg_advisory_xact_lock(hashtextextended("
                + "coalesce(current_schema(), '') || '|claim|' || k, 0))) FROM (SELECT k FROM unnest(?::text[]) AS u(k) ORDER BY k) s")) {
            List<String> keys = new ArrayList<>(pairs.size());
            for (Pair p : pairs) keys.add(p.terminalId + '|' + p.stan); // (two pairs may share a key: they wait on each other)
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            ps.executeQuery().close();
        }
    }

    private record Row(String rrn, String terminalId, String stan, String dupKey, boolean orphanReversal, String originalStan,
                       boolean original, String transmissionTime, Instant createdAt, boolean undecided) { }

    /**
     * The reason an original is refused when a reversal of its STAN came first ({@code LateOriginalRule}). Counted as an
     * original that reversal missed, it had the reversal decided again to {@code 00} beside the original's {@code 12}
     * (an audit: 12-16 in 300 rounds, no money moved, two answers that contradict each other).
     */
    private static final String LATE_ORIGINAL = "REVERSED_BEFORE_ARRIVAL";


    /** The rows under these terminal and STAN pairs (by STAN, or by original STAN for kept reversals) since {@code since}. */
    private static List<Row> read(Connection c, Set<Pair> pairs, Instant since) throws SQLException {
        StringBuilder in = new StringBuilder("(");
        for (int i = 0; i < pairs.size(); i++) in.append(i == 0 ? "(?, ?)" : ", (?, ?)");
        in.append(')');
        String columns = "SELECT rrn, terminal_id, stan, dup_key, txn_type, original_rrn, original_stan, transmission_time, created_at,"
                + " response_code, reason FROM transactions";
        String sql = columns + " WHERE (terminal_id, stan) IN " + in + " AND created_at >= ? UNION ALL " + columns
                + " WHERE txn_type = 'REVERSAL' AND original_rrn IS NULL AND created_at >= ? AND (terminal_id, original_stan) IN " + in;
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int at = 1;
            at = bindPairs(ps, at, pairs);
            JdbcTable.bind(ps, at++, JdbcTable.Kind.TS, since);
            JdbcTable.bind(ps, at++, JdbcTable.Kind.TS, since);
            bindPairs(ps, at, pairs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(5);
                    boolean reversal = "REVERSAL".equals(type);
                    String dupKey = rs.getString(4);
                    boolean orphan = reversal && rs.getString(6) == null && rs.getString(7) != null;
                    // an original refused because a reversal of its STAN was kept is no original that reversal missed
                    boolean original = !reversal && !"SETTLEMENT".equals(type) && dupKey != null
                            && !LATE_ORIGINAL.equals(rs.getString(11));
                    rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), dupKey, orphan, rs.getString(7),
                            original, rs.getString(8), JdbcTable.instant(rs, 9), TxnRecord.undecidedReversal(type, rs.getString(10), rs.getString(11))));
                }
            }
        }
        return rows;
    }

    private static int bindPairs(PreparedStatement ps, int at, Set<Pair> pairs) throws SQLException {
        for (Pair p : pairs) {
            ps.setString(at++, p.terminalId);
            ps.setString(at++, p.stan);
        }
        return at;
    }
}
