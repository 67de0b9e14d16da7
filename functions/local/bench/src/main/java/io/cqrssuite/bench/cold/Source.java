package io.cqrssuite.bench.cold;

import java.util.Arrays;
import java.util.Locale;

/** One sample event per source, the same files the decoding benchmarks read. */
public enum Source {
  S3("events/s3/csv-import-object-created.json"),
  SQS("events/sqs/standard-batch.json"),
  SNS("events/sns/notification.json"),
  EVENTBRIDGE("events/eventbridge/custom.json"),
  STEPFUNCTIONS("events/stepfunctions/task-with-token.json"),
  DYNAMODB("events/dynamodb/product-data-changes.json");

  private final String eventFile;

  Source(String eventFile) {
    this.eventFile = eventFile;
  }

  String eventFile() {
    return eventFile;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Source named(String name) {
    return Arrays.stream(values())
        .filter(source -> source.label().equals(name.trim().toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown source '" + name + "'; known: "
            + Arrays.stream(values()).map(Source::label).toList()));
  }
}
