-- projection unforced save: the first journal sequence after the last save of the tables that was not forced, and the
-- boot of the operating system it was made in. It counts at a start in the same boot only (a killed process leaves
-- its written pages with the system; a power loss or a system crash changes the boot); batch_from stays the forced one.
ALTER TABLE projection_mark ADD COLUMN IF NOT EXISTS unforced_from BIGINT;
ALTER TABLE projection_mark ADD COLUMN IF NOT EXISTS unforced_boot VARCHAR(64);
