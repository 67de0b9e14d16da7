package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The search read model's half of a migration: a changed index template, which cannot be applied to an index in
 * place, so the read model moves to a new version filled from the source ({@link IndexBackfillMigration}). The
 * pipeline applies it after the relational half is migrated and validated, and undoes it first when a later step
 * fails, so readers are back on the previous mapping before the previous schema is restored.
 */
public interface MappingMigration {
  /** For results: {@code opensearch[products]}. */
  String name();

  /**
   * Moves readers and the live sync to the new definition.
   *
   * @return what it did; {@code swapped} says whether readers moved
   * @throws Exception when it could not move them (the reason names the step); readers are then where they were
   */
  ObjectNode apply() throws Exception;

  /** Moves readers and the live sync back when {@link #apply} moved them; returns what it did. */
  ObjectNode undo() throws Exception;
}
