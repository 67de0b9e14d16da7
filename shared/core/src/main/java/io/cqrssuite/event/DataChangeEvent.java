package io.cqrssuite.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One DynamoDB stream record, with keys and images already converted from the attribute-value format to plain
 * JSON (numbers as exact decimals, binary as base64 strings, sets as arrays).
 *
 * <p>{@link #change()} normalises it to the {@link ChangeRecord} sync targets consume, or says it is housekeeping.
 */
public record DataChangeEvent(
    String eventId,
    String tableName,
    Operation operation,
    boolean removedByTtl,
    ObjectNode keys,
    ObjectNode oldImage,
    ObjectNode newImage,
    String sequenceNumber,
    Instant approximateCreationTime,
    String streamArn,
    String region)
    implements DomainEvent {

  /** The stream's {@code eventName}. */
  public enum Operation {
    INSERT,
    MODIFY,
    REMOVE
  }

  @Override
  public EventSource source() {
    return EventSource.DYNAMODB_STREAM;
  }

  public TableKind tableKind() {
    return TableKind.of(tableName);
  }

  /**
   * The entity change this record stands for, or empty when it changes no entity: a TTL expiry (DynamoDB's own
   * housekeeping), a {@code REMOVE} on a command table (old command versions are cleaned up, entities are deleted
   * by an {@code isDeleted} command), or a history-table write.
   *
   * @throws InvalidEventException when the image lacks what an entity needs (pk, code, an integral version)
   */
  public Optional<ChangeRecord> change() {
    TableKind kind = tableKind();
    boolean remove = operation == Operation.REMOVE;
    if (remove && (removedByTtl || kind == TableKind.COMMAND)) {
      return Optional.empty();
    }
    if (kind == TableKind.HISTORY) {
      return Optional.empty();
    }
    String imageName = remove ? "OldImage" : "NewImage";
    ObjectNode image = remove ? oldImage : newImage;
    if (image == null) {
      throw new InvalidEventException(
          "dynamodb." + imageName,
          "missing; the stream view type must include "
              + (remove ? "old images (NEW_AND_OLD_IMAGES or OLD_IMAGE)" : "new images (NEW_AND_OLD_IMAGES or NEW_IMAGE)"));
    }
    String pk = text(image, "pk", imageName);
    if (pk == null) {
      pk = text(keys, "pk", "Keys");
    }
    if (pk == null) {
      throw new InvalidEventException("dynamodb." + imageName + ".pk", "missing string attribute 'pk'");
    }
    String code = text(image, "code", imageName);
    if (code == null) {
      String sk = text(image, "sk", imageName);
      if (sk == null) {
        sk = text(keys, "sk", "Keys");
      }
      if (sk == null) {
        throw new InvalidEventException(
            "dynamodb." + imageName, "missing both 'code' and 'sk': the entity's code cannot be told");
      }
      code = kind == TableKind.COMMAND ? codeOfCommandKey(sk) : sk;
    }
    long version = version(image, imageName);
    JsonNode isDeleted = image.get("isDeleted");
    boolean deleted = remove || (isDeleted != null && isDeleted.isBoolean() && isDeleted.booleanValue());
    return Optional.of(
        new ChangeRecord(tableName, pk, code, ChangeRecord.idOf(pk, code), version, deleted, image));
  }

  /** {@code code@0000000012} gives {@code code}: the part before the last {@code @}. */
  static String codeOfCommandKey(String sk) {
    int at = sk.lastIndexOf('@');
    return at < 0 ? sk : sk.substring(0, at);
  }

  private static String text(ObjectNode node, String field, String where) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.textValue().isEmpty()) {
      throw new InvalidEventException(
          "dynamodb." + where + "." + field, "must be a non-empty string (S), found " + value.getNodeType());
    }
    return value.textValue();
  }

  private static long version(ObjectNode image, String imageName) {
    JsonNode value = image.get("version");
    String where = "dynamodb." + imageName + ".version";
    if (value == null || value.isNull()) {
      throw new InvalidEventException(where, "missing; every synced entity needs a numeric 'version' (N)");
    }
    if (!value.isNumber()) {
      throw new InvalidEventException(where, "must be a number (N), found " + value.getNodeType());
    }
    if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new InvalidEventException(where, "must be a non-negative integer, found " + value.asText());
    }
    return value.longValue();
  }
}
