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
 */
public record NewCommand(String pk, String code, ObjectNode image, Long expectedVersion) {
  public static NewCommand of(String pk, String code, ObjectNode image) {
    return new NewCommand(pk, code, image, null);
  }

  /** This command, valid only while the latest version is {@code version}. */
  public NewCommand expecting(long version) {
    return new NewCommand(pk, code, image, version);
  }
}
