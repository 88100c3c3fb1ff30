-- One index less on every journal insert: duplicate lookups (only when several nodes share the store) go through
-- ix_transactions_terminal_stan, since terminal and STAN are part of every duplicate key. On H2 this index cost
-- about a quarter of a single-transaction commit (docs/benchmarks.md, "Hot spots").
DROP INDEX IF EXISTS ix_transactions_dup_key;
