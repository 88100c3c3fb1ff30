-- projection owner: which node's file journal the tables are the projection of (PostgreSQL with sharedByNodes: false),
-- set at its start, cleared once a clean stop has applied every journaled record. Set while no such node runs: it
-- stopped before its projection caught up, so a gateway that would make these tables its journal refuses them.
ALTER TABLE projection_mark ADD COLUMN IF NOT EXISTS journal_owner VARCHAR(400);
