-- The product read model (MySQL/MariaDB). Rows are written only by the version-guarded upsert of the RDS sync
-- (docs/contract.md §2): id is the entity id (pk#code), version the command version; a delete leaves a
-- tombstone row (is_deleted = true) that reads skip through product_live and a scheduled purge removes later.
-- Keys use a binary collation: ids are case-sensitive, as in DynamoDB. Timestamps are UTC.
CREATE TABLE product (
    id          VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    pk          VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    code        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    tenant_code VARCHAR(64),
    name        VARCHAR(200),
    description TEXT,
    -- Minor units (cents, yen): exact, no floating point.
    price       BIGINT,
    category    VARCHAR(64),
    tags        JSON,
    is_active   BOOLEAN,
    created_at  DATETIME(3),
    updated_at  DATETIME(3),
    -- Every image attribute without a column of its own, so a new attribute is kept before it gets one.
    attributes  JSON,
    version     BIGINT       NOT NULL,
    is_deleted  BOOLEAN      NOT NULL DEFAULT FALSE,
    synced_at   DATETIME(3)  NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT product_price_not_negative CHECK (price >= 0),
    INDEX product_category_idx (category),
    INDEX product_is_active_idx (is_active),
    INDEX product_price_idx (price),
    INDEX product_tombstone_idx (is_deleted, synced_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- What queries read: live products only, never tombstones.
CREATE VIEW product_live AS
SELECT id, pk, code, tenant_code, name, description, price, category, tags, is_active, created_at, updated_at,
       attributes, version, synced_at
FROM product
WHERE NOT is_deleted;
