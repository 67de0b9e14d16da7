-- ./suite run only (never shipped): the migration that completes. A nullable column the sync leaves empty, so the
-- live sync, the validation and the health check all pass.
ALTER TABLE product ADD COLUMN origin varchar(40);
