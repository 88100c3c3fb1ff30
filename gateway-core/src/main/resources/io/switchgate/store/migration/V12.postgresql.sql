-- reversals that found no original, by terminal and original STAN (several nodes: a late original is refused on any)
-- A reversal answered 25 on one node must stop the late original on every node (12 REVERSED_BEFORE_ARRIVAL). The
-- node that gets the original asks the store, for the requests it decides together, in one query through this index.
-- Partial: it holds only such reversals (a few), so it costs nothing on the inserts of sales.
CREATE INDEX IF NOT EXISTS ix_transactions_orphan_reversals ON transactions (terminal_id, original_stan, created_at) WHERE txn_type = 'REVERSAL' AND original_rrn IS NULL;
