package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dagger.Lazy;
import io.cqrssuite.alarm.AlarmSink;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.deadletter.DeadLetterSink;
import io.cqrssuite.event.EventSource;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.task.TaskCallbacks;
import io.cqrssuite.factory.InboundBatch;
import java.io.InputStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.inject.Inject;

/**
 * The single entrypoint's work for one invocation, as a chain of small steps:
 *
 * <ol>
 *   <li>read and decode the document into records ({@link DeliveryReader});
 *   <li>process the records through the handlers ({@link BatchProcessor}: per-record results, FIFO group and stream
 *       order kept);
 *   <li>hand permanently failed records to the dead-letter sink, so they can be acknowledged ({@link DeadLettering});
 *   <li>answer the Step Functions task tokens the records carry ({@link TaskAnswers});
 *   <li>shape the response AWS defines for the source ({@link ResponseShapes}).
 * </ol>
 *
 * A record is never acknowledged before its envelope was stored (contract §5): without a dead-letter sink, or when
 * the write fails, a permanent failure is reported like any other. {@link #handle} never throws for bad input: the
 * outcome says how the invocation must end.
 */
public final class EventEntrypoint {
  private final DeliveryReader reader;
  private final BatchProcessor processor;
  private final DeadLettering deadLettering;
  private final TaskAnswers tasks;
  private final ResponseShapes responses;
  private final StructuredLog log;

  /** What a component injects; the sinks come from the modules that implement them, or are absent. */
  @Inject
  EventEntrypoint(
      DeliveryReader reader,
      BatchProcessor processor,
      DeadLettering deadLettering,
      TaskAnswers tasks,
      ResponseShapes responses,
      StructuredLog log) {
    this.reader = reader;
    this.processor = processor;
    this.deadLettering = deadLettering;
    this.tasks = tasks;
    this.responses = responses;
    this.log = log;
  }

  /** An entrypoint built by hand, for tests and tools that need no Dagger component. */
  public static Builder builder(ObjectMapper mapper, EventDecoder decoder, BatchProcessor processor) {
    return new Builder(mapper, decoder, processor);
  }

  public InvocationOutcome handle(InputStream raw) {
    DeliveryReader.Delivery delivery = reader.read(raw);
    if (delivery.rejected()) {
      if (delivery.bytes() != null && deadLettering.document(delivery.bytes(), delivery.rejection())) {
        return new InvocationOutcome(null, null, null, null, 1);
      }
      return new InvocationOutcome(null, null, null, delivery.rejection());
    }
    EventSource source = delivery.batch().source();
    tasks.received(delivery.batch());
    DeadLettering.Outcome processed = deadLettering.records(source, processor.process(delivery.batch()));
    Map<Integer, Throwable> failures = new LinkedHashMap<>();
    for (RecordResult record : processed.result().records()) {
      Throwable failure = record.succeeded() ? null : record.failure();
      if (failure != null) {
        logFailure(source, record, failure);
        if (source == EventSource.SQS) {
          // Its outcome stays as it is: the task only learns at once what the message's failure means for it.
          tasks.failUnreadTask(record);
        }
        if (processed.deadLettered().contains(record.record().index())) {
          continue;
        }
      }
      // A record held back behind an earlier failure of its FIFO group was not attempted: it is redelivered, in
      // order, rather than answered now.
      if (record.record().taskToken() != null && record.status() != RecordResult.Status.NOT_ATTEMPTED) {
        Throwable callbackFailure = tasks.answer(record);
        if (callbackFailure != null && failure == null) {
          logFailure(source, record, callbackFailure);
        }
        failure = callbackFailure;
      }
      if (failure != null) {
        failures.put(record.record().index(), failure);
      }
    }
    return responses
        .shape(source, processed.result(), failures, delivery.batch().window())
        .withDeadLettered(processed.deadLettered().size());
  }

  /**
   * Reads, detects and decodes a delivery as {@link #handle} does, then stops: no handler runs, nothing is dead-lettered
   * or answered, so nothing leaves the process. For priming (a SnapStart {@code beforeCheckpoint} hook) on synthetic
   * events: the parsing, detection and routing classes get loaded and run before the snapshot.
   *
   * @return the decoded batch
   * @throws RuntimeException the rejection, when the document is not a delivery the suite knows
   */
  public InboundBatch decode(InputStream raw) {
    DeliveryReader.Delivery delivery = reader.read(raw);
    if (delivery.rejected()) {
      throw delivery.rejection();
    }
    return delivery.batch();
  }

  private void logFailure(EventSource source, RecordResult record, Throwable failure) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("source", source.name());
    fields.put("itemIdentifier", record.record().itemIdentifier());
    fields.put("correlation_id", record.record().correlationId());
    fields.put("recordIndex", record.record().index());
    fields.put("status", record.status().name());
    fields.put("failureKind", record.failureKind() == null ? null : record.failureKind().name());
    fields.put("errorType", failure.getClass().getName());
    // What the suite built: a driver's or a handler's own message may quote the record (contract §5).
    fields.put("reason", log.failureText(failure));
    log.warn("record failed", fields);
  }

  /**
   * Builds an {@link EventEntrypoint} without Dagger. Unset parts are absent, as in a function built on the core
   * alone: no task callbacks, no dead-letter sink, no alarms, the system clock, a log on stderr.
   */
  public static final class Builder {
    private final ObjectMapper mapper;
    private final EventDecoder decoder;
    private final BatchProcessor processor;
    private Lazy<TaskCallbacks> callbacks;
    private StructuredLog log;
    private DeadLetterSink deadLetters = DeadLetterSink.none();
    private AlarmSink alarms = AlarmSink.none();
    private Clock clock = Clock.systemUTC();

    private Builder(ObjectMapper mapper, EventDecoder decoder, BatchProcessor processor) {
      this.mapper = Objects.requireNonNull(mapper);
      this.decoder = Objects.requireNonNull(decoder);
      this.processor = Objects.requireNonNull(processor);
    }

    /** Where task tokens are answered; resolved at the first token. */
    public Builder taskCallbacks(Lazy<TaskCallbacks> callbacks) {
      this.callbacks = callbacks;
      return this;
    }

    public Builder log(StructuredLog log) {
      this.log = log;
      return this;
    }

    public Builder deadLetters(DeadLetterSink deadLetters) {
      this.deadLetters = Objects.requireNonNull(deadLetters);
      return this;
    }

    public Builder alarms(AlarmSink alarms) {
      this.alarms = Objects.requireNonNull(alarms);
      return this;
    }

    /** The time dead-letter envelopes are stamped with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public EventEntrypoint build() {
      StructuredLog logTo = log != null ? log : StructuredLog.fromEnvironment(Map.of());
      TaskAnswers tasks =
          callbacks == null
              ? new TaskAnswers(mapper, Optional.empty(), logTo)
              : new TaskAnswers(mapper, callbacks, logTo);
      return new EventEntrypoint(
          new DeliveryReader(decoder, logTo),
          processor,
          new DeadLettering(deadLetters, alarms, processor, logTo, clock),
          tasks,
          new ResponseShapes(mapper, tasks),
          logTo);
    }
  }
}
