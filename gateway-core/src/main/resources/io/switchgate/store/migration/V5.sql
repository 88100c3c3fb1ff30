-- journal log mark: the sequence number of the last journal group committed to this database (H2 file stores replay the groups of their journal log above it after a crash)
CREATE TABLE IF NOT EXISTS journal_mark (
    id  INTEGER NOT NULL,
    seq BIGINT  NOT NULL,
    CONSTRAINT pk_journal_mark PRIMARY KEY (id)
);
INSERT INTO journal_mark (id, seq) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM journal_mark WHERE id = 1);
