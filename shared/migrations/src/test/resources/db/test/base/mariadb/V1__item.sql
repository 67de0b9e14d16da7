-- The tests' read-model table, with a view over it and an index beside its key.
CREATE TABLE item (
    id         VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    pk         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    code       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    name       VARCHAR(200),
    price      BIGINT,
    version    BIGINT      NOT NULL,
    is_deleted BOOLEAN     NOT NULL DEFAULT FALSE,
    synced_at  DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT item_price_not_negative CHECK (price >= 0),
    INDEX item_name_idx (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE VIEW item_live AS SELECT id, name, price FROM item WHERE NOT is_deleted;
