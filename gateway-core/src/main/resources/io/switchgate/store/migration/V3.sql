-- store-and-forward queue: reversal advices (0420/0421) waiting for a host, leased to one node at a time
-- Never a PAN, track or PIN block column: a reversal is rebuilt from STAN, RRN, DE 7, amount and DE 90.
CREATE TABLE IF NOT EXISTS saf_messages (
    id                VARCHAR(40)  NOT NULL,
    host              VARCHAR(64)  NOT NULL,
    kind              VARCHAR(16)  NOT NULL,
    mti               VARCHAR(4)   NOT NULL,
    stan              VARCHAR(12),
    rrn               VARCHAR(32),
    transmission_time VARCHAR(16),
    processing_code   VARCHAR(6),
    amount            BIGINT       NOT NULL,
    currency          VARCHAR(3),
    acquirer_id       VARCHAR(16),
    terminal_id       VARCHAR(32),
    merchant_id       VARCHAR(32),
    original_data     VARCHAR(64),
    txn_rrn           VARCHAR(32),
    reason            VARCHAR(64),
    status            VARCHAR(12)  NOT NULL,
    attempts          INTEGER      NOT NULL,
    next_attempt_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner       VARCHAR(64),
    lease_until       TIMESTAMP WITH TIME ZONE,
    last_result       VARCHAR(64),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_saf_messages PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_saf_messages_due ON saf_messages (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS ix_saf_messages_host ON saf_messages (host, status);
