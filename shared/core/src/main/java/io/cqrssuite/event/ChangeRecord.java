package io.cqrssuite.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one shape every sync target consumes (contract §1): an entity {@code (table, pk, code)} at a version, with
 * its full image, either alive or deleted. Whatever table or source a change came from, its table mapping
 * ({@link io.cqrssuite.entity.TableMappings}) normalises it to this.
 *
 * @param id {@code pk#code}, the read models' primary key
 * @param version strictly increasing per entity; writes are guarded by it
 * @param deleted {@code true} for a delete ({@code REMOVE} on a data table, or {@code isDeleted = true}); the
 *     image is then the last image the entity had
 * @param image plain JSON (attribute values already converted); read-only by convention
 * @param type the entity type its table mapping names ({@code null} when the change was built by hand without one)
 */
public record ChangeRecord(
    String table, String pk, String code, String id, long version, boolean deleted, ObjectNode image, String type) {

  /** A change without an entity type: built by hand, as tests and tools do. */
  public ChangeRecord(String table, String pk, String code, String id, long version, boolean deleted, ObjectNode image) {
    this(table, pk, code, id, version, deleted, image, null);
  }

  public static String idOf(String pk, String code) {
    return pk + "#" + code;
  }
}
