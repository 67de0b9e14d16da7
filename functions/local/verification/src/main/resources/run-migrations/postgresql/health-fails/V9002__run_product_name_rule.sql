-- ./suite run only (never shipped): the migration whose health check fails. NOT VALID skips the existing rows, so
-- Flyway and the validation pass; every new write of a product named three characters or more (all of them) breaks
-- the rule, so the canary write fails and the pipeline rolls back.
ALTER TABLE product ADD CONSTRAINT product_name_rule CHECK (char_length(name) < 3) NOT VALID;
