package io.cqrssuite.factory;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.event.TumblingWindow;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;

/**
 * From the raw bytes Lambda hands over to an {@link InboundBatch}: detects the source, parses every record into
 * typed events (unwrapping nested deliveries), and passes each through the user's {@link EventFactory}.
 *
 * <p>A record that cannot be parsed or that the factory rejects becomes a rejected {@link InboundRecord}; the
 * others are unaffected. Only a document that is not an event at all (malformed JSON, unknown source) fails as a
 * whole, because then there is no record to report.
 */
public final class EventDecoder {
  /** The stream batch is one ordering scope: Lambda redelivers from the lowest failed sequence number. */
  static final String STREAM_ORDER = "stream";

  private final ObjectMapper mapper;
  private final EventFactory factory;
  private final DeliveryParser parser;

  @Inject
  public EventDecoder(ObjectMapper mapper, EventFactory factory) {
    this.mapper = mapper;
    this.factory = factory;
    this.parser = new DeliveryParser(mapper);
  }

  public InboundBatch decode(InputStream raw) {
    JsonNode root;
    try {
      root = mapper.readTree(raw);
    } catch (JsonProcessingException e) {
      // Jackson quotes the token it choked on: the position is shown, the quote kept for the envelope.
      JsonLocation at = e.getLocation();
      String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new InvalidEventException(
          "", "malformed JSON" + position, "malformed JSON" + position + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidEventException(
          "", "unreadable event (" + e.getClass().getSimpleName() + ")", "unreadable event: " + e.getMessage(), e);
    }
    return decode(root);
  }

  public InboundBatch decode(JsonNode root) {
    EventSource source = SourceDetector.detect(root);
    switch (source) {
      case EVENT_BRIDGE:
        return single(source, root, () -> List.of(parser.eventBridge(root, "")), root.path("id").asText(null));
      case STEP_FUNCTIONS:
        return single(source, root, () -> List.of(parser.task(root, "")), taskId(root));
      default:
        TumblingWindow window = source == EventSource.DYNAMODB_STREAM ? parser.tumblingWindow(root) : null;
        return records(source, root.get("Records"), window);
    }
  }

  private InboundBatch records(EventSource source, JsonNode records, TumblingWindow window) {
    List<InboundRecord> out = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      JsonNode record = records.get(i);
      String where = "Records[" + i + "]";
      String id = itemIdentifier(source, record);
      String order = orderingKey(source, record);
      try {
        EventSource recordSource = DeliveryParser.sourceOf(record, where);
        if (recordSource != source) {
          throw new InvalidEventException(
              where + ".eventSource", "a " + source + " batch cannot hold a " + recordSource + " record");
        }
        List<DomainEvent> builtIn = parseRecord(source, record, where, window);
        out.add(new InboundRecord(i, id, order, record, transformAll(builtIn), null, taskToken(builtIn)));
      } catch (RuntimeException e) {
        out.add(new InboundRecord(i, id, order, record, List.of(), e, null));
      }
    }
    return new InboundBatch(source, out, window);
  }

  private List<DomainEvent> parseRecord(EventSource source, JsonNode record, String where, TumblingWindow window) {
    switch (source) {
      case S3:
        return List.of(parser.s3Record(record, where));
      case SQS:
        return parser.sqsRecord(record, where);
      case SNS:
        return parser.snsRecord(record, where);
      case DYNAMODB_STREAM:
        return List.of(parser.dynamodbRecord(record, where, window));
      default:
        throw new IllegalStateException("not a Records source: " + source);
    }
  }

  private InboundBatch single(EventSource source, JsonNode root, EventsSupplier builtIn, String id) {
    InboundRecord record;
    try {
      List<DomainEvent> events = builtIn.get();
      record = new InboundRecord(0, id, null, root, transformAll(events), null, taskToken(events));
    } catch (RuntimeException e) {
      // A task that cannot be parsed or routed still gets its failure reported, when it names its token.
      JsonNode token = root.get("taskToken");
      record = new InboundRecord(0, id, null, root, List.of(), e, token != null && token.isTextual() ? token.textValue() : null);
    }
    return new InboundBatch(source, List.of(record));
  }

  private static String taskToken(List<DomainEvent> builtIn) {
    for (DomainEvent event : builtIn) {
      if (event instanceof TaskEvent task && task.hasToken()) {
        return task.taskToken();
      }
    }
    return null;
  }

  private List<DomainEvent> transformAll(List<DomainEvent> builtIn) {
    if (builtIn.size() == 1) {
      return transform(builtIn.get(0));
    }
    List<DomainEvent> out = new ArrayList<>();
    for (DomainEvent event : builtIn) {
      out.addAll(transform(event));
    }
    return out;
  }

  /** Hands a built-in typed event to the factory's transform for its (innermost) source. */
  private List<DomainEvent> transform(DomainEvent event) {
    List<DomainEvent> routed;
    if (event instanceof S3ObjectEvent s3) {
      routed = factory.transformS3(s3);
    } else if (event instanceof SqsMessageEvent sqs) {
      routed = factory.transformSqs(sqs);
    } else if (event instanceof SnsMessageEvent sns) {
      routed = factory.transformSns(sns);
    } else if (event instanceof EventBridgeEvent bridge) {
      routed = factory.transformEventBridge(bridge);
    } else if (event instanceof DataChangeEvent change) {
      routed = factory.transformDynamodbStream(change);
    } else if (event instanceof TaskEvent task) {
      routed = factory.transformStepFunction(task);
    } else {
      throw new IllegalStateException("not a built-in event: " + event.getClass().getName());
    }
    if (routed == null) {
      throw new IllegalStateException(factory.getClass().getName() + " returned null instead of a list");
    }
    return routed;
  }

  private static String itemIdentifier(EventSource source, JsonNode record) {
    switch (source) {
      case SQS:
        return record.path("messageId").asText(null);
      case DYNAMODB_STREAM:
        return DeliveryParser.sequenceNumberOf(record);
      case SNS:
        return record.path("Sns").path("MessageId").asText(null);
      case S3:
        return record.path("s3").path("object").path("sequencer").asText(null);
      default:
        return null;
    }
  }

  private static String orderingKey(EventSource source, JsonNode record) {
    if (source == EventSource.DYNAMODB_STREAM) {
      return STREAM_ORDER;
    }
    // Only FIFO queues order by group: a standard queue may carry MessageGroupId too (fair queues), without order.
    if (source == EventSource.SQS && record.path("eventSourceARN").asText("").endsWith(".fifo")) {
      JsonNode group = record.path("attributes").get("MessageGroupId");
      return group != null && group.isTextual() ? "group:" + group.textValue() : null;
    }
    return null;
  }

  private static String taskId(JsonNode root) {
    String execution = root.path("executionId").asText(null);
    String state = root.path("state").asText(null);
    return execution == null ? null : execution + "#" + state;
  }

  @FunctionalInterface
  private interface EventsSupplier {
    List<DomainEvent> get();
  }
}
