package io.cqrssuite.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One DynamoDB stream record of any table, whatever its key schema: the table, the operation, the keys (S, N or B)
 * and the old and new images, converted from the attribute-value format to plain JSON (numbers as exact decimals,
 * binary as base64 strings, sets as arrays), the sequence number, the approximate creation time (second precision:
 * never a version), whether a removal came from TTL, and the tumbling window when the mapping has one.
 *
 * <p>Nothing here asks for an entity id or a version: only the read models do, through the table's mapping
 * ({@link io.cqrssuite.entity.TableMappings}), which turns the change into a {@link ChangeRecord} or leaves it to the
 * handlers (contract §1).
 *
 * @param window {@code null} outside a tumbling window
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
    String region,
    TumblingWindow window)
    implements DomainEvent {

  /** A change delivered outside a tumbling window. */
  public DataChangeEvent(
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
      String region) {
    this(eventId, tableName, operation, removedByTtl, keys, oldImage, newImage, sequenceNumber, approximateCreationTime,
        streamArn, region, null);
  }

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
}
