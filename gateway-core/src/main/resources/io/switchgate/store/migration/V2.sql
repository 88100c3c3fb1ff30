-- Engine start-up scans the last 24 hours (duplicate index, reversals that came before their original).
CREATE INDEX IF NOT EXISTS ix_transactions_created ON transactions (created_at);
