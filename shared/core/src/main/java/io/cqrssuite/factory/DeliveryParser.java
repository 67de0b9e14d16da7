package io.cqrssuite.factory;

import static io.cqrssuite.factory.JsonFields.object;
import static io.cqrssuite.factory.JsonFields.optionalInstant;
import static io.cqrssuite.factory.JsonFields.optionalLong;
import static io.cqrssuite.factory.JsonFields.optionalObject;
import static io.cqrssuite.factory.JsonFields.optionalText;
import static io.cqrssuite.factory.JsonFields.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.TumblingWindow;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.MessageAttribute;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns delivered records into the suite's built-in typed events, unwrapping nested deliveries (contract §7):
 * SNS inside SQS (enveloped or raw), S3 inside SQS or SNS, S3 through EventBridge, Step Functions tasks inside
 * SQS, and {@code s3:TestEvent} (acknowledged: no events).
 */
final class DeliveryParser {
  private final ObjectMapper mapper;
  private final AttributeValueJson attributeValues;

  DeliveryParser(ObjectMapper mapper) {
    this.mapper = mapper;
    this.attributeValues = new AttributeValueJson(mapper.getNodeFactory());
  }

  // ---- S3 ----------------------------------------------------------------------------------------------------

  /** One record of S3's own notification format; the key is URL-decoded ({@code +} is a space, UTF-8). */
  S3ObjectEvent s3Record(JsonNode record, String where) {
    JsonNode s3 = object(record, "s3", where);
    String bucket = text(object(s3, "bucket", where + ".s3"), "name", where + ".s3.bucket");
    JsonNode object = object(s3, "object", where + ".s3");
    String at = where + ".s3.object";
    String key = decodeKey(text(object, "key", at), at + ".key");
    String sequencer = optionalText(object, "sequencer", at);
    return new S3ObjectEvent(
        S3ObjectEvent.idOf(bucket, key, sequencer),
        text(record, "eventName", where),
        bucket,
        key,
        optionalLong(object, "size", at, -1),
        optionalText(object, "eTag", at),
        optionalText(object, "versionId", at),
        sequencer,
        optionalInstant(record, "eventTime", where),
        optionalText(record, "awsRegion", where));
  }

  /** S3 events through EventBridge: keys arrive unencoded there, names are mapped onto S3's own. */
  S3ObjectEvent s3FromEventBridge(JsonNode event, String where) {
    JsonNode detail = object(event, "detail", where);
    String at = where + ".detail";
    String bucket = text(object(detail, "bucket", at), "name", at + ".bucket");
    JsonNode object = object(detail, "object", at);
    String key = text(object, "key", at + ".object");
    String sequencer = optionalText(object, "sequencer", at + ".object");
    return new S3ObjectEvent(
        S3ObjectEvent.idOf(bucket, key, sequencer),
        s3EventName(text(event, "detail-type", where), detail, at),
        bucket,
        key,
        optionalLong(object, "size", at + ".object", -1),
        optionalText(object, "etag", at + ".object"),
        optionalText(object, "version-id", at + ".object"),
        sequencer,
        optionalInstant(event, "time", where),
        optionalText(event, "region", where));
  }

  private static String s3EventName(String detailType, JsonNode detail, String where) {
    if ("Object Created".equals(detailType)) {
      String reason = optionalText(detail, "reason", where);
      if (reason == null) {
        return "ObjectCreated:*";
      }
      switch (reason) {
        case "PutObject":
          return "ObjectCreated:Put";
        case "CopyObject":
          return "ObjectCreated:Copy";
        case "CompleteMultipartUpload":
          return "ObjectCreated:CompleteMultipartUpload";
        case "POST Object":
          return "ObjectCreated:Post";
        default:
          return "ObjectCreated:" + reason;
      }
    }
    String deletion = optionalText(detail, "deletion-type", where);
    return "Delete Marker Created".equals(deletion) ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete";
  }

  /**
   * S3's form encoding: {@code +} is a space, {@code %XX} a byte, bytes are UTF-8. Decoded strictly: a bad escape or
   * bytes that are not UTF-8 reject the record, where {@code URLDecoder} would substitute U+FFFD and the handler
   * would then look for an object that does not exist.
   */
  static String decodeKey(String encoded, String where) {
    if (encoded.indexOf('%') < 0 && encoded.indexOf('+') < 0) {
      return encoded;
    }
    ByteBuffer bytes = ByteBuffer.allocate(encoded.length() * 4);
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '+') {
        bytes.put((byte) ' ');
      } else if (c == '%') {
        int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new InvalidEventException(where, "bad percent-escape at character " + i + " of the key");
        }
        bytes.put((byte) (hi << 4 | lo));
        i += 2;
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidEventException(where, "the decoded key is not valid UTF-8", e);
    }
  }

  // ---- SQS ---------------------------------------------------------------------------------------------------

  /** An SQS record and, when its body is a nested delivery, the events inside it instead of the message. */
  List<DomainEvent> sqsRecord(JsonNode record, String where) {
    String messageId = text(record, "messageId", where);
    String body = text(record, "body", where);
    Map<String, MessageAttribute> messageAttributes = JsonFields.sqsMessageAttributes(record, where);
    JsonNode json = parseIfJson(body);
    if (json != null && json.isObject()) {
      List<DomainEvent> nested = nested(json, where + ".body");
      if (nested != null) {
        return nested;
      }
    }
    SqsMessageEvent message =
        new SqsMessageEvent(
            messageId,
            body,
            JsonFields.stringMap(record, "attributes", where),
            messageAttributes,
            text(record, "eventSourceARN", where),
            optionalText(record, "awsRegion", where),
            messageType(messageAttributes, json));
    return List.of(message);
  }

  // ---- SNS ---------------------------------------------------------------------------------------------------

  /** An SNS record delivered to Lambda ({@code Records[].Sns}). */
  List<DomainEvent> snsRecord(JsonNode record, String where) {
    return snsNotification(object(record, "Sns", where), where + ".Sns");
  }

  /** SNS's notification object, as Lambda gets it and as SQS gets it without raw delivery. */
  private List<DomainEvent> snsNotification(JsonNode sns, String where) {
    String message = text(sns, "Message", where);
    JsonNode json = parseIfJson(message);
    if (json != null && json.isObject()) {
      List<DomainEvent> nested = nested(json, where + ".Message");
      if (nested != null) {
        return nested;
      }
    }
    Map<String, MessageAttribute> attributes = JsonFields.snsMessageAttributes(sns, where);
    return List.of(
        new SnsMessageEvent(
            text(sns, "MessageId", where),
            text(sns, "TopicArn", where),
            optionalText(sns, "Subject", where),
            message,
            attributes,
            optionalInstant(sns, "Timestamp", where),
            messageType(attributes, json)));
  }

  // ---- EventBridge -------------------------------------------------------------------------------------------

  DomainEvent eventBridge(JsonNode event, String where) {
    String source = text(event, "source", where);
    String detailType = text(event, "detail-type", where);
    if ("aws.s3".equals(source) && ("Object Created".equals(detailType) || "Object Deleted".equals(detailType))) {
      return s3FromEventBridge(event, where);
    }
    List<String> resources = new ArrayList<>();
    JsonNode list = event.get("resources");
    if (list != null && list.isArray()) {
      list.forEach(r -> resources.add(r.asText()));
    }
    return new EventBridgeEvent(
        text(event, "id", where),
        source,
        detailType,
        optionalText(event, "account", where),
        optionalText(event, "region", where),
        optionalInstant(event, "time", where),
        resources,
        event.get("detail"));
  }

  // ---- DynamoDB streams --------------------------------------------------------------------------------------

  /**
   * The tumbling window of a stream delivery ({@code window}, {@code state}, {@code isFinalInvokeForWindow},
   * {@code isWindowTerminatedEarly}, {@code shardId} beside {@code Records}), or {@code null} without one.
   */
  TumblingWindow tumblingWindow(JsonNode root) {
    JsonNode window = root.get("window");
    if (window == null || window.isNull()) {
      return null;
    }
    if (!window.isObject()) {
      throw new InvalidEventException("window", "must be an object with start and end");
    }
    JsonNode state = root.get("state");
    ObjectNode kept;
    if (state == null || state.isNull()) {
      kept = mapper.createObjectNode();
    } else if (state.isObject()) {
      kept = (ObjectNode) state;
    } else {
      throw new InvalidEventException("state", "must be an object, found " + state.getNodeType());
    }
    return new TumblingWindow(
        optionalInstant(window, "start", "window"),
        optionalInstant(window, "end", "window"),
        kept,
        flag(root, "isFinalInvokeForWindow"),
        flag(root, "isWindowTerminatedEarly"),
        optionalText(root, "shardId", ""));
  }

  private static boolean flag(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new InvalidEventException(field, "must be true or false, found " + value.getNodeType());
    }
    return value.booleanValue();
  }

  DataChangeEvent dynamodbRecord(JsonNode record, String where, TumblingWindow window) {
    String eventName = text(record, "eventName", where);
    DataChangeEvent.Operation operation;
    try {
      operation = DataChangeEvent.Operation.valueOf(eventName);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException(where + ".eventName", "must be INSERT, MODIFY or REMOVE, found " + eventName);
    }
    JsonNode dynamodb = object(record, "dynamodb", where);
    String at = where + ".dynamodb";
    String arn = text(record, "eventSourceARN", where);
    String table = tableOf(arn);
    if (table == null) {
      throw new InvalidEventException(where + ".eventSourceARN", "not a DynamoDB stream ARN: " + arn);
    }
    return new DataChangeEvent(
        text(record, "eventID", where),
        table,
        operation,
        operation == DataChangeEvent.Operation.REMOVE && removedByTtl(record, where),
        attributeValues.item(object(dynamodb, "Keys", at), at + ".Keys"),
        attributeValues.item(dynamodb.get("OldImage"), at + ".OldImage"),
        attributeValues.item(dynamodb.get("NewImage"), at + ".NewImage"),
        text(dynamodb, "SequenceNumber", at),
        creationTime(dynamodb, at),
        arn,
        optionalText(record, "awsRegion", where),
        window);
  }

  /** The stream sequence number without parsing the rest: what {@code batchItemFailures} reports. */
  static String sequenceNumberOf(JsonNode record) {
    JsonNode dynamodb = record.get("dynamodb");
    JsonNode sequence = dynamodb == null ? null : dynamodb.get("SequenceNumber");
    return sequence != null && sequence.isTextual() ? sequence.textValue() : null;
  }

  private static String tableOf(String arn) {
    int table = arn.indexOf(":table/");
    if (!arn.startsWith("arn:") || table < 0) {
      return null;
    }
    int start = table + ":table/".length();
    int end = arn.indexOf('/', start);
    String name = end < 0 ? arn.substring(start) : arn.substring(start, end);
    return name.isEmpty() ? null : name;
  }

  /** DynamoDB's TTL deletes are marked {@code userIdentity = {type: Service, principalId: dynamodb.amazonaws.com}}. */
  private static boolean removedByTtl(JsonNode record, String where) {
    JsonNode identity = optionalObject(record, "userIdentity", where);
    return identity != null
        && "Service".equals(optionalText(identity, "type", where + ".userIdentity"))
        && "dynamodb.amazonaws.com".equals(optionalText(identity, "principalId", where + ".userIdentity"));
  }

  private static Instant creationTime(JsonNode dynamodb, String where) {
    JsonNode seconds = dynamodb.get("ApproximateCreationDateTime");
    if (seconds == null || seconds.isNull()) {
      return null;
    }
    if (!seconds.isNumber()) {
      throw new InvalidEventException(where + ".ApproximateCreationDateTime", "must be epoch seconds");
    }
    BigDecimal millis = seconds.decimalValue().movePointRight(3);
    return Instant.ofEpochMilli(millis.longValue());
  }

  // ---- Step Functions ----------------------------------------------------------------------------------------

  /** A task payload by the documented convention (see {@link TaskEvent}). */
  TaskEvent task(JsonNode payload, String where) {
    String token = optionalText(payload, "taskToken", where);
    String executionId = optionalText(payload, "executionId", where);
    String state = optionalText(payload, "state", where);
    if (executionId == null || state == null) {
      throw new InvalidEventException(
          where,
          "a task payload needs executionId ($$.Execution.Id) and state ($$.State.Name) beside taskToken; found "
              + (executionId == null ? "no executionId" : "no state"));
    }
    JsonNode index = payload.get("mapItemIndex");
    Long mapItemIndex = null;
    if (index != null && !index.isNull()) {
      if (!index.canConvertToExactIntegral()) {
        throw new InvalidEventException(where + ".mapItemIndex", "must be an integer ($$.Map.Item.Index)");
      }
      mapItemIndex = index.longValue();
    }
    return new TaskEvent(token, executionId, state, mapItemIndex, optionalText(payload, "type", where), payload.get("input"));
  }

  // ---- nesting -----------------------------------------------------------------------------------------------

  /**
   * The events inside a message body that is itself a delivery, or {@code null} when it is an ordinary message.
   * An {@code s3:TestEvent} yields an empty list: acknowledged, nothing to handle.
   */
  private List<DomainEvent> nested(JsonNode json, String where) {
    if ("Notification".equals(json.path("Type").asText(null)) && json.hasNonNull("TopicArn") && json.has("Message")) {
      return snsNotification(json, where);
    }
    if ("s3:TestEvent".equals(json.path("Event").asText(null))) {
      return List.of();
    }
    JsonNode records = json.get("Records");
    if (records != null && records.isArray() && !records.isEmpty()
        && "aws:s3".equals(records.get(0).path("eventSource").asText(null))) {
      List<DomainEvent> events = new ArrayList<>(records.size());
      for (int i = 0; i < records.size(); i++) {
        events.add(s3Record(records.get(i), where + ".Records[" + i + "]"));
      }
      return events;
    }
    if (json.hasNonNull("detail-type") && json.hasNonNull("source") && json.has("detail") && json.hasNonNull("id")) {
      return List.of(eventBridge(json, where));
    }
    if (json.hasNonNull("taskToken") && json.hasNonNull("executionId")) {
      return List.of(task(json, where));
    }
    return null;
  }

  private JsonNode parseIfJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        if (c != '{' && c != '[') {
          return null;
        }
        break;
      }
    }
    try {
      return text.isBlank() ? null : mapper.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The {@code type} message attribute, else a top-level {@code type} string of a JSON body. */
  private static String messageType(Map<String, MessageAttribute> attributes, JsonNode json) {
    MessageAttribute type = attributes.get("type");
    if (type != null && type.stringValue() != null) {
      return type.stringValue();
    }
    if (json != null && json.isObject()) {
      JsonNode field = json.get("type");
      if (field != null && field.isTextual()) {
        return field.textValue();
      }
    }
    return null;
  }

  static EventSource sourceOf(JsonNode record, String where) {
    return SourceDetector.recordSource(record, where);
  }
}
