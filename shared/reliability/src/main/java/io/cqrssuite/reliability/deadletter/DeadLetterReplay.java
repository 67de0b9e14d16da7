package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.deadletter.DeadLetterEnvelope;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.failure.FailureText;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Feeds dead letters back through the function's entrypoint (contract §5: the envelope holds enough to replay a
 * record exactly). Each message is received with a visibility timeout, its original delivery rebuilt from the
 * envelope's {@code source} and verbatim {@code record} ({@code {"Records":[record]}} for S3, SQS, SNS and DynamoDB
 * streams; the record itself for EventBridge and Step Functions), so the handlers see the original event ids and a
 * replay is idempotent. Handled: the message is deleted. Failed again: it stays, and reappears when its visibility
 * timeout expires. Not replayable (a whole rejected document kept as text or base64, a pointer whose S3 object
 * cannot be read, an unreadable body): skipped and made visible again at the end of the run.
 *
 * <p>Replay into an entrypoint <em>without</em> dead letters configured: one with them would envelope a record that
 * fails permanently again, and acknowledge it. An {@link EventEntrypoint} replay still counts such a record as
 * failed (its result says so), a {@link RequestStreamHandler} replay cannot tell.
 */
public final class DeadLetterReplay {
  /** How the rebuilt delivery is pushed through the function; throws when the invocation failed. */
  @FunctionalInterface
  public interface Target {
    /** Returns {@code null} when handled, else why not. */
    String deliver(byte[] event) throws Exception;
  }

  /** One message's fate. */
  public record Item(String messageId, String eventId, String source, String status, String reason) {}

  /** What a replay did. */
  public record Summary(int replayed, int failed, int skipped, List<Item> items) {}

  public static final int DEFAULT_VISIBILITY_SECONDS = 60;
  /** A dry run's status for a message a replay would push through the function. */
  public static final String WOULD_REPLAY = "would replay";
  /** A dry run's status for a message a replay would skip (and leave). */
  public static final String WOULD_SKIP = "would skip";

  private final SqsClient sqs;
  private final String queueUrl;
  private final ObjectMapper mapper;
  private final DeadLetterReader reader;
  private final int visibilitySeconds;

  /** Without a dead-letter bucket: a message whose envelope is in S3 is skipped and stays on the queue. */
  public DeadLetterReplay(SqsClient sqs, S3Client s3, String queueUrl, ObjectMapper mapper, int visibilitySeconds) {
    this(sqs, s3, queueUrl, null, DeadLetterSettings.DEFAULT_MAX_ENVELOPE_BYTES, mapper, visibilitySeconds);
  }

  /**
   * Envelopes stored in S3 are read from {@code bucket} only, up to {@code maxEnvelopeBytes} (see
   * {@link DeadLetterReader}); a message whose pointer is refused is skipped with the reason and stays on the queue.
   */
  public DeadLetterReplay(
      SqsClient sqs, S3Client s3, String queueUrl, String bucket, long maxEnvelopeBytes, ObjectMapper mapper, int visibilitySeconds) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.mapper = mapper;
    this.reader = new DeadLetterReader(sqs, s3, queueUrl, bucket, maxEnvelopeBytes, mapper, Clock.systemUTC());
    this.visibilitySeconds = visibilitySeconds;
  }

  /**
   * A dry run: peeks at up to {@code max} messages and says which a replay would push through and which it would
   * skip, and why. Nothing is invoked or deleted, and every message is made visible again; but each receive counts,
   * so every message's {@code ApproximateReceiveCount} goes up by one.
   */
  public List<Item> plan(int max) {
    List<Item> items = new ArrayList<>();
    for (DeadLetterReader.Entry entry : reader.list(max)) {
      ObjectNode envelope = entry.envelope();
      String notReplayable = entry.problem() != null ? entry.problem() : notReplayable(envelope);
      items.add(
          new Item(entry.messageId(), text(envelope.get("eventId")), text(envelope.get("source")), notReplayable == null ? WOULD_REPLAY : WOULD_SKIP, notReplayable));
    }
    return items;
  }

  /** Replays through the entrypoint; a record that did not succeed (even if dead-lettered again) counts as failed. */
  public Summary replay(int max, EventEntrypoint entrypoint) {
    return replay(max, event -> failure(entrypoint.handle(new ByteArrayInputStream(event))));
  }

  /** Replays through a Lambda handler: an exception or a non-empty {@code batchItemFailures} is a failure. */
  public Summary replay(int max, RequestStreamHandler handler) {
    return replay(
        max,
        event -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          handler.handleRequest(new ByteArrayInputStream(event), out, null);
          JsonNode response = out.size() == 0 ? null : mapper.readTree(out.toByteArray());
          if (response != null && response.path("batchItemFailures").size() > 0) {
            return "reported as failed: " + response;
          }
          return null;
        });
  }

  /**
   * Receives at most {@value DeadLetterReader#MAX_PER_RECEIVE} messages at a time and handles them before the next
   * receive, so each is handled well within its visibility timeout.
   */
  public Summary replay(int max, Target target) {
    List<Message> skippedMessages = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Message> later = new ArrayList<>();
    Set<String> attempted = new HashSet<>();
    int replayed = 0;
    int failed = 0;
    try {
      while (items.size() < max) {
        List<Message> batch = new ArrayList<>();
        for (Message message :
            DeadLetterReader.receive(sqs, queueUrl, Math.min(DeadLetterReader.MAX_PER_RECEIVE, max - items.size()), visibilitySeconds)) {
          if (seen.add(message.messageId())) {
            batch.add(message);
          }
        }
        if (batch.isEmpty()) {
          break;
        }
        int fresh = 0;
        for (Message message : batch) {
          String key = recordKey(message.body());
          if (key != null && !attempted.add(key)) {
            // The same record again: a replay that failed into an entrypoint with dead letters enveloped it anew.
            // It is this run's own output, not more work; it stays on the queue.
            later.add(message);
            continue;
          }
          fresh++;
          Item item = replayOne(message, target);
          items.add(item);
          switch (item.status()) {
            case "replayed" -> replayed++;
            case "failed" -> failed++;
            default -> skippedMessages.add(message);
          }
        }
        if (fresh == 0) {
          break;
        }
      }
    } finally {
      List<Message> release = new ArrayList<>(skippedMessages);
      release.addAll(later);
      DeadLetterReader.release(sqs, queueUrl, release);
    }
    return new Summary(replayed, failed, skippedMessages.size(), items);
  }

  private Item replayOne(Message message, Target target) {
    DeadLetterReader.Entry entry = reader.parse(message);
    ObjectNode envelope = entry.envelope();
    String source = text(envelope.get("source"));
    String eventId = text(envelope.get("eventId"));
    String notReplayable = entry.problem() != null ? entry.problem() : notReplayable(envelope);
    if (notReplayable != null) {
      return new Item(message.messageId(), eventId, source, "skipped", notReplayable);
    }
    String reason;
    try {
      reason = target.deliver(mapper.writeValueAsBytes(delivery(source, envelope.get("record"))));
    } catch (Exception e) {
      // The replay's report goes to a terminal or a log: the suite's text, not one that may quote the record.
      reason = e.getClass().getName() + ": " + FailureText.of(e).shown();
    }
    if (reason != null) {
      // Left on the queue: it reappears when its visibility timeout expires.
      return new Item(message.messageId(), eventId, source, "failed", reason);
    }
    try {
      sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      return new Item(message.messageId(), eventId, source, "replayed", null);
    } catch (SdkException e) {
      // Handled but still on the queue: a later replay repeats it, which the original event id makes harmless.
      return new Item(message.messageId(), eventId, source, "failed", "handled, but the delete failed: " + e.getMessage());
    }
  }

  /** Identifies the record an envelope holds, {@code null} for one without an event id. */
  private String recordKey(String body) {
    JsonNode envelope;
    try {
      envelope = mapper.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
    String eventId = text(envelope.get("eventId"));
    return eventId == null ? null : text(envelope.get("source")) + "|" + eventId + "|" + text(envelope.get("itemIdentifier"));
  }

  private String notReplayable(ObjectNode envelope) {
    String encoding = text(envelope.get("recordEncoding"));
    if (encoding != null && !DeadLetterEnvelope.JSON.equals(encoding)) {
      return "a whole rejected document (" + encoding + "), not an event: it cannot be replayed";
    }
    JsonNode record = envelope.get("record");
    if (record == null || record.isNull() || record.isMissingNode()) {
      return "the envelope holds no record";
    }
    String source = text(envelope.get("source"));
    if (source == null) {
      return "the envelope names no source";
    }
    if (!List.of("S3", "SQS", "SNS", "DYNAMODB_STREAM", "EVENT_BRIDGE", "STEP_FUNCTIONS").contains(source)) {
      return "unknown source " + source;
    }
    return null;
  }

  /** The delivery AWS made, rebuilt around the verbatim record. */
  JsonNode delivery(String source, JsonNode record) {
    if (source.equals("EVENT_BRIDGE") || source.equals("STEP_FUNCTIONS")) {
      return record;
    }
    ObjectNode event = mapper.createObjectNode();
    event.putArray("Records").add(record);
    return event;
  }

  private static String failure(InvocationOutcome outcome) {
    if (outcome.failed()) {
      return outcome.error().getClass().getName() + ": " + FailureText.of(outcome.error()).shown();
    }
    if (outcome.response() != null && outcome.response().path("batchItemFailures").size() > 0) {
      return "reported as failed: " + outcome.response();
    }
    if (outcome.batch() != null) {
      for (RecordResult record : outcome.batch().records()) {
        if (!record.succeeded()) {
          return "record failed again: " + record.reason();
        }
      }
    }
    return null;
  }

  private static String text(JsonNode node) {
    return node == null || !node.isTextual() ? null : node.textValue();
  }
}
