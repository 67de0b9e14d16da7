-- The tests' read-model table, with a view over it and an index beside its key.
CREATE TABLE item (
    id         text        PRIMARY KEY,
    pk         text        NOT NULL,
    code       text        NOT NULL,
    name       varchar(200),
    price      bigint      CONSTRAINT item_price_not_negative CHECK (price >= 0),
    version    bigint      NOT NULL,
    is_deleted boolean     NOT NULL DEFAULT false,
    synced_at  timestamptz NOT NULL
);
CREATE INDEX item_name_idx ON item (name);
CREATE VIEW item_live AS SELECT id, name, price FROM item WHERE NOT is_deleted;
