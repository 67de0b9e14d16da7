-- The to-do read model (PostgreSQL), applied by Flyway: by StarterSchemaHandler at deploy time, by the test before
-- it pushes events. Rows are written only by the suite's version-guarded upsert: id is the entity id (pk#code, here
-- TODO#<listId>#<todoId>), version the item's version; a REMOVE leaves a tombstone row (is_deleted = true) that
-- reads skip through todo_live.
CREATE TABLE todo (
    id           text        PRIMARY KEY,
    pk           text        NOT NULL,
    code         text        NOT NULL,
    list_id      text,
    title        text,
    done         boolean,
    completed_at timestamptz,
    created_at   timestamptz,
    updated_at   timestamptz,
    -- Every item attribute without a column of its own, so a new attribute is kept before it gets one.
    attributes   jsonb,
    version      bigint      NOT NULL,
    is_deleted   boolean     NOT NULL DEFAULT false,
    synced_at    timestamptz NOT NULL
);

CREATE INDEX todo_list_idx ON todo (list_id, done) WHERE NOT is_deleted;
-- For purging old tombstones by age.
CREATE INDEX todo_tombstone_idx ON todo (synced_at) WHERE is_deleted;

-- What queries read: live to-dos only, never tombstones.
CREATE VIEW todo_live AS
SELECT id, pk, code, list_id, title, done, completed_at, created_at, updated_at, attributes, version, synced_at
FROM todo
WHERE NOT is_deleted;
