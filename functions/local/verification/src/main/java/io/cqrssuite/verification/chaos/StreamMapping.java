package io.cqrssuite.verification.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the AWS side only: delivers one shard's records to a function the way a DynamoDB-stream
 * event-source mapping of {@code template.yaml} does, with that mapping's own settings. Batches of {@code
 * BatchSize}; a reported {@code batchItemFailures} sequence number checkpoints the records before it and retries the
 * rest; a function error (an exception, a crash, a killed process) splits the batch in two when {@code
 * BisectBatchOnFunctionError} is on (a split does not count against the retry quota, as AWS documents); a head that
 * keeps failing past {@code MaximumRetryAttempts} is given up and a pointer (the message Lambda sends to the
 * on-failure destination: shard, first and last sequence number, batch size) goes to {@link OnFailure}, and the
 * shard moves on. Nothing here is on the production path.
 */
final class StreamMapping {
  /** The mapping's settings, as the template declares them. */
  record Settings(int batchSize, int maximumRetryAttempts, boolean bisectOnFunctionError) {
    Settings {
      if (batchSize < 1 || maximumRetryAttempts < 0) {
        throw new IllegalArgumentException("BatchSize must be at least 1 and MaximumRetryAttempts at least 0");
      }
    }

    /** The first {@code Type: DynamoDB} event of the function in the template. */
    static Settings fromTemplate(SamTemplate template, String functionId) {
      JsonNode events = template.root().path("Resources").path(functionId).path("Properties").path("Events");
      for (Map.Entry<String, JsonNode> event : (Iterable<Map.Entry<String, JsonNode>>) events::fields) {
        if (event.getValue().path("Type").asText().equals("DynamoDB")) {
          JsonNode p = event.getValue().path("Properties");
          // Lambda's defaults when a property is absent: 100 records, retry until the record expires (-1), no split.
          return new Settings(p.path("BatchSize").asInt(100), p.path("MaximumRetryAttempts").asInt(10_000),
              p.path("BisectBatchOnFunctionError").asBoolean(false));
        }
      }
      throw new IllegalArgumentException(functionId + " has no DynamoDB event source in the template");
    }
  }

  /** What one invocation answered. */
  sealed interface Answer {
    /** The function returned; {@code failedSequenceNumber} is null when the whole batch succeeded. */
    record Returned(String failedSequenceNumber) implements Answer {}

    /** The invocation failed: an exception, a timeout, or the process died. */
    record FunctionError(String errorType, String message) implements Answer {}
  }

  /** The function under delivery. */
  @FunctionalInterface
  interface Function {
    Answer invoke(List<ObjectNode> batch) throws Exception;
  }

  /** The on-failure destination: gets the records given up, first to last. */
  @FunctionalInterface
  interface OnFailure {
    void giveUp(List<ObjectNode> records, int invokeCount) throws Exception;
  }

  /** Counts of one delivery. */
  static final class Stats {
    int invocations;
    int functionErrors;
    int partialFailures;
    int bisections;
    int pointers;
    int recordsGivenUp;
  }

  /** A contiguous run of shard positions with the failed invocations it has had at its head. */
  private static final class Range {
    int from;
    final int to;
    int failures;

    Range(int from, int to, int failures) {
      this.from = from;
      this.to = to;
      this.failures = failures;
    }

    int size() {
      return to - from;
    }
  }

  private final Settings settings;

  StreamMapping(Settings settings) {
    this.settings = settings;
  }

  Settings settings() {
    return settings;
  }

  /** Delivers {@code shard} (records in sequence order) from the first record to the last. */
  Stats deliver(List<ObjectNode> shard, Function function, OnFailure onFailure, Runnable afterEachInvocation) throws Exception {
    Stats stats = new Stats();
    for (int position = 0; position < shard.size(); position += settings.batchSize()) {
      Deque<Range> pending = new ArrayDeque<>();
      pending.push(new Range(position, Math.min(shard.size(), position + settings.batchSize()), 0));
      while (!pending.isEmpty()) {
        Range range = pending.peek();
        List<ObjectNode> batch = shard.subList(range.from, range.to);
        Answer answer = function.invoke(batch);
        stats.invocations++;
        afterEachInvocation.run();
        if (answer instanceof Answer.Returned returned && returned.failedSequenceNumber() == null) {
          pending.pop();
          continue;
        }
        int failedAt = answer instanceof Answer.Returned returned ? indexOf(batch, returned.failedSequenceNumber()) : -1;
        if (answer instanceof Answer.Returned && failedAt >= 0) {
          stats.partialFailures++;
          if (failedAt > 0) {
            // Checkpointed up to the failed record; it has now failed once at the head.
            range.from += failedAt;
            range.failures = 1;
          } else {
            range.failures++;
          }
        } else {
          // A function error, or an answer naming no record of the batch (Lambda treats both as the whole batch failing).
          stats.functionErrors++;
          if (settings.bisectOnFunctionError() && range.size() > 1) {
            stats.bisections++;
            pending.pop();
            int middle = range.from + range.size() / 2;
            pending.push(new Range(middle, range.to, range.failures));
            pending.push(new Range(range.from, middle, range.failures));
            continue;
          }
          range.failures++;
        }
        if (range.failures > settings.maximumRetryAttempts()) {
          onFailure.giveUp(shard.subList(range.from, range.to), range.failures);
          stats.pointers++;
          stats.recordsGivenUp += range.size();
          pending.pop();
        }
      }
    }
    return stats;
  }

  private static int indexOf(List<ObjectNode> batch, String sequenceNumber) {
    if (sequenceNumber == null || sequenceNumber.isEmpty()) {
      return -1;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).path("dynamodb").path("SequenceNumber").asText().equals(sequenceNumber)) {
        return i;
      }
    }
    return -1;
  }
}
