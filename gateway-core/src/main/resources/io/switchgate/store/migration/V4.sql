-- The engine keeps the last 24 hours of duplicate keys in memory (loaded at start through created_at), so the
-- dup_key index only cost every journal insert an extra B-tree write. findByDupKey still works (by scan).
DROP INDEX IF EXISTS ix_transactions_dup_key;
