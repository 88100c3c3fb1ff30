-- projection batch: the first journal sequence of the projection's last batch (issue 14). Records batch_from..seq are
-- what an H2 file may hold only in part after a kill in the middle of that commit; the next start writes them again.
-- seq + 1 once a checkpoint has written the file whole (nothing to write again); NULL (rows from before): unknown.
ALTER TABLE projection_mark ADD COLUMN IF NOT EXISTS batch_from BIGINT;
