-- The product read model (PostgreSQL). Rows are written only by the version-guarded upsert of the RDS sync
-- (docs/contract.md §2): id is the entity id (pk#code), version the command version; a delete leaves a
-- tombstone row (is_deleted = true) that reads skip through product_live and a scheduled purge removes later.
CREATE TABLE product (
    id          text        PRIMARY KEY,
    pk          text        NOT NULL,
    code        text        NOT NULL,
    tenant_code varchar(64),
    name        varchar(200),
    description text,
    -- Minor units (cents, yen): exact, no floating point.
    price       bigint      CONSTRAINT product_price_not_negative CHECK (price >= 0),
    category    varchar(64),
    tags        jsonb,
    is_active   boolean,
    created_at  timestamptz,
    updated_at  timestamptz,
    -- Every image attribute without a column of its own, so a new attribute is kept before it gets one.
    attributes  jsonb,
    version     bigint      NOT NULL,
    is_deleted  boolean     NOT NULL DEFAULT false,
    synced_at   timestamptz NOT NULL
);

CREATE INDEX product_category_idx ON product (category) WHERE NOT is_deleted;
CREATE INDEX product_is_active_idx ON product (is_active) WHERE NOT is_deleted;
CREATE INDEX product_price_idx ON product (price) WHERE NOT is_deleted;
-- The tombstone purge: old tombstones by age.
CREATE INDEX product_tombstone_idx ON product (synced_at) WHERE is_deleted;

-- What queries read: live products only, never tombstones.
CREATE VIEW product_live AS
SELECT id, pk, code, tenant_code, name, description, price, category, tags, is_active, created_at, updated_at,
       attributes, version, synced_at
FROM product
WHERE NOT is_deleted;
