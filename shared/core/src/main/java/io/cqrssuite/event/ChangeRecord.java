package io.cqrssuite.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one shape every sync target consumes (contract §1): an entity {@code (table, pk, code)} at a version, with
 * its full image, either alive or deleted. Whatever table or source a change came from, it normalises to this.
 *
 * @param id {@code pk#code}, the read models' primary key
 * @param version strictly increasing per entity; writes are guarded by it
 * @param deleted {@code true} for a delete ({@code REMOVE} on a data table, or {@code isDeleted = true}); the
 *     image is then the last image the entity had
 * @param image plain JSON (attribute values already converted); read-only by convention
 */
public record ChangeRecord(
    String table, String pk, String code, String id, long version, boolean deleted, ObjectNode image) {

  public static String idOf(String pk, String code) {
    return pk + "#" + code;
  }
}
