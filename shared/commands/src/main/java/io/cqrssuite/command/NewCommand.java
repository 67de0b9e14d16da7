package io.cqrssuite.command;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A full image to publish for the entity {@code (pk, code)}. The service sets the bookkeeping attributes itself
 * ({@code pk, sk, code, id, version, updatedAt, ttl}, and {@code tenantCode} / {@code createdAt} when absent).
 *
 * @param pk {@code TYPE#tenant}, e.g. {@code PRODUCT#acme}
 * @param code the entity's code; must not contain {@code @}, which separates it from the version in {@code sk}
 * @param expectedVersion {@code null}: publish on whatever is latest; {@code 0}: the entity must not exist yet;
 *     {@code n}: the latest version must be {@code n}, or {@link VersionConflictException}
 * @param sourceVersion {@code null} for a write through the API (it gets its write time); else where in time an
 *     unversioned source's content comes from: the command is skipped when the entity holds one newer or equal
 */
public record NewCommand(String pk, String code, ObjectNode image, Long expectedVersion, SourceVersion sourceVersion) {
  public static NewCommand of(String pk, String code, ObjectNode image) {
    return new NewCommand(pk, code, image, null, null);
  }

  /** This command, valid only while the latest version is {@code version}. */
  public NewCommand expecting(long version) {
    return new NewCommand(pk, code, image, version, sourceVersion);
  }

  /** This command, from a source whose content dates from {@code version} (a CSV row). */
  public NewCommand from(SourceVersion version) {
    return new NewCommand(pk, code, image, expectedVersion, version);
  }
}
