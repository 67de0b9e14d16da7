package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One entry of the generated command log: a product at a version, with its full image as the command table holds
 * it ({@code pk}, {@code sk = code@0000000012}, {@code version}, {@code isDeleted}, the product's fields).
 *
 * @param expiry {@code true} for a TTL expiry of this (old) command item: a REMOVE on the command table that must
 *     change nothing
 */
public record ProductCommand(String tenant, String code, long version, boolean deleted, boolean expiry, ObjectNode image) {
  public String id() {
    return "PRODUCT#" + tenant + "#" + code;
  }
}
