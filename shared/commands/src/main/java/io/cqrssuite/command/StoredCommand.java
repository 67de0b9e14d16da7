package io.cqrssuite.command;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One version of an entity as stored: the command item as plain JSON, large attributes still as S3 pointers (resolve
 * them with {@link CommandImages#resolve}). Read-only by convention.
 */
public record StoredCommand(String pk, String code, long version, boolean deleted, ObjectNode image) {}
