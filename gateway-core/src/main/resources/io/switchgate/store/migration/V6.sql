-- merchant currencies: the DE 49 codes a merchant accepts, comma-separated 3-digit codes (NULL, rows from before: "156")
ALTER TABLE merchants ADD COLUMN IF NOT EXISTS currencies VARCHAR(200);
