-- the terminal's request kept beside a held reversal (several nodes on one PostgreSQL, whose holds are queue rows)
-- A node killed while a host decided releases the held reversal at its next start, and journals the request itself as
-- answered 91 HOST_ANSWER_LOST, so that its retransmission is not sent to the host a second time. A node with a file
-- journal keeps the request in its journal of held reversals; a queue row kept none. One line of text
-- (LostHostAnswer.toText), no PAN; null for every other row.
ALTER TABLE saf_messages ADD COLUMN IF NOT EXISTS held_request VARCHAR(2048);
