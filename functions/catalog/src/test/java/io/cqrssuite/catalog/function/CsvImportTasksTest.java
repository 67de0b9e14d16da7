package io.cqrssuite.catalog.function;

import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.aws.S3MockServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.S3MockApplication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandTables;
import io.cqrssuite.command.StoredCommand;
import io.cqrssuite.command.PublishResult;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.catalog.imports.CsvImportChunk;
import io.cqrssuite.catalog.imports.CsvImportChunkHandler;
import io.cqrssuite.catalog.imports.ImportObjects;
import io.cqrssuite.catalog.imports.ImportProgress;
import io.cqrssuite.catalog.imports.ImportSettings;
import io.cqrssuite.catalog.imports.ProductCommands;
import io.cqrssuite.command.SourceVersion;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.workflow.StepFunctionsTaskCallbacks;
import io.cqrssuite.workflow.TaskHeartbeats;
import java.io.OutputStream;
import java.io.PrintStream;
import software.amazon.awssdk.services.sfn.SfnClient;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.aws.FakeStepFunctions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import io.cqrssuite.entity.TableMappingConfig;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The import workflow's three tasks through the real function (CatalogHandler), as Step Functions would send
 * them: the plan and the summary by direct invoke, each chunk as an SQS message answered with SendTaskSuccess
 * (captured by a real HTTP server). S3 is S3Mock, DynamoDB (commands and progress) is dynalite.
 */
class CsvImportTasksTest {
  private static final String BUCKET = "catalog-imports";
  private static final String KEY = "imports/csv/products-2026-11.csv";
  private static final String EXECUTION = "arn:aws:states:ap-northeast-1:123456789012:execution:csv-import:imp-test-";
  private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "org.springframework.boot.logging.LoggingSystem"};
  private static final Map<String, String> saved = new LinkedHashMap<>();
  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;
  private static S3MockApplication s3Server;
  private static S3Client s3;
  private static FakeStepFunctions stepFunctions;
  private static String eTag;

  private final ObjectMapper mapper = EventJson.newMapper();
  private CommandTables tables;
  private String progressTable;
  private Map<String, String> env;
  private CatalogHandler function;
  private String execution;

  @BeforeAll
  static void start() throws Exception {
    for (String name : PROPERTIES) {
      saved.put(name, System.getProperty(name));
    }
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    dynalite = LocalDynamoDb.start();
    dynamoDb = LocalDynamoDb.client(dynalite.endpoint());
    s3Server = S3MockServer.start(BUCKET, Files.createTempDirectory("s3mock-imports"));
    stepFunctions = FakeStepFunctions.start();
    s3 =
        new AwsClients(AwsSettings.fromEnvironment(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_S3", s3Endpoint())))
            .configure(S3Client.builder(), "S3")
            .forcePathStyle(true)
            .build();
    eTag = s3.putObject(r -> r.bucket(BUCKET).key(KEY), RequestBody.fromBytes(Files.readAllBytes(sample("s3/csv-import/products-2026-11.csv")))).eTag();
  }

  @AfterAll
  static void stop() {
    s3.close();
    s3Server.stop();
    stepFunctions.close();
    dynamoDb.close();
    dynalite.close();
    saved.forEach((name, value) -> {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
    });
  }

  /** The repository's events/ directory, two levels up from this module. */
  private static Path sample(String name) {
    return Path.of(SampleEvents.repositoryRoot().toString(), "events", name);
  }

  private static String s3Endpoint() {
    return "http://127.0.0.1:" + s3Server.getHttpPort();
  }

  /** The file the tasks read: the sample, unless a test uploads its own. */
  private String sourceKey;
  private String sourceETag;

  @BeforeEach
  void freshTables() {
    sourceKey = KEY;
    sourceETag = eTag;
    String base = "imp-" + UUID.randomUUID().toString().substring(0, 8);
    tables = CommandTables.named(base + "-product");
    for (String table : new String[] {tables.command(), tables.data(), tables.history()}) {
      createTable(table, true);
    }
    progressTable = base + "-import-progress";
    createTable(progressTable, false);
    execution = EXECUTION + base;
    env = new HashMap<>();
    env.put("AWS_REGION", "us-east-1");
    env.put("SUITE_LOG_LEVEL", "ERROR");
    env.put("SUITE_METRICS", "off");
    env.put("SUITE_AWS_MAX_ATTEMPTS", "1");
    env.put("AWS_ENDPOINT_URL_S3", s3Endpoint());
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint());
    env.put("SUITE_COMMAND_TABLE", tables.command());
    env.put(TableMappingConfig.VARIABLE, TableMappingConfig.format(tables.tableMappings("product")));
    env.put("SUITE_IMPORT_PROGRESS_TABLE", progressTable);
    function = new CatalogHandler(env);
    stepFunctions.reset();
  }

  /**
   * Issue 12, point 5, on the import-row path: the values of refused rows (a price, an isActive, the text around a
   * malformed quote) reach the rejected-rows report in the import bucket, and nothing else: not the task's output
   * (Step Functions history), not the function's stdout or stderr (logs and EMF).
   */
  @Test
  void aRefusedRowsValuesReachOnlyTheReport() throws Exception {
    String marker = "MARKER" + UUID.randomUUID().toString().replace("-", "");
    String csv = "tenantCode,code,name,description,price,category,tags,isActive\n"
        + "acme,P-M1,Kettle,,12" + marker + ",kitchen,,\n"
        + "acme,P-M2,Kettle,,100,kitchen,," + marker + "\n"
        + "acme,P-M3,\"Bowl\"" + marker + ",,5,kitchen,,\n";
    sourceKey = "imports/csv/marker.csv";
    sourceETag = s3.putObject(r -> r.bucket(BUCKET).key(sourceKey), RequestBody.fromString(csv)).eTag();
    env.put("SUITE_LOG_LEVEL", "DEBUG");
    env.put("SUITE_METRICS", "on");
    java.io.PrintStream savedOut = System.out;
    java.io.PrintStream savedErr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    java.io.PrintStream capture = new java.io.PrintStream(printed, true, StandardCharsets.UTF_8);
    List<JsonNode> results = new ArrayList<>();
    try {
      System.setOut(capture);
      System.setErr(capture);
      function = new CatalogHandler(env); // its log and metrics write to the streams it is built with
      for (JsonNode chunk : plan(10).path("chunks")) {
        results.add(runChunk(chunk));
      }
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
    assertThat(results).extracting(r -> r.path("rejected").asInt()).containsExactly(3);
    assertThat(printed.toString(StandardCharsets.UTF_8)).as("logs and EMF").contains("CSV import chunk done", "RecordsHandled").doesNotContain(marker);
    assertThat(stepFunctions.calls()).as("the task's output and causes").allSatisfy(call -> assertThat(call.body().toString()).doesNotContain(marker));
    assertThat(results.get(0).toString()).doesNotContain(marker);
    List<String> report = text(results.get(0).path("errorsKey").asText()).lines().toList();
    assertThat(report).as("the report names the refused values").hasSize(3);
    assertThat(report.get(0)).contains("found '12" + marker + "'");
    assertThat(report.get(1)).contains("found '" + marker + "'");
    assertThat(report.get(2)).contains("malformed CSV: ", "near character 17 of the row");
  }

  @Test
  void validRowsBecomeCommandsAtVersionOneAndBadRowsAreReportedWithTheirLines() throws Exception {
    JsonNode plan = plan(3);
    assertThat(plan.path("rows").asLong()).isEqualTo(9);
    assertThat(plan.path("chunks")).hasSize(3);
    assertThat(plan.path("chunks")).extracting(c -> c.path("firstLine").asLong()).containsExactly(2L, 6L, 9L);

    List<JsonNode> results = new ArrayList<>();
    for (JsonNode chunk : plan.path("chunks")) {
      results.add(runChunk(chunk));
    }
    assertThat(results).extracting(r -> r.path("ok").asInt()).containsExactly(2, 0, 3);
    assertThat(results).extracting(r -> r.path("rejected").asInt()).containsExactly(1, 3, 0);
    // The task's output goes to the execution history: no value of the row; the report in the bucket has it.
    assertThat(results.get(0).path("errors").toString())
        .isEqualTo("[{\"line\":5,\"reason\":\"column price must be a whole number of cents\"}]");
    assertThat(text(results.get(0).path("errorsKey").asText()))
        .contains("column price must be a whole number of cents, found '12.50'");
    assertThat(results.get(1).path("errors")).extracting(e -> e.path("line").asLong()).containsExactly(6L, 7L, 8L);
    assertThat(results.get(1).path("errors").get(0).path("reason").asText()).isEqualTo("expected 8 columns but found 6");
    assertThat(results.get(1).path("errors").get(1).path("reason").asText()).startsWith("invalid UTF-8 at byte 16 of the row");
    assertThat(results.get(1).path("errors").get(2).path("reason").asText()).isEqualTo("column name is required");
    assertThat(text(results.get(1).path("errorsKey").asText()).lines()).hasSize(3);

    CommandService commands = commandService();
    Optional<StoredCommand> kettle = commands.latest("PRODUCT#acme", "P-0001");
    assertThat(kettle).isPresent();
    assertThat(kettle.get().version()).isEqualTo(1);
    assertThat(kettle.get().image().path("price").asLong()).isEqualTo(4990);
    assertThat(commands.latest("PRODUCT#acme", "P-0002").get().image().path("description").asText()).isEqualTo("Holds 350 ml\nDishwasher safe");
    assertThat(commands.latest("PRODUCT#globex", "G-0003").get().image().path("name").asText()).isEqualTo("\u65e5\u672c\u306e\u6025\u9808");
    assertThat(commands.latest("PRODUCT#acme", "P-0003")).isEmpty();

    Map<String, AttributeValue> progress = progress();
    assertThat(progress.get("chunks").n()).isEqualTo("3");
    assertThat(progress.get("chunksDone").n()).isEqualTo("3");
    assertThat(progress.get("ok").n()).isEqualTo("5");
    assertThat(progress.get("rejected").n()).isEqualTo("4");

    JsonNode summary = summarize(results);
    assertThat(summary.path("ok").asLong()).isEqualTo(5);
    assertThat(summary.path("rejected").asLong()).isEqualTo(4);
    assertThat(summary.path("status").asText()).isEqualTo("SUCCEEDED_WITH_REJECTIONS");
    assertThat(summary.path("raiseAlarm").asBoolean()).isTrue();
    assertThat(summary.path("alarm").path("errorClass").asText()).isEqualTo("CsvImport.RowsRejected");
    assertThat(summary.path("alarm").toString()).doesNotContain("Chef knife").doesNotContain("12.50");
    List<String> report = text(summary.path("reportKey").asText()).lines().toList();
    assertThat(report).extracting(line -> mapper.readTree(line).path("line").asLong()).containsExactly(5L, 6L, 7L, 8L);
    assertThat(progress().get("status").s()).isEqualTo("SUCCEEDED_WITH_REJECTIONS");
  }

  @Test
  void reRunningAChunkWritesNothingAndCountsItsProgressOnce() throws Exception {
    JsonNode chunk = plan(3).path("chunks").get(2);
    JsonNode first = runChunk(chunk);
    assertThat(first.path("written").asInt()).isEqualTo(3);
    JsonNode again = runChunk(chunk);
    assertThat(again.path("written").asInt()).isZero();
    assertThat(again.path("unchanged").asInt()).isEqualTo(3);
    assertThat(commandService().latest("PRODUCT#globex", "G-0001").get().version()).isEqualTo(1);
    assertThat(progress().get("chunksDone").n()).isEqualTo("1");
    assertThat(progress().get("ok").n()).isEqualTo("3");
  }

  @Test
  void aFailedChunkMakesTheSummaryAnErrorAlarmAndIsInTheReport() throws Exception {
    ArrayNode results = mapper.createArrayNode();
    results.addObject().put("chunkIndex", 0).put("ok", 2).put("rejected", 0).putNull("errorsKey");
    results.addObject().put("chunkIndex", 1).put("firstLine", 6).put("rows", 3).put("failed", true).put("error", "CqrsSuite.TransientError");
    plan(3);
    JsonNode summary = summarize(results);
    assertThat(summary.path("status").asText()).isEqualTo("FAILED_CHUNKS");
    assertThat(summary.path("failedChunkIndexes").toString()).isEqualTo("[1]");
    assertThat(summary.path("alarm").path("severity").asText()).isEqualTo("ERROR");
    assertThat(text(summary.path("reportKey").asText())).contains("\"firstLine\":6").contains("chunk not imported: CqrsSuite.TransientError");
  }

  @Test
  void aWrongHeaderFailsThePlanWithLineOne() throws Exception {
    s3.putObject(r -> r.bucket(BUCKET).key("imports/csv/wrong.csv"), RequestBody.fromString("sku,title\nP-1,x\n"));
    ObjectNode input = mapper.createObjectNode().put("bucket", BUCKET).put("key", "imports/csv/wrong.csv");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Throwable thrown = null;
    try {
      function.handleRequest(new ByteArrayInputStream(task(null, "CSV_IMPORT_PLAN", "Plan", input)), out, null);
    } catch (Exception e) {
      thrown = e;
    }
    assertThat(thrown).isNotNull();
    assertThat(thrown.getClass().getSimpleName()).isEqualTo("CsvHeaderException");
    assertThat(thrown.getMessage()).startsWith("line 1: expected the header tenantCode,code,name").endsWith("but found sku,title");
  }

  @Test
  void aNewCsvStartsOneExecutionNamedAfterTheObjectVersionSoARedeliveryStartsNothingNew() throws Exception {
    env.put("SUITE_IMPORT_STATE_MACHINE_ARN", "arn:aws:states:ap-northeast-1:123456789012:stateMachine:csv-import");
    env.put("SUITE_IMPORT_CHUNK_ROWS", "250");
    function = new CatalogHandler(env);
    byte[] event = Files.readAllBytes(sample("s3/csv-import-object-created.json"));
    invoke(event);
    invoke(event);
    List<FakeStepFunctions.Call> starts = stepFunctions.calls();
    assertThat(starts).extracting(FakeStepFunctions.Call::action).containsExactly("StartExecution", "StartExecution");
    JsonNode first = starts.get(0).body();
    assertThat(starts.get(1).body()).as("a redelivery asks for the same name and input: Step Functions keeps one").isEqualTo(first);
    assertThat(first.path("name").asText()).matches("products-2026-11_csv-catalog-imports-im-[0-9a-f]{40}").hasSize(80);
    JsonNode input = mapper.readTree(first.path("input").asText());
    assertThat(input.path("key").asText()).isEqualTo(KEY);
    assertThat(input.path("eTag").asText()).isEqualTo("daa6ddc7d32d1e58641bf9b6fdfc724a");
    assertThat(input.path("settings").path("chunkRows").asInt()).isEqualTo(250);
    assertThat(input.path("settings").path("maxConcurrency").asInt()).isEqualTo(4);

    // Every row's command carries the file's source version: its event time, then its sequencer.
    assertThat(input.path("sourceVersion").asText()).isEqualTo(SourceVersion.ofObject(Instant.parse("2026-11-25T09:00:00Z"), "00D277BDEF11357F8A").text());

    stepFunctions.reset();
    // Another upload of the key: new content and a new sequencer (S3 gives every write of a key a larger one).
    invoke(Files.readString(sample("s3/csv-import-object-created.json")).replace("daa6ddc7d32d1e58641bf9b6fdfc724a", "0123456789abcdef0123456789abcdef")
        .replace("00D277BDEF11357F8A", "00D277BDEF11357F9B").getBytes(StandardCharsets.UTF_8));
    assertThat(stepFunctions.calls().get(0).body().path("name").asText()).as("new upload, new import").isNotEqualTo(first.path("name").asText());
    stepFunctions.reset();
    // The same content uploaded again (equal ETag, new sequencer) is a new import too: a newer file, even if equal.
    invoke(Files.readString(sample("s3/csv-import-object-created.json")).replace("00D277BDEF11357F8A", "00D277BDEF11357FAC").getBytes(StandardCharsets.UTF_8));
    assertThat(stepFunctions.calls().get(0).body().path("name").asText()).as("equal content uploaded again").isNotEqualTo(first.path("name").asText());
  }

  @Test
  void aSlowChunkSendsHeartbeatsWhileItRunsAndStopsWhenItIsDone() throws Exception {
    JsonNode chunk = plan(3).path("chunks").get(0);
    stepFunctions.reset();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    // Holds the first row until Step Functions has seen a heartbeat: the chunk is "long" exactly as long as needed.
    ProductCommands slow = (image, source) -> {
      while (stepFunctions.calls().stream().noneMatch(c -> c.action().equals("SendTaskHeartbeat"))) {
        assertThat(System.nanoTime()).as("a heartbeat within 15 s").isLessThan(deadline);
        Thread.onSpinWait();
      }
      return new PublishResult(null, true);
    };
    StructuredLog log = new StructuredLog("test", new PrintStream(OutputStream.nullOutputStream()), StructuredLog.Level.ERROR);
    SfnClient sfn = new AwsClients(AwsSettings.fromEnvironment(env)).configure(SfnClient.builder(), "SFN").build();
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    scheduler.setRemoveOnCancelPolicy(true);
    try (TaskHeartbeats heartbeats = new TaskHeartbeats(new StepFunctionsTaskCallbacks(sfn, log), scheduler, log)) {
      CsvImportChunkHandler handler =
          new CsvImportChunkHandler(
              ImportSettings.fromEnvironment(env),
              new ImportObjects(() -> s3),
              slow,
              new ImportProgress(() -> dynamoDb, null, Clock.systemUTC()),
              () -> heartbeats,
              env,
              mapper,
              log);
      ObjectNode input = source().put("heartbeatSeconds", 3);
      input.set("chunk", chunk);
      JsonNode result = handler.handle(CsvImportChunk.of(new TaskEvent("token-slow", execution, "ImportChunk", 0L, "CSV_IMPORT_CHUNK", input)));
      assertThat(result.path("written").asInt()).isEqualTo(2);
      assertThat(stepFunctions.calls()).extracting(FakeStepFunctions.Call::action).containsOnly("SendTaskHeartbeat");
      assertThat(stepFunctions.calls().get(0).body().path("taskToken").asText()).isEqualTo("token-slow");
      assertThat(scheduler.getQueue()).as("no heartbeat is scheduled once the chunk is done").isEmpty();
    } finally {
      sfn.close();
    }
  }

  private JsonNode plan(int chunkRows) throws Exception {
    ObjectNode input = source();
    input.putObject("settings").put("chunkRows", chunkRows);
    return invoke(task(null, "CSV_IMPORT_PLAN", "Plan", input));
  }

  private JsonNode summarize(JsonNode chunkResults) throws Exception {
    ObjectNode input = source();
    input.putObject("plan").put("rows", 9);
    input.set("chunkResults", chunkResults);
    return invoke(task(null, "CSV_IMPORT_SUMMARY", "Summarize", input));
  }

  private JsonNode summarize(List<JsonNode> results) throws Exception {
    ArrayNode array = mapper.createArrayNode();
    results.forEach(array::add);
    return summarize(array);
  }

  /** Sends the chunk as Step Functions does (SQS, with a token) and returns the output of its SendTaskSuccess. */
  private JsonNode runChunk(JsonNode chunk) throws Exception {
    stepFunctions.reset();
    ObjectNode input = source();
    input.put("heartbeatSeconds", 120);
    input.set("chunk", chunk);
    String token = "token-" + chunk.path("index").asInt();
    ObjectNode sqs = (ObjectNode) mapper.readTree(sample("sqs/task-token.json").toFile());
    ((ObjectNode) sqs.path("Records").get(0)).put("body", new String(task(token, "CSV_IMPORT_CHUNK", "ImportChunk", input), StandardCharsets.UTF_8));
    JsonNode response = invoke(mapper.writeValueAsBytes(sqs));
    assertThat(response.path("batchItemFailures")).isEmpty();
    List<FakeStepFunctions.Call> calls = stepFunctions.calls();
    // A heartbeat on receipt (the task's clock ran while the message waited in the queue), then the answer.
    assertThat(calls).extracting(FakeStepFunctions.Call::action).containsExactly("SendTaskHeartbeat", "SendTaskSuccess");
    assertThat(calls).allSatisfy(c -> assertThat(c.body().path("taskToken").asText()).isEqualTo(token));
    return mapper.readTree(calls.get(1).body().path("output").asText());
  }

  private ObjectNode source() {
    return mapper.createObjectNode().put("bucket", BUCKET).put("key", sourceKey).putNull("versionId").put("eTag", sourceETag);
  }

  private byte[] task(String token, String type, String state, JsonNode input) throws Exception {
    ObjectNode task = mapper.createObjectNode();
    if (token != null) {
      task.put("taskToken", token);
      task.put("mapItemIndex", input.path("chunk").path("index").asInt());
    }
    task.put("executionId", execution);
    task.put("state", state);
    task.put("type", type);
    task.set("input", input);
    return mapper.writeValueAsBytes(task);
  }

  private JsonNode invoke(byte[] event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    function.handleRequest(new ByteArrayInputStream(event), out, null);
    return mapper.readTree(out.toByteArray());
  }

  private String text(String key) {
    return s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asString(StandardCharsets.UTF_8);
  }

  private Map<String, AttributeValue> progress() {
    return dynamoDb.getItem(r -> r.tableName(progressTable).key(Map.of("pk", AttributeValue.fromS(ImportProgress.keyOf(execution.substring(execution.lastIndexOf(':') + 1)))))).item();
  }

  private CommandService commandService() {
    return new CommandService(dynamoDb, (software.amazon.awssdk.services.s3.S3Client) null, new CommandSettings(tables, null, CommandSettings.DEFAULT_OFFLOAD_BYTES, Duration.ZERO), mapper, Clock.systemUTC());
  }

  private static void createTable(String table, boolean sorted) {
    dynamoDb.createTable(r -> {
      r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST);
      if (sorted) {
        r.attributeDefinitions(
                a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE));
      } else {
        r.attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH));
      }
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (dynamoDb.describeTable(r -> r.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
      assertThat(System.nanoTime()).as("table %s ACTIVE within 20 s", table).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
