package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.sync.SyncOutcome;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The batched command sync's guarantees, the same as {@link CommandSync}'s, on one engine: each subclass names the
 * engine and so the write path ({@code transactions} on moto, {@code conditional-puts} on dynalite, found by
 * {@code auto}) and how many write calls a batch takes there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CommandBatchSyncContract {
  static final String PK = "PRODUCT#acme";

  final ObjectMapper mapper = EventJson.newMapper();
  final DynamoDbCalls calls = new DynamoDbCalls();
  private AutoCloseable engine;
  DynamoDbClient dynamoDb;
  CommandTables tables;
  CommandBatchSync sync;

  /** Starts the engine; its endpoint is {@link #endpoint}. */
  abstract AutoCloseable startEngine();

  abstract URI endpoint(AutoCloseable engine);

  /** The write path {@code auto} settles on for this engine. */
  abstract String expectedWrites();

  /** The write calls (PutItem or TransactWriteItems) one batch of {@code puts} history and data puts in {@code transactions} takes. */
  abstract int writeCalls(int puts, int transactions);

  @BeforeAll
  void start() {
    engine = startEngine();
    dynamoDb = client(calls);
  }

  @AfterAll
  void stop() throws Exception {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @BeforeEach
  void freshTables() {
    tables = CommandTestTables.create(dynamoDb);
    sync = new CommandBatchSync(dynamoDb, tables, CommandSyncWrites.AUTO);
    calls.reset();
  }

  DynamoDbClient client(ExecutionInterceptor... interceptors) {
    AwsSettings settings = new AwsSettings("us-east-1", Map.of("DYNAMODB", endpoint(engine)), null, 1, Duration.ofSeconds(10));
    return new AwsClients(settings)
        .configure(DynamoDbClient.builder(), "DYNAMODB")
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .overrideConfiguration(o -> List.of(interceptors).forEach(o::addExecutionInterceptor))
        .build();
  }

  // ---- commands and tables ----------------------------------------------------------------------------------------

  /** A command record as the stream's mapping gives it. */
  ChangeRecord command(String code, long version, long price) {
    ObjectNode image = mapper.createObjectNode();
    image.put("pk", PK);
    image.put("sk", code + "@" + String.format("%010d", version));
    image.put("code", code);
    image.put("id", PK + "#" + code);
    image.put("name", "kettle");
    image.put("price", price);
    image.put("version", version);
    image.put("isDeleted", false);
    image.put("ttl", 1_800_000_000L + version);
    return new ChangeRecord(tables.command(), PK, code, PK + "#" + code, version, false, image);
  }

  Map<String, AttributeValue> data(String code) {
    Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.data())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(code))).consistentRead(true)).item();
    return item == null || item.isEmpty() ? null : item;
  }

  long dataVersion(String code) {
    Map<String, AttributeValue> item = data(code);
    return item == null ? 0 : Long.parseLong(item.get("version").n());
  }

  /** History of one code: sort key to price. */
  Map<String, Long> history(String code) {
    return dynamoDb.query(r -> r.tableName(tables.history())
            .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK), ":prefix", AttributeValue.fromS(code + "@")))
            .consistentRead(true))
        .items().stream()
        .collect(Collectors.toMap(i -> i.get("sk").s(), i -> Long.parseLong(i.get("price").n()), (a, b) -> a, TreeMap::new));
  }

  List<Map<String, AttributeValue>> everything() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    items.addAll(dynamoDb.scan(r -> r.tableName(tables.data()).consistentRead(true)).items());
    items.addAll(dynamoDb.scan(r -> r.tableName(tables.history()).consistentRead(true)).items());
    items.sort((a, b) -> (a.get("sk").s() + a.get("version").n()).compareTo(b.get("sk").s() + b.get("version").n()));
    return items;
  }

  static List<SyncOutcome> inOrder(Map<Integer, SyncOutcome> outcomes, int size) {
    assertThat(outcomes.keySet()).as("every command settled").hasSize(size);
    return IntStream.range(0, size).mapToObj(outcomes::get).toList();
  }

  // ---- the guarantees ---------------------------------------------------------------------------------------------

  @Test
  void severalVersionsOfAnEntityInOneBatchLeaveTheNewestAndEveryOtherInHistory() {
    List<ChangeRecord> batch = List.of(
        command("P-001", 1, 100), command("P-002", 1, 10), command("P-001", 2, 200), command("P-001", 3, 300),
        command("P-002", 2, 20), command("P-001", 4, 400), command("P-001", 5, 500));

    List<SyncOutcome> outcomes = inOrder(sync.applyAll(batch), batch.size());
    int reads = calls.of("BatchGetItem");
    int singleReads = calls.of("GetItem");
    int writes = calls.of("PutItem") + calls.of("TransactWriteItems");

    assertThat(outcomes).containsOnly(SyncOutcome.APPLIED);
    assertThat(dataVersion("P-001")).isEqualTo(5);
    assertThat(data("P-001").get("price").n()).isEqualTo("500");
    assertThat(data("P-001")).doesNotContainKey("ttl");
    assertThat(history("P-001")).containsExactly(
        Map.entry("P-001@0000000001", 100L), Map.entry("P-001@0000000002", 200L),
        Map.entry("P-001@0000000003", 300L), Map.entry("P-001@0000000004", 400L));
    assertThat(dataVersion("P-002")).isEqualTo(2);
    assertThat(history("P-002")).containsExactly(Map.entry("P-002@0000000001", 10L));
    assertThat(sync.writes()).isEqualTo(expectedWrites());
    // One read for both entities; the writes: 5 history puts and 2 data puts, in one transaction or one put each.
    assertThat(reads).isEqualTo(1);
    assertThat(singleReads).isZero();
    assertThat(writes).isEqualTo(writeCalls(7, 1));
  }

  @Test
  void duplicatesAndARedeliveredBatchChangeNothing() {
    List<ChangeRecord> batch = List.of(command("P-001", 1, 100), command("P-001", 2, 200), command("P-001", 2, 200), command("P-001", 3, 300));
    assertThat(inOrder(sync.applyAll(batch), 4))
        .containsExactly(SyncOutcome.APPLIED, SyncOutcome.APPLIED, SyncOutcome.DUPLICATE, SyncOutcome.APPLIED);
    List<Map<String, AttributeValue>> before = everything();

    List<SyncOutcome> again = inOrder(sync.applyAll(batch), 4);

    assertThat(again).containsExactly(new SyncOutcome.Stale(3), new SyncOutcome.Stale(3), new SyncOutcome.Stale(3), SyncOutcome.DUPLICATE);
    assertThat(everything()).isEqualTo(before);
    assertThat(history("P-001")).containsOnlyKeys("P-001@0000000001", "P-001@0000000002");
  }

  @Test
  void aVersionOlderThanTheStoredOneIsArchivedNotApplied() {
    inOrder(sync.applyAll(List.of(command("P-001", 5, 500))), 1);

    List<SyncOutcome> late = inOrder(sync.applyAll(List.of(command("P-001", 3, 300), command("P-001", 4, 400))), 2);

    assertThat(late).containsExactly(new SyncOutcome.Stale(5), new SyncOutcome.Stale(5));
    assertThat(dataVersion("P-001")).isEqualTo(5);
    assertThat(data("P-001").get("price").n()).isEqualTo("500");
    assertThat(history("P-001")).containsExactly(Map.entry("P-001@0000000003", 300L), Map.entry("P-001@0000000004", 400L));
  }

  @Test
  void twoBatchesRacingOnOneEntityBothEndInTheirPlace() throws Exception {
    inOrder(sync.applyAll(List.of(command("P-001", 1, 100))), 1);
    RacingWrites racing = new RacingWrites(dynamoDb, tables.data(), 2);
    CommandBatchSync first = new CommandBatchSync(racing, tables, CommandSyncWrites.AUTO);
    CommandBatchSync second = new CommandBatchSync(racing, tables, CommandSyncWrites.AUTO);
    // Each learns its engine's writes first, so both race with the path under test.
    first.applyAll(List.of(command("P-000", 1, 1)));
    second.applyAll(List.of(command("P-000", 1, 1)));
    racing.arm();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Map<Integer, SyncOutcome>> v2 = pool.submit(() -> first.applyAll(List.of(command("P-001", 2, 200))));
      Future<Map<Integer, SyncOutcome>> v3 = pool.submit(() -> second.applyAll(List.of(command("P-001", 3, 300))));
      assertThat(v3.get(30, TimeUnit.SECONDS)).containsExactly(Map.entry(0, SyncOutcome.APPLIED));
      assertThat(v2.get(30, TimeUnit.SECONDS).get(0)).isIn(SyncOutcome.APPLIED, new SyncOutcome.Stale(3));
    } finally {
      pool.shutdownNow();
    }

    assertThat(dataVersion("P-001")).isEqualTo(3);
    // Whichever write won, version 2 was archived: by the sync of 3, or by its own after losing.
    assertThat(history("P-001")).containsExactly(Map.entry("P-001@0000000001", 100L), Map.entry("P-001@0000000002", 200L));
  }

  @Test
  void moreWritesThanATransactionHoldsAreSplitAndAllMade() {
    List<ChangeRecord> batch = new ArrayList<>();
    for (long version = 1; version <= 120; version++) {
      batch.add(command("P-BIG", version, version * 10));
    }
    for (int i = 0; i < 150; i++) {
      batch.add(command(String.format("P-%03d", i), 1, i));
    }

    List<SyncOutcome> outcomes = inOrder(sync.applyAll(batch), batch.size());
    int reads = calls.of("BatchGetItem");
    int writes = calls.of("PutItem") + calls.of("TransactWriteItems");

    assertThat(outcomes).containsOnly(SyncOutcome.APPLIED);
    assertThat(dataVersion("P-BIG")).isEqualTo(120);
    Map<String, Long> history = history("P-BIG");
    assertThat(history).hasSize(119);
    for (long version = 1; version < 120; version++) {
      assertThat(history).containsEntry("P-BIG@" + String.format("%010d", version), version * 10);
    }
    for (int i = 0; i < 150; i++) {
      assertThat(dataVersion(String.format("P-%03d", i))).as("P-%03d", i).isEqualTo(1);
    }
    // 151 entities: two BatchGetItem requests of at most 100 keys.
    assertThat(reads).isEqualTo(2);
    // 270 puts: P-BIG's first 100 history puts alone, its last 19 and data put with 80 entities, then 70 more.
    assertThat(writes).isEqualTo(writeCalls(270, 3));
  }
}
