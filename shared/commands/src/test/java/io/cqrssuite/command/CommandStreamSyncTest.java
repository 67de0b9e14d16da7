package io.cqrssuite.command;

import io.cqrssuite.entity.TableMappings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.bus.BatchProcessor;
import io.cqrssuite.bus.EventBus;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.bus.RecordResult;
import io.cqrssuite.bus.UnhandledEvents;
import io.cqrssuite.entrypoint.EventEntrypoint;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.CorrelationContext;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.workflow.WorkflowStarts;
import io.cqrssuite.retry.TransientRetry;
import io.cqrssuite.sync.DataSyncDispatcher;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.aws.FakeStepFunctions;
import java.io.ByteArrayInputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The command stream end to end on real wire formats: commands written by {@link CommandService} to dynalite, turned
 * into the stream's {@code DynamodbEvent} JSON, handled by the {@link EventEntrypoint} with the command side's intake in
 * the {@link DataSyncDispatcher}; large attributes in S3Mock. The read model is an in-memory, version-guarded target
 * that records what it was given (the engines' own guards are tested against PostgreSQL and OpenSearch elsewhere).
 */
class CommandStreamSyncTest {
  private static final String PK = "PRODUCT#acme";
  private static final String BUCKET = "catalog-commands";
  private static final String MACHINE = "arn:aws:states:us-east-1:000000000000:stateMachine:dev-catalog-command-sync";
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static CommandStores stores;
  private static DynamoDbClient dynamoDb;
  private static S3Client s3;

  private final ObjectMapper mapper = EventJson.newMapper();
  private final StructuredLog log = StructuredLog.fromEnvironment(Map.of("SUITE_LOG_LEVEL", "ERROR"));
  private final ReadModel readModel = new ReadModel();
  private final Set<String> failingDataPuts = ConcurrentHashMap.newKeySet();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private CommandTables tables;
  private CommandService service;
  private CommandStreamDeliveries stream;
  /** Whether the intake syncs a delivery's commands together first ({@link CommandBatchSync}). */
  private boolean batched;

  @BeforeAll
  static void start() throws Exception {
    stores = CommandStores.start(BUCKET);
    dynamoDb = stores.dynamoDb();
    s3 = stores.s3();
  }

  @AfterAll
  static void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  @BeforeEach
  void freshTables() {
    tables = CommandTestTables.create(dynamoDb);
    service = new CommandService(dynamoDb, s3, new CommandSettings(tables, BUCKET, 1024, Duration.ZERO), mapper, Clock.fixed(NOW, ZoneOffset.UTC));
    stream = new CommandStreamDeliveries(dynamoDb, tables.command());
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  // ---- wiring ---------------------------------------------------------------------------------------------------

  /** The stream side as {@code CommandModule} wires it, on a DynamoDB client that fails data puts of chosen codes. */
  private EventEntrypoint entrypoint(CommandSyncSettings mode, WorkflowStarts starts) {
    DynamoDbClient failing = failingDataPuts(dynamoDb);
    CommandIntake intake =
        new CommandIntake(
            tables, new TableMappings(tables.tableMappings("product")), new CommandSync(failing, tables),
            batched ? new CommandBatchSync(failing, tables, CommandSyncWrites.AUTO) : null, service.images(), mode, starts, mapper);
    DataSyncDispatcher dispatcher = DataSyncDispatcher.builder(Set.of(readModel)).log(log).retry(TransientRetry.none()).correlation(new CorrelationContext()).intake(intake).build();
    closing.add(dispatcher);
    Set<EventHandler<?>> handlers = Set.of(new CommandSyncTaskHandler(service, intake, dispatcher, tables));
    return EventEntrypoint.builder(
            mapper,
            new EventDecoder(mapper, new CommandTaskRouting(new DefaultEventFactory())),
            BatchProcessor.builder(new EventBus(handlers, UnhandledEvents.FAIL)).batchHandlers(Set.of(dispatcher)).build())
        .taskCallbacks(() -> {
          throw new AssertionError("no task token in these tests");
        })
        .log(log)
        .build();
  }

  private EventEntrypoint direct() {
    return entrypoint(CommandSyncSettings.DIRECT, null);
  }

  private InvocationOutcome deliver(EventEntrypoint entrypoint, List<ObjectNode> records) {
    return entrypoint.handle(new ByteArrayInputStream(stream.event(records)));
  }

  private DynamoDbClient failingDataPuts(DynamoDbClient real) {
    return (DynamoDbClient) Proxy.newProxyInstance(
        getClass().getClassLoader(),
        new Class<?>[] {DynamoDbClient.class},
        (proxy, method, args) -> {
          if (method.getName().equals("putItem") && args != null && args.length == 1) {
            PutItemRequest request;
            if (args[0] instanceof PutItemRequest r) {
              request = r;
            } else {
              PutItemRequest.Builder builder = PutItemRequest.builder();
              @SuppressWarnings("unchecked")
              Consumer<PutItemRequest.Builder> consumer = (Consumer<PutItemRequest.Builder>) args[0];
              consumer.accept(builder);
              request = builder.build();
            }
            if (request.tableName().equals(tables.data()) && failingDataPuts.contains(request.item().get("code").s())) {
              throw ProvisionedThroughputExceededException.builder().message("throttled (test)").build();
            }
            return real.putItem(request);
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  // ---- what the tables hold ---------------------------------------------------------------------------------------

  private long dataVersion(String code) {
    Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.data())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(code))).consistentRead(true)).item();
    return item == null || item.isEmpty() ? 0 : Long.parseLong(item.get("version").n());
  }

  private List<String> history(String code) {
    return dynamoDb.query(r -> r.tableName(tables.history())
            .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK), ":prefix", AttributeValue.fromS(code + "@")))
            .consistentRead(true))
        .items().stream().map(i -> i.get("sk").s()).toList();
  }

  private static List<String> failures(InvocationOutcome outcome) {
    List<String> ids = new ArrayList<>();
    outcome.response().path("batchItemFailures").forEach(f -> ids.add(f.path("itemIdentifier").asText()));
    return ids;
  }

  private static String sequenceNumber(ObjectNode record) {
    return record.path("dynamodb").path("SequenceNumber").asText();
  }

  private ObjectNode product(String name, long price) {
    ObjectNode image = mapper.createObjectNode();
    image.put("name", name);
    image.put("price", price);
    return image;
  }

  private ObjectNode patch(String field, long value) {
    ObjectNode patch = mapper.createObjectNode();
    patch.put(field, value);
    return patch;
  }

  /** Publishes v1 to v3 of {@code code}: created, price changed, stock added. */
  private void threeVersions(String code) {
    service.publish(NewCommand.of(PK, code, product("kettle", 3_900)));
    service.publishPartial(PK, code, 1L, patch("price", 4_200));
    service.publishPartial(PK, code, 2L, patch("stock", 12));
  }

  // ---- direct mode ------------------------------------------------------------------------------------------------

  @Test
  void everyCommandOfADeliveryReachesDataAndHistoryBeforeTheReadModelGetsTheNewest() {
    threeVersions("P-001");

    InvocationOutcome outcome = deliver(direct(), stream.inserts(PK, "P-001"));

    assertThat(failures(outcome)).isEmpty();
    assertThat(dataVersion("P-001")).isEqualTo(3);
    assertThat(history("P-001")).containsExactly("P-001@0000000001", "P-001@0000000002");
    ChangeRecord projected = readModel.rows.get(PK + "#P-001");
    assertThat(projected.version()).isEqualTo(3);
    assertThat(projected.image().path("price").asLong()).isEqualTo(4_200);
    assertThat(projected.image().path("stock").asLong()).isEqualTo(12);
    // The per-batch de-duplication keeps one write per entity for the read model, not for history.
    assertThat(readModel.writes).isEqualTo(1);
  }

  @Test
  void redeliveredAndReorderedCommandsLeaveTheSameTables() {
    threeVersions("P-001");
    List<ObjectNode> inOrder = stream.inserts(PK, "P-001");
    EventEntrypoint entrypoint = direct();

    // v3 first, then v1 and v2 late, then everything again in separate deliveries.
    assertThat(failures(deliver(entrypoint, List.of(inOrder.get(2), inOrder.get(0))))).isEmpty();
    assertThat(failures(deliver(entrypoint, List.of(inOrder.get(1), inOrder.get(2), inOrder.get(0))))).isEmpty();
    for (ObjectNode record : inOrder) {
      assertThat(failures(deliver(entrypoint, List.of(record)))).isEmpty();
    }

    assertThat(dataVersion("P-001")).isEqualTo(3);
    assertThat(history("P-001")).containsExactly("P-001@0000000001", "P-001@0000000002");
    assertThat(readModel.rows.get(PK + "#P-001").version()).isEqualTo(3);
  }

  @Test
  void aFailingDataWriteFailsThatRecordOnlyAndRedeliveryCompletesIt() {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 3_900)));
    service.publish(NewCommand.of(PK, "P-002", product("teapot", 2_500)));
    service.publish(NewCommand.of(PK, "P-003", product("mug", 900)));
    List<ObjectNode> records = new ArrayList<>();
    records.addAll(stream.inserts(PK, "P-001"));
    records.addAll(stream.inserts(PK, "P-002"));
    records.addAll(stream.inserts(PK, "P-003"));
    failingDataPuts.add("P-002");
    EventEntrypoint entrypoint = direct();

    InvocationOutcome outcome = deliver(entrypoint, records);

    // Lambda redelivers from the lowest failed sequence number: P-002's.
    assertThat(failures(outcome)).containsExactly(sequenceNumber(records.get(1)));
    RecordResult failed = outcome.batch().records().get(1);
    assertThat(failed.failureKind()).isEqualTo(FailureKind.TRANSIENT);
    assertThat(failed.failure()).hasMessageContaining(tables.data());
    assertThat(outcome.batch().records().get(0).succeeded()).isTrue();
    // Its neighbours were written; P-002 reached neither its data table nor the read model.
    assertThat(dataVersion("P-001")).isEqualTo(1);
    assertThat(dataVersion("P-003")).isEqualTo(1);
    assertThat(dataVersion("P-002")).isZero();
    assertThat(readModel.rows).containsOnlyKeys(PK + "#P-001", PK + "#P-003");

    failingDataPuts.clear();
    assertThat(failures(deliver(entrypoint, records.subList(1, 3)))).isEmpty();
    assertThat(dataVersion("P-002")).isEqualTo(1);
    assertThat(readModel.rows).containsKey(PK + "#P-002");
  }

  @Test
  void batchedEveryCommandOfADeliveryReachesDataAndHistoryBeforeTheReadModelGetsTheNewest() {
    batched = true;
    everyCommandOfADeliveryReachesDataAndHistoryBeforeTheReadModelGetsTheNewest();
  }

  @Test
  void batchedRedeliveredAndReorderedCommandsLeaveTheSameTables() {
    batched = true;
    redeliveredAndReorderedCommandsLeaveTheSameTables();
  }

  @Test
  void batchedAFailingDataWriteFailsThatRecordOnlyAndRedeliveryCompletesIt() {
    // The batch leaves P-002 (its data put keeps failing) to the per-record sync, which reports it on its record.
    batched = true;
    aFailingDataWriteFailsThatRecordOnlyAndRedeliveryCompletesIt();
  }

  @Test
  void batchedAFailedVersionHoldsBackTheLaterVersionsOfItsEntityOnly() {
    batched = true;
    threeVersions("P-001");
    service.publish(NewCommand.of(PK, "P-002", product("teapot", 2_500)));
    List<ObjectNode> records = new ArrayList<>(stream.inserts(PK, "P-001"));
    records.add(1, stream.inserts(PK, "P-002").get(0));
    failingDataPuts.add("P-001");
    EventEntrypoint entrypoint = direct();

    InvocationOutcome outcome = deliver(entrypoint, records);

    // Lambda redelivers from P-001's first record; none of P-001's versions reached the data table, P-002 did
    // (written with the batch, as its per-record sync would have), and the redelivery finds it a duplicate.
    assertThat(failures(outcome)).containsExactly(sequenceNumber(records.get(0)));
    assertThat(outcome.batch().records().get(0).failure()).hasMessageContaining(tables.data());
    assertThat(dataVersion("P-001")).isZero();
    assertThat(dataVersion("P-002")).isEqualTo(1);

    failingDataPuts.clear();
    assertThat(failures(deliver(entrypoint, records))).isEmpty();
    assertThat(dataVersion("P-001")).isEqualTo(3);
    assertThat(history("P-001")).containsExactly("P-001@0000000001", "P-001@0000000002");
  }

  @Test
  void aTtlExpiryOfAnOldCommandTouchesNeitherTableNorTheReadModel() {
    threeVersions("P-001");
    EventEntrypoint entrypoint = direct();
    assertThat(failures(deliver(entrypoint, stream.inserts(PK, "P-001")))).isEmpty();
    int writes = readModel.writes;

    InvocationOutcome outcome = deliver(entrypoint, List.of(stream.ttlExpiry(PK, "P-001", 1)));

    assertThat(failures(outcome)).isEmpty();
    assertThat(dataVersion("P-001")).isEqualTo(3);
    assertThat(history("P-001")).containsExactly("P-001@0000000001", "P-001@0000000002");
    assertThat(readModel.writes).isEqualTo(writes);
    assertThat(readModel.rows.get(PK + "#P-001").deleted()).isFalse();
  }

  @Test
  void anAttributeOffloadedToS3ReachesTheReadModelResolvedWhileTheDataTableKeepsThePointer() {
    String description = "a kettle that whistles. ".repeat(200);
    ObjectNode image = product("kettle", 3_900);
    image.put("description", description);
    service.publish(NewCommand.of(PK, "P-001", image));

    InvocationOutcome outcome = deliver(direct(), stream.inserts(PK, "P-001"));

    assertThat(failures(outcome)).isEmpty();
    assertThat(readModel.rows.get(PK + "#P-001").image().path("description").asText()).isEqualTo(description);
    Map<String, AttributeValue> data = dynamoDb.getItem(r -> r.tableName(tables.data())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS("P-001")))).item();
    assertThat(data.get("description").m()).containsOnlyKeys("$s3");
  }

  @Test
  void aPointerToAMissingObjectFailsItsRecordPermanentlySayingWhatIsMissing() {
    ObjectNode image = product("kettle", 3_900);
    image.put("description", "x".repeat(3_000));
    service.publish(NewCommand.of(PK, "P-001", image));
    service.publish(NewCommand.of(PK, "P-002", product("mug", 900)));
    String key = service.latest(PK, "P-001").orElseThrow().image().path("description").path("$s3").path("key").asText();
    s3.deleteObject(r -> r.bucket(BUCKET).key(key));
    List<ObjectNode> records = new ArrayList<>(stream.inserts(PK, "P-001"));
    records.addAll(stream.inserts(PK, "P-002"));

    InvocationOutcome outcome = deliver(direct(), records);

    RecordResult failed = outcome.batch().records().get(0);
    assertThat(failed.failureKind()).isEqualTo(FailureKind.PERMANENT);
    assertThat(failed.failure()).isInstanceOf(PermanentException.class).hasMessageContaining(key).hasMessageContaining("missing");
    assertThat(readModel.rows).doesNotContainKey(PK + "#P-001");

    // Deleting it needs none of its values: the tombstone is projected although the object is gone.
    service.delete(PK, "P-001", 1L);
    List<ObjectNode> deleted = stream.inserts(PK, "P-001");
    assertThat(failures(deliver(direct(), List.of(deleted.get(1))))).isEmpty();
    assertThat(readModel.rows.get(PK + "#P-001").deleted()).isTrue();
    assertThat(readModel.rows.get(PK + "#P-001").version()).isEqualTo(2);
  }

  // ---- workflow mode ----------------------------------------------------------------------------------------------

  @Test
  void workflowModeStartsOneDeterministicallyNamedExecutionPerCommandWithItsKeyAsInput() throws Exception {
    FakeStepFunctions sfn = FakeStepFunctions.start();
    closing.add(sfn);
    SfnClient client = new AwsClients(new AwsSettings("us-east-1", Map.of("SFN", java.net.URI.create(sfn.endpoint())), null, 1, Duration.ofSeconds(5)))
        .configure(SfnClient.builder(), "SFN")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .build();
    closing.add(client);
    EventEntrypoint entrypoint = entrypoint(
        new CommandSyncSettings(CommandSyncSettings.Mode.WORKFLOW, MACHINE), new WorkflowStarts(() -> client, mapper, new CorrelationContext()));
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 3_900)));
    service.publishPartial(PK, "P-001", 1L, patch("price", 4_200));
    List<ObjectNode> records = stream.inserts(PK, "P-001");

    assertThat(failures(deliver(entrypoint, records))).isEmpty();
    assertThat(failures(deliver(entrypoint, List.of(records.get(1))))).isEmpty();

    List<FakeStepFunctions.Call> starts = sfn.calls();
    assertThat(starts).extracting(FakeStepFunctions.Call::action).containsOnly("StartExecution");
    assertThat(starts).extracting(c -> c.body().path("name").asText()).containsExactly(
        CommandIntake.executionName(tables.command(), PK, "P-001", 1),
        CommandIntake.executionName(tables.command(), PK, "P-001", 2),
        CommandIntake.executionName(tables.command(), PK, "P-001", 2));
    assertThat(starts.get(0).body().path("stateMachineArn").asText()).isEqualTo(MACHINE);
    assertThat(starts.get(0).body().path("name").asText()).matches("[A-Za-z0-9_-]{1,80}");
    JsonNode input = mapper.readTree(starts.get(1).body().path("input").asText());
    assertThat(input.path("table").asText()).isEqualTo(tables.command());
    assertThat(input.path("pk").asText()).isEqualTo(PK);
    assertThat(input.path("code").asText()).isEqualTo("P-001");
    assertThat(input.path("version").asLong()).isEqualTo(2);
    assertThat(input.has("name")).as("the task reads the image; the input carries the key only").isFalse();
    // Delivered with v1 or alone, the record starts with the same input: a real repeat start then matches the first.
    assertThat(starts.get(2).body().path("input").asText()).isEqualTo(starts.get(1).body().path("input").asText());
    assertThat(input.path("correlationId").asText()).isEqualTo(records.get(1).path("eventID").asText());
    // The stream invocation itself wrote nothing: the task does.
    assertThat(dataVersion("P-001")).isZero();
    assertThat(readModel.rows).isEmpty();

    // The tasks, in any order: v2 first, v1 late (no waiting on the previous version).
    EventEntrypoint tasks = direct();
    InvocationOutcome second = tasks.handle(task("exec-2", input));
    assertThat(second.failed()).as(String.valueOf(second.error())).isFalse();
    ObjectNode first = ((ObjectNode) input.deepCopy()).put("version", 1);
    assertThat(tasks.handle(task("exec-1", first)).failed()).isFalse();
    assertThat(dataVersion("P-001")).isEqualTo(2);
    assertThat(history("P-001")).containsExactly("P-001@0000000001");
    assertThat(readModel.rows.get(PK + "#P-001").version()).isEqualTo(2);
    assertThat(second.response().path("version").asLong()).isEqualTo(2);

    ObjectNode missing = ((ObjectNode) input.deepCopy()).put("version", 9);
    InvocationOutcome gone = tasks.handle(task("exec-9", missing));
    assertThat(gone.error()).isInstanceOf(PermanentException.class).hasMessageContaining("P-001@0000000009");
  }

  @Test
  void aReplayedTaskWhoseLatestCommandTtlRemovedReadsItFromTheDataTable() throws Exception {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 3_900)));
    assertThat(failures(deliver(direct(), stream.inserts(PK, "P-001")))).isEmpty();
    dynamoDb.deleteItem(r -> r.tableName(tables.command())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS("P-001@0000000001"))));
    readModel.rows.clear();
    ObjectNode input = mapper.createObjectNode().put("table", tables.command()).put("pk", PK).put("code", "P-001").put("version", 1);

    InvocationOutcome outcome = direct().handle(task("replayed", input));

    assertThat(outcome.failed()).as(String.valueOf(outcome.error())).isFalse();
    assertThat(readModel.rows.get(PK + "#P-001").version()).isEqualTo(1);
    assertThat(history("P-001")).isEmpty();
  }

  /** The task payload the state machine sends (here without a token: the result is the response). */
  private ByteArrayInputStream task(String execution, JsonNode input) throws Exception {
    ObjectNode payload = mapper.createObjectNode();
    payload.put("executionId", "arn:aws:states:us-east-1:000000000000:execution:dev-catalog-command-sync:" + execution);
    payload.put("state", "SyncCommand");
    payload.put("type", CommandSyncTask.TYPE);
    payload.set("input", input);
    return new ByteArrayInputStream(mapper.writeValueAsBytes(payload));
  }

  /** A version-guarded read model in memory: what a target was given, newest version per entity. */
  private static final class ReadModel implements DataSyncHandler {
    final Map<String, ChangeRecord> rows = new ConcurrentHashMap<>();
    volatile int writes;

    @Override
    public boolean accepts(ChangeRecord change) {
      return change.pk().startsWith("PRODUCT#");
    }

    @Override
    public SyncOutcome up(ChangeRecord change) {
      return write(change);
    }

    @Override
    public SyncOutcome down(ChangeRecord change) {
      return write(change);
    }

    private synchronized SyncOutcome write(ChangeRecord change) {
      ChangeRecord stored = rows.get(change.id());
      if (stored != null && stored.version() == change.version()) {
        return SyncOutcome.DUPLICATE;
      }
      if (stored != null && stored.version() > change.version()) {
        return new SyncOutcome.Stale(stored.version());
      }
      rows.put(change.id(), change);
      writes++;
      return SyncOutcome.APPLIED;
    }
  }
}
