-- Valid SQL that breaks the sync: a NOT NULL column without a default, which the sync's upsert does not fill.
ALTER TABLE item ADD COLUMN region varchar(20) NOT NULL DEFAULT 'eu';
ALTER TABLE item ALTER COLUMN region DROP DEFAULT;
CREATE TABLE item_region (code varchar(20) PRIMARY KEY);
