package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.catalog.imports.ImportProgress;
import io.cqrssuite.verification.ProgressLine;
import io.cqrssuite.verification.cloud.CommandTableStream;
import io.cqrssuite.verification.cloud.LocalCloud;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * A CSV import through the workflow path on the local cloud: the generated file is uploaded to the S3 stand-in, its
 * {@code ObjectCreated} notification goes to the function (which starts the import workflow), the real
 * {@code csv-import.asl.json} runs under the local Step Functions harness (plan, one chunk task per chunk over SQS,
 * summary) while its progress is shown, then the commands the import wrote are streamed into the read models and
 * both are checked against the file's good rows. Timings are the harness's and dynalite's, not AWS's.
 */
public final class ImportStage {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(200);

  private ImportStage() {}

  /** What was imported, how long it took and what the read models show. */
  public record Report(
      String executionStatus,
      int rows,
      int badRows,
      long summaryRows,
      long ok,
      long rejected,
      long superseded,
      long failedChunks,
      long chunks,
      long importNanos,
      CommandTableStream.Delivery delivery,
      long syncedNanos,
      TenantReadModelCheck.Report relational,
      TenantReadModelCheck.Report search,
      List<String> examples) {
    /** Whether the written commands were streamed into the read models and checked there. */
    public boolean synced() {
      return relational != null;
    }

    /** Every way the import differs from the file: wrong counts, failed chunks, given-up records, read-model mismatches. */
    public long mismatches() {
      long counts = (ok + superseded == rows - badRows ? 0 : 1) + (rejected == badRows ? 0 : 1) + (summaryRows == rows ? 0 : 1);
      return counts + failedChunks + ("SUCCEEDED".equals(executionStatus) ? 0 : 1) + delivery.givenUp()
          + (relational == null ? 0 : relational.mismatches()) + (search == null ? 0 : search.mismatches());
    }
  }

  /**
   * Imports {@code file} as {@code imports/csv/<name>.csv}; {@code progress} gets a live line while the workflow
   * runs. {@code timeout} bounds the workflow.
   */
  public static Report run(LocalCloud cloud, TenantReadModelCheck.ReadModels readModels, ProductCsvFile file, String tenant,
      String name, Duration timeout, PrintStream progress) throws Exception {
    return run(cloud, readModels, file, tenant, name, timeout, progress, () -> {}, true);
  }

  /**
   * As above; {@code whenImported} runs once the execution has ended, before the stream catches up. Without
   * {@code streamIntoReadModels} the stage stops there: no stream delivery and no read-model check (their parts of
   * the report are empty), the summary's counts are still checked.
   */
  public static Report run(LocalCloud cloud, TenantReadModelCheck.ReadModels readModels, ProductCsvFile file, String tenant,
      String name, Duration timeout, PrintStream progress, Runnable whenImported, boolean streamIntoReadModels) throws Exception {
    Set<String> before = new HashSet<>();
    cloud.stepFunctions().listExecutions(r -> r.stateMachineArn(cloud.importStateMachineArn()))
        .executions().forEach(e -> before.add(e.executionArn()));
    String key = "imports/csv/" + name + ".csv";
    long t0 = System.nanoTime();
    cloud.s3().putObject(r -> r.bucket(LocalCloud.IMPORT_BUCKET).key(key).contentType("text/csv"), RequestBody.fromBytes(file.bytes()));
    deliver(cloud, cloud.objects().notification(LocalCloud.IMPORT_BUCKET, key));
    String executionArn = newExecution(cloud, before, t0 + timeout.toNanos());
    String importId = executionArn.substring(executionArn.lastIndexOf(':') + 1);
    DescribeExecutionResponse execution = follow(cloud, executionArn, importId, t0 + timeout.toNanos(), progress);
    long importNanos = System.nanoTime() - t0;
    whenImported.run();
    JsonNode summary = execution.output() == null ? JSON.createObjectNode() : JSON.readTree(execution.output());

    List<String> examples = new ArrayList<>();
    if (!"SUCCEEDED".equals(execution.statusAsString())) {
      examples.add("execution " + executionArn + " ended " + execution.statusAsString() + ": " + execution.error() + " " + execution.cause());
    }
    long chunks = progressItem(cloud, importId).map(i -> number(i.get("chunks"))).orElse(0L);
    if (!streamIntoReadModels) {
      return new Report(execution.statusAsString(), file.rows(), file.badRows(), summary.path("rows").asLong(-1), summary.path("ok").asLong(-1),
          summary.path("rejected").asLong(-1), summary.path("superseded").asLong(0), summary.path("failedChunks").asLong(0), chunks, importNanos,
          new CommandTableStream.Delivery(0, 0, 0, 0, 0), 0, null, null, List.copyOf(examples));
    }
    CommandTableStream stream = cloud.commandStream();
    List<ObjectNode> records = stream.poll();
    progress.printf("  streaming %,d written commands into the read models (batches of %d)%n", records.size(), LocalCloud.STREAM_BATCH_SIZE);
    CommandTableStream.Delivery delivery = stream.deliver(cloud.function(), records, LocalCloud.STREAM_BATCH_SIZE);
    long syncedNanos = System.nanoTime() - t0;

    TenantReadModelCheck.Report relational = TenantReadModelCheck.relational(readModels, tenant, file.expected());
    TenantReadModelCheck.Report search = TenantReadModelCheck.search(readModels, tenant, file.expected());
    examples.addAll(relational.examples());
    examples.addAll(search.examples());
    return new Report(execution.statusAsString(), file.rows(), file.badRows(), summary.path("rows").asLong(-1), summary.path("ok").asLong(-1),
        summary.path("rejected").asLong(-1), summary.path("superseded").asLong(0), summary.path("failedChunks").asLong(0), chunks, importNanos, delivery, syncedNanos,
        relational, search, List.copyOf(examples));
  }

  /** What one import ended with: the execution's status and the workflow's output (the import summary). */
  public record Imported(String executionStatus, JsonNode summary) {}

  /**
   * Delivers an upload's notification (from {@link io.cqrssuite.testing.aws.LocalObjectStore#notification}) and
   * follows the import it starts to its end; the commands it wrote are left on the stream for the caller.
   */
  public static Imported importFrom(LocalCloud cloud, ObjectNode notification, Duration timeout, PrintStream progress) throws IOException {
    Set<String> before = new HashSet<>();
    cloud.stepFunctions().listExecutions(r -> r.stateMachineArn(cloud.importStateMachineArn()))
        .executions().forEach(e -> before.add(e.executionArn()));
    long deadline = System.nanoTime() + timeout.toNanos();
    deliver(cloud, notification);
    String executionArn = newExecution(cloud, before, deadline);
    DescribeExecutionResponse execution =
        follow(cloud, executionArn, executionArn.substring(executionArn.lastIndexOf(':') + 1), deadline, progress);
    return new Imported(execution.statusAsString(), execution.output() == null ? JSON.createObjectNode() : JSON.readTree(execution.output()));
  }

  /**
   * Hands the function an S3 notification, as S3 invokes it; throws when the function refuses it. Delivering the
   * same notification twice is what S3's at-least-once delivery does.
   */
  public static void deliver(LocalCloud cloud, ObjectNode event) throws IOException {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    cloud.function().handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
    JsonNode reply = response.size() == 0 ? JSON.nullNode() : JSON.readTree(response.toByteArray());
    if (reply.has("errorType") || !reply.path("batchItemFailures").isEmpty()) {
      throw new IllegalStateException("the function refused the upload's notification: " + reply);
    }
  }


  private static String newExecution(LocalCloud cloud, Set<String> before, long deadline) {
    while (true) {
      for (ExecutionListItem item : cloud.stepFunctions().listExecutions(r -> r.stateMachineArn(cloud.importStateMachineArn())).executions()) {
        if (!before.contains(item.executionArn())) {
          return item.executionArn();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the upload's notification started no import execution");
      }
      pause();
    }
  }

  private static DescribeExecutionResponse follow(LocalCloud cloud, String executionArn, String importId, long deadline, PrintStream progress) {
    ProgressLine shown = ProgressLine.on(progress);
    while (true) {
      DescribeExecutionResponse execution = cloud.stepFunctions().describeExecution(r -> r.executionArn(executionArn));
      Supplier<String> status = () -> progressItem(cloud, importId)
          .map(item -> String.format("  import: %,d / %,d chunks done, %,d rows ok, %,d rejected (%s)", number(item.get("chunksDone")),
              number(item.get("chunks")), number(item.get("ok")), number(item.get("rejected")), execution.statusAsString()))
          .orElse(null);
      if (execution.status() != ExecutionStatus.RUNNING) {
        String last = status.get();
        if (last == null) {
          shown.end();
        } else {
          shown.finish(last);
        }
        return execution;
      }
      shown.update(status);
      if (System.nanoTime() > deadline) {
        shown.end();
        throw new IllegalStateException("the import execution " + executionArn + " still runs after the time allowed");
      }
      pause();
    }
  }

  private static Optional<Map<String, AttributeValue>> progressItem(LocalCloud cloud, String importId) {
    Map<String, AttributeValue> item = cloud.dynamoDb().client().getItem(r -> r.tableName(LocalCloud.PROGRESS_TABLE)
        .key(Map.of("pk", AttributeValue.fromS(ImportProgress.keyOf(importId)))).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  private static long number(AttributeValue value) {
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the import ran", e);
    }
  }
}
