-- projection mark: the journal sequence of the last record the projection tailer applied to these tables (issue 14); set in the same transaction as the rows it applied
CREATE TABLE IF NOT EXISTS projection_mark (
    id  INTEGER NOT NULL,
    seq BIGINT  NOT NULL,
    CONSTRAINT pk_projection_mark PRIMARY KEY (id)
);
INSERT INTO projection_mark (id, seq) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM projection_mark WHERE id = 1);
