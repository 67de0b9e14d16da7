package io.cqrssuite.reliability.deadletter;

import io.cqrssuite.payload.Channel;
import io.cqrssuite.deadletter.DeadLetterEnvelope;
import io.cqrssuite.deadletter.DeadLetterSink;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.outbound.CorrelationAttribute;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Dead letters on an SQS queue, sent with {@code SendMessageBatch}: at most {@value #MAX_ENTRIES} messages and
 * {@link Channel#SQS}'s bytes per call. An envelope larger than one message may be is never cut: with a bucket it is
 * stored there first (content-addressed, so a retried write lands on the same object) and the queue receives a
 * pointer ({@link DeadLetterEnvelope#toPointerJson}); without one it is reported as not stored, so its record stays
 * failed and visible. Each message carries the envelope's correlation id as the {@code correlationId} attribute
 * ({@link CorrelationAttribute}), so a replayed record keeps the id it failed under.
 */
public final class SqsDeadLetters implements DeadLetterSink {
  static final int MAX_ENTRIES = 10;
  /** The SQS channel's limit (1 MiB): envelopes are offloaded from what the queue takes, not a number of their own. */
  static final int MAX_BYTES = Channel.SQS.maxBytes();

  private final SqsClient sqs;
  private final String queueUrl;
  private final ObjectMapper mapper;
  private final StructuredLog log;
  private final S3Client s3;
  private final String bucket;

  /** Without a bucket: oversized envelopes are not stored. */
  public SqsDeadLetters(SqsClient sqs, String queueUrl, ObjectMapper mapper, StructuredLog log) {
    this(sqs, queueUrl, null, null, mapper, log);
  }

  /** {@code s3} and {@code bucket} both set, or both {@code null}. */
  public SqsDeadLetters(SqsClient sqs, String queueUrl, S3Client s3, String bucket, ObjectMapper mapper, StructuredLog log) {
    if ((s3 == null) != (bucket == null)) {
      throw new IllegalArgumentException("an S3 client and a bucket go together");
    }
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.s3 = s3;
    this.bucket = bucket;
    this.mapper = mapper;
    this.log = log;
  }

  @Override
  public boolean configured() {
    return true;
  }

  @Override
  public List<Write> write(List<DeadLetterEnvelope> envelopes) {
    Exception[] failures = new Exception[envelopes.size()];
    List<Integer> chunk = new ArrayList<>(MAX_ENTRIES);
    List<String> bodies = new ArrayList<>(MAX_ENTRIES);
    List<String> correlationIds = new ArrayList<>(MAX_ENTRIES);
    int chunkBytes = 0;
    for (int i = 0; i < envelopes.size(); i++) {
      DeadLetterEnvelope envelope = envelopes.get(i);
      String body;
      try {
        body = mapper.writeValueAsString(envelope.toJson(mapper));
      } catch (JsonProcessingException e) {
        failures[i] = e;
        continue;
      }
      byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
      // SQS counts message attributes toward the size limit too.
      int attribute = attributeBytes(envelope.correlationId());
      int bytes = utf8.length + attribute;
      if (bytes > MAX_BYTES && s3 != null) {
        try {
          body = offload(envelope, utf8);
          bytes = body.getBytes(StandardCharsets.UTF_8).length + attribute;
        } catch (SdkException | JsonProcessingException e) {
          failures[i] = e;
          log.error(
              "dead-letter envelope could not be stored in S3; the record stays failed",
              Map.of("bucket", bucket, "itemIdentifier", String.valueOf(envelope.itemIdentifier()), "errorType", e.getClass().getName(), "errorMessage", String.valueOf(e.getMessage())));
          continue;
        }
      }
      if (bytes > MAX_BYTES) {
        failures[i] =
            new PermanentException(
                "dead-letter envelope of " + bytes + " bytes exceeds the SQS message limit of " + MAX_BYTES
                    + " bytes; the record stays failed" + (s3 == null ? " (no SUITE_DEAD_LETTER_BUCKET for large envelopes)" : ""));
        Map<String, Object> fields = new HashMap<>();
        fields.put("source", envelope.source());
        fields.put("itemIdentifier", envelope.itemIdentifier());
        fields.put("eventId", envelope.eventId());
        fields.put("envelopeBytes", bytes);
        log.error("dead-letter envelope too large for the queue; the record stays failed", fields);
        continue;
      }
      if (chunk.size() == MAX_ENTRIES || chunkBytes + bytes > MAX_BYTES) {
        send(chunk, bodies, correlationIds, failures);
        chunk.clear();
        bodies.clear();
        correlationIds.clear();
        chunkBytes = 0;
      }
      chunk.add(i);
      bodies.add(body);
      correlationIds.add(envelope.correlationId());
      chunkBytes += bytes;
    }
    if (!chunk.isEmpty()) {
      send(chunk, bodies, correlationIds, failures);
    }
    List<Write> writes = new ArrayList<>(envelopes.size());
    for (int i = 0; i < envelopes.size(); i++) {
      writes.add(new Write(envelopes.get(i), failures[i]));
    }
    return writes;
  }

  /** Stores the full envelope in the bucket and returns the pointer message for the queue. */
  private String offload(DeadLetterEnvelope envelope, byte[] utf8) throws JsonProcessingException {
    String key = "dead-letters/" + (envelope.source() == null ? "UNKNOWN" : envelope.source()) + "/" + sha256(utf8) + ".json";
    s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(utf8));
    log.info("dead-letter envelope stored in S3; the queue gets a pointer", Map.of("bucket", bucket, "key", key, "envelopeBytes", utf8.length));
    return mapper.writeValueAsString(envelope.toPointerJson(mapper, bucket, key, utf8.length));
  }

  /** What the correlation attribute adds toward a call's size limit: name, type and value. */
  private static int attributeBytes(String correlationId) {
    return correlationId == null || correlationId.isBlank()
        ? 0
        : CorrelationAttribute.NAME.length() + "String".length() + correlationId.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /** Entry ids are the envelopes' positions, so a per-entry error maps back to its envelope. */
  private void send(List<Integer> positions, List<String> bodies, List<String> correlationIds, Exception[] failures) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(positions.size());
    for (int k = 0; k < positions.size(); k++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id(Integer.toString(positions.get(k)))
              .messageBody(bodies.get(k))
              .messageAttributes(CorrelationAttribute.sqs(correlationIds.get(k)))
              .build());
    }
    try {
      SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      for (BatchResultErrorEntry error : response.failed()) {
        failures[Integer.parseInt(error.id())] =
            new IllegalStateException("dead-letter queue refused the envelope: " + error.code() + ": " + error.message());
      }
      int stored = response.successful().size();
      if (stored + response.failed().size() != positions.size()) {
        // An entry the answer does not mention was not confirmed: treat it as not stored.
        boolean[] answered = new boolean[failures.length];
        response.successful().forEach(s -> answered[Integer.parseInt(s.id())] = true);
        response.failed().forEach(f -> answered[Integer.parseInt(f.id())] = true);
        for (int position : positions) {
          if (!answered[position]) {
            failures[position] = new IllegalStateException("dead-letter queue did not confirm the envelope");
          }
        }
      }
    } catch (SdkException e) {
      for (int position : positions) {
        failures[position] = e;
      }
      log.error(
          "dead-letter write failed; the records stay failed",
          Map.of("queueUrl", queueUrl, "envelopes", positions.size(), "errorType", e.getClass().getName(), "errorMessage", String.valueOf(e.getMessage())));
    }
  }
}
