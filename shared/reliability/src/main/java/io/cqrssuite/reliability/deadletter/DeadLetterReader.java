package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.report.NdjsonReport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Reads the suite's dead-letter queue without consuming it: {@link #list} peeks at envelopes and {@link #export}
 * writes them to an NDJSON file with a {@code __meta__} header and a SHA-256. A peek receives messages with a short
 * visibility timeout (so one pass sees each message once) and then makes every received message visible again
 * ({@code ChangeMessageVisibility 0}); a peek that dies half-way leaves them invisible for at most that timeout.
 * Envelopes offloaded to S3 ({@link DeadLetterEnvelope#toPointerJson}) are resolved when an S3 client is given, else
 * shown in their pointer form.
 *
 * <p>The queue takes messages from more than the suite, so a pointer is followed only where {@link SqsDeadLetters}
 * writes: the dead-letter bucket's {@code dead-letters/<source>/<sha256>.json}, to an object a HEAD shows to be of
 * the pointer's {@code bytes} and within the limit, read no further than that and checked against the SHA-256 its key
 * names. Any other pointer is shown as it is, with the reason as the entry's problem, and nothing of its object is
 * read; {@link DeadLetterReplay} skips such a message and leaves it on the queue.
 */
public final class DeadLetterReader {
  /** SQS returns at most 10 messages per ReceiveMessage. */
  static final int MAX_PER_RECEIVE = 10;
  /** How long a peeked message stays hidden if the peek never makes it visible again. */
  static final int PEEK_VISIBILITY_SECONDS = 30;

  private final SqsClient sqs;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final S3Client s3;
  private final String bucket;
  private final long maxEnvelopeBytes;
  private final String queueUrl;
  private final ObjectMapper mapper;
  private final Clock clock;

  /** Without a dead-letter bucket: offloaded envelopes are shown as pointers, with the reason. */
  public DeadLetterReader(SqsClient sqs, S3Client s3, String queueUrl, ObjectMapper mapper, Clock clock) {
    this(sqs, s3, queueUrl, null, DeadLetterSettings.DEFAULT_MAX_ENVELOPE_BYTES, mapper, clock);
  }

  /**
   * {@code s3} or {@code bucket} may be {@code null}: offloaded envelopes are then shown as pointers. {@code bucket}
   * is the dead-letter bucket ({@code SUITE_DEAD_LETTER_BUCKET}), the only one pointers are followed into, and
   * {@code maxEnvelopeBytes} the largest envelope read ({@code SUITE_DEAD_LETTER_MAX_ENVELOPE_BYTES}).
   */
  public DeadLetterReader(
      SqsClient sqs, S3Client s3, String queueUrl, String bucket, long maxEnvelopeBytes, ObjectMapper mapper, Clock clock) {
    this.sqs = sqs;
    this.s3 = s3;
    this.bucket = bucket;
    this.maxEnvelopeBytes = maxEnvelopeBytes;
    this.queueUrl = queueUrl;
    this.mapper = mapper;
    this.clock = clock;
  }

  /** One message of the queue. {@code envelope} is the full envelope, or the pointer when it could not be resolved. */
  public record Entry(String messageId, String receiptHandle, ObjectNode envelope, boolean pointer, String problem) {}

  /** Up to {@code max} envelopes, oldest first as far as SQS orders them; the queue keeps them all. */
  public List<Entry> list(int max) {
    List<Message> messages = receive(sqs, queueUrl, max, PEEK_VISIBILITY_SECONDS);
    try {
      List<Entry> entries = new ArrayList<>(messages.size());
      for (Message message : messages) {
        entries.add(parse(message));
      }
      return entries;
    } finally {
      release(sqs, queueUrl, messages);
    }
  }

  /** What {@link #export} wrote. */
  public record Export(Path file, Path checksumFile, int count, Instant from, Instant to, String sha256, String fileSha256) {}

  /**
   * Writes up to {@code max} envelopes to {@code file} as NDJSON: first {@code {"__meta__": {...}}} (source, count,
   * earliest and latest {@code lastFailureAt}, the SHA-256 of every byte after the first line, exportedAt), then one
   * envelope per line; and {@code <file>.sha256} in {@code sha256sum} format for the whole file. Nothing is consumed.
   */
  public Export export(Path file, int max) throws IOException {
    List<Entry> entries = list(max);
    Instant from = null;
    Instant to = null;
    for (Entry entry : entries) {
      Instant last = instant(entry.envelope().path("lastFailureAt"));
      if (last != null) {
        from = from == null || last.isBefore(from) ? last : from;
        to = to == null || last.isAfter(to) ? last : to;
      }
    }
    // The suite's one NDJSON writer: the same header, hash and sidecar as reconcile reports and backups.
    try (NdjsonReport report = NdjsonReport.create(file, mapper)) {
      for (Entry entry : entries) {
        report.line(entry.envelope());
      }
      ObjectNode fields = mapper.createObjectNode();
      fields.put("source", queueUrl);
      fields.put("from", from == null ? null : from.toString());
      fields.put("to", to == null ? null : to.toString());
      fields.put("exportedAt", clock.instant().toString());
      NdjsonReport.Written written = report.finish(fields);
      return new Export(written.file(), written.checksumFile(), entries.size(), from, to, written.sha256(), written.fileSha256());
    }
  }

  Entry parse(Message message) {
    ObjectNode envelope;
    try {
      JsonNode body = mapper.readTree(message.body());
      if (!(body instanceof ObjectNode object)) {
        return unreadable(message, "message body is not a JSON object");
      }
      envelope = object;
    } catch (JsonProcessingException e) {
      return unreadable(message, "message body is not JSON: " + e.getOriginalMessage());
    }
    JsonNode location = envelope.get("envelopeLocation");
    if (location == null || !location.isObject()) {
      return new Entry(message.messageId(), message.receiptHandle(), envelope, false, null);
    }
    if (s3 == null) {
      return new Entry(message.messageId(), message.receiptHandle(), envelope, true, "envelope stored in S3 and no S3 client to read it");
    }
    String named = location.path("bucket").isTextual() ? location.get("bucket").textValue() : null;
    String key = location.path("key").isTextual() ? location.get("key").textValue() : null;
    JsonNode bytes = location.get("bytes");
    if (named == null || key == null || bytes == null || !bytes.canConvertToLong() || bytes.longValue() < 0) {
      return refused(message, envelope, "envelopeLocation needs bucket, key and bytes, found " + location);
    }
    long expected = bytes.longValue();
    String object = "s3://" + named + "/" + key;
    if (bucket == null) {
      return refused(message, envelope, object + " is not followed: no dead-letter bucket is configured (" + DeadLetterSettings.BUCKET + ")");
    }
    if (!bucket.equals(named)) {
      return refused(message, envelope, object + " is not followed: bucket '" + named + "' is not the dead-letter bucket '" + bucket + "'");
    }
    String source = envelope.path("source").isTextual() ? envelope.get("source").textValue() : "UNKNOWN";
    String sha256 = namedSha256(key, source);
    if (sha256 == null) {
      return refused(message, envelope, object + " is not followed: '" + key + "' is not dead-letters/" + source + "/<its sha256>.json");
    }
    if (expected > maxEnvelopeBytes) {
      return refused(message, envelope, object + " is not read: its pointer says " + expected + " bytes, over the limit of "
          + maxEnvelopeBytes + " bytes (" + DeadLetterSettings.MAX_ENVELOPE_BYTES + ")");
    }
    try {
      long size = s3.headObject(b -> b.bucket(named).key(key)).contentLength();
      if (size > maxEnvelopeBytes) {
        return refused(message, envelope, object + " holds " + size + " bytes, over the limit of " + maxEnvelopeBytes + " bytes ("
            + DeadLetterSettings.MAX_ENVELOPE_BYTES + "); it is not read");
      }
      if (size != expected) {
        return refused(message, envelope, object + " holds " + size + " bytes, its pointer says " + expected + "; it is not read");
      }
      byte[] content;
      try (ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(named).key(key))) {
        // No further than the HEAD allowed: an object replaced since cannot make this hold more.
        content = body.readNBytes((int) size + 1);
      }
      if (content.length != expected || !sha256(content).equals(sha256)) {
        return refused(message, envelope, object + " does not match its pointer's size or the SHA-256 its key names");
      }
      JsonNode full = mapper.readTree(content);
      if (full instanceof ObjectNode found) {
        return new Entry(message.messageId(), message.receiptHandle(), found, false, null);
      }
      return refused(message, envelope, object + " is not a JSON object");
    } catch (SdkException | IOException e) {
      return refused(message, envelope, object + " unreadable: " + e.getMessage());
    }
  }

  /** The SHA-256 {@code key} names when it is {@code dead-letters/<source>/<sha256>.json}, else {@code null}. */
  private static String namedSha256(String key, String source) {
    String prefix = "dead-letters/" + source + "/";
    if (source.isEmpty() || source.contains("/") || source.equals(".") || source.equals("..")
        || !key.startsWith(prefix) || !key.endsWith(".json")) {
      return null;
    }
    String sha256 = key.substring(prefix.length(), key.length() - ".json".length());
    return SHA256.matcher(sha256).matches() ? sha256 : null;
  }

  private static Entry refused(Message message, ObjectNode pointer, String problem) {
    return new Entry(message.messageId(), message.receiptHandle(), pointer, true, problem);
  }

  private Entry unreadable(Message message, String problem) {
    ObjectNode raw = mapper.createObjectNode();
    raw.put("unreadableBody", message.body());
    return new Entry(message.messageId(), message.receiptHandle(), raw, false, problem);
  }

  /** Receives up to {@code max} distinct messages, hiding each for {@code visibilitySeconds}, until the queue has none. */
  static List<Message> receive(SqsClient sqs, String queueUrl, int max, int visibilitySeconds) {
    List<Message> found = new ArrayList<>();
    Map<String, Boolean> seen = new LinkedHashMap<>();
    while (found.size() < max) {
      int want = Math.min(MAX_PER_RECEIVE, max - found.size());
      // The first call long-polls for a second, so SQS asks all its servers and an almost empty queue is not
      // reported empty; later calls only collect what is readily there.
      int wait = found.isEmpty() ? 1 : 0;
      List<Message> messages =
          sqs.receiveMessage(
                  b -> b.queueUrl(queueUrl)
                      .maxNumberOfMessages(want)
                      .visibilityTimeout(visibilitySeconds)
                      .waitTimeSeconds(wait))
              .messages();
      int fresh = 0;
      for (Message message : messages) {
        if (seen.put(message.messageId(), Boolean.TRUE) == null) {
          found.add(message);
          fresh++;
        }
      }
      if (fresh == 0) {
        break;
      }
    }
    return found;
  }

  /** Makes the messages visible again at once. Best effort: otherwise they reappear when their timeout expires. */
  static void release(SqsClient sqs, String queueUrl, List<Message> messages) {
    for (int from = 0; from < messages.size(); from += MAX_PER_RECEIVE) {
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
      List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + MAX_PER_RECEIVE));
      for (int i = 0; i < chunk.size(); i++) {
        Message message = chunk.get(i);
        entries.add(
            ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(message.receiptHandle()).visibilityTimeout(0).build());
      }
      try {
        sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
      } catch (SdkException e) {
        // They become visible when their visibility timeout expires.
      }
    }
  }

  private static Instant instant(JsonNode value) {
    if (!value.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(value.textValue());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
