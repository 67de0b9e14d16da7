package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The sync step from command images to the data and history tables, against dynalite, in and out of order. */
class CommandSyncTest {
  private static final String PK = "PRODUCT#acme";
  private static LocalDynamoDb dynalite;
  private static DynamoDbClient dynamoDb;

  private final ObjectMapper mapper = EventJson.newMapper();
  private CommandTables tables;
  private CommandSync sync;

  @BeforeAll
  static void start() {
    dynalite = LocalDynamoDb.start();
    dynamoDb = LocalDynamoDb.client(dynalite.endpoint());
  }

  @AfterAll
  static void stop() {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (dynalite != null) {
      dynalite.close();
    }
  }

  @BeforeEach
  void freshTables() {
    tables = CommandTestTables.create(dynamoDb);
    sync = new CommandSync(dynamoDb, tables);
  }

  /** A command image as the stream delivers it (the shape of the workload generator's products). */
  private ObjectNode command(long version, long price, boolean deleted) {
    ObjectNode image = mapper.createObjectNode();
    image.put("pk", PK);
    image.put("sk", "P-001@" + String.format("%010d", version));
    image.put("code", "P-001");
    image.put("id", PK + "#P-001");
    image.put("tenantCode", "acme");
    image.put("name", "kettle");
    image.put("price", price);
    image.put("version", version);
    image.put("isDeleted", deleted);
    image.put("updatedAt", "2026-11-25T12:00:0" + version + "Z");
    image.put("ttl", 1_800_000_000L + version);
    return image;
  }

  private Map<String, AttributeValue> data() {
    return dynamoDb.getItem(r -> r.tableName(tables.data())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS("P-001")))).item();
  }

  private Map<String, Map<String, AttributeValue>> history() {
    return dynamoDb.scan(r -> r.tableName(tables.history())).items().stream()
        .collect(Collectors.toMap(item -> item.get("sk").s(), item -> item));
  }

  @Test
  void inOrderCommandsLeaveTheLatestInDataAndThePreviousStatesInHistory() {
    assertThat(sync.apply(command(1, 100, false))).isEqualTo(SyncOutcome.APPLIED);
    assertThat(sync.apply(command(2, 200, false))).isEqualTo(SyncOutcome.APPLIED);
    assertThat(sync.apply(command(3, 300, true))).isEqualTo(SyncOutcome.APPLIED);

    Map<String, AttributeValue> data = data();
    assertThat(data.get("sk").s()).isEqualTo("P-001");
    assertThat(data.get("version").n()).isEqualTo("3");
    assertThat(data.get("isDeleted").bool()).isTrue();
    assertThat(data.get("price").n()).isEqualTo("300");
    assertThat(data).doesNotContainKey("ttl");
    Map<String, Map<String, AttributeValue>> history = history();
    assertThat(history).containsOnlyKeys("P-001@0000000001", "P-001@0000000002");
    assertThat(history.get("P-001@0000000001").get("price").n()).isEqualTo("100");
    assertThat(history.get("P-001@0000000002").get("price").n()).isEqualTo("200");
    assertThat(history.get("P-001@0000000002")).doesNotContainKey("ttl");
  }

  @Test
  void anOlderVersionArrivingLateNeverReplacesTheNewerButIsKeptInHistory() {
    sync.apply(command(1, 100, false));
    assertThat(sync.apply(command(3, 300, false))).isEqualTo(SyncOutcome.APPLIED);

    SyncOutcome late = sync.apply(command(2, 200, false));

    assertThat(late).isEqualTo(new SyncOutcome.Stale(3));
    assertThat(data().get("version").n()).isEqualTo("3");
    assertThat(data().get("price").n()).isEqualTo("300");
    Map<String, Map<String, AttributeValue>> history = history();
    assertThat(history).containsOnlyKeys("P-001@0000000001", "P-001@0000000002");
    assertThat(history.get("P-001@0000000002").get("price").n()).isEqualTo("200");
  }

  @Test
  void newestFirstThenOlderLeavesDataAtTheNewest() {
    assertThat(sync.apply(command(3, 300, false))).isEqualTo(SyncOutcome.APPLIED);
    assertThat(sync.apply(command(2, 200, false))).isEqualTo(new SyncOutcome.Stale(3));

    assertThat(data().get("version").n()).isEqualTo("3");
    assertThat(history()).containsOnlyKeys("P-001@0000000002");
  }

  @Test
  void duplicatesAndReplaysChangeNothing() {
    List<ObjectNode> log = List.of(command(1, 100, false), command(2, 200, false), command(3, 300, false));
    log.forEach(sync::apply);
    Map<String, AttributeValue> dataBefore = data();
    Map<String, Map<String, AttributeValue>> historyBefore = history();

    assertThat(sync.apply(command(3, 300, false))).isEqualTo(SyncOutcome.DUPLICATE);
    List<SyncOutcome> replay = log.stream().map(sync::apply).toList();

    assertThat(replay).containsExactly(new SyncOutcome.Stale(3), new SyncOutcome.Stale(3), SyncOutcome.DUPLICATE);
    assertThat(data()).isEqualTo(dataBefore);
    assertThat(history()).isEqualTo(historyBefore);
  }

  @Test
  void twoVersionsSyncedConcurrentlyBothEndInTheirPlace() throws Exception {
    sync.apply(command(1, 100, false));
    CommandSync racing = new CommandSync(new RacingPuts(dynamoDb, tables.data(), 2), tables);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<SyncOutcome> second = pool.submit(() -> racing.apply(command(2, 200, false)));
      Future<SyncOutcome> third = pool.submit(() -> racing.apply(command(3, 300, false)));
      assertThat(third.get(20, TimeUnit.SECONDS)).isEqualTo(SyncOutcome.APPLIED);
      assertThat(second.get(20, TimeUnit.SECONDS)).isIn(SyncOutcome.APPLIED, new SyncOutcome.Stale(3));
    } finally {
      pool.shutdownNow();
    }

    assertThat(data().get("version").n()).isEqualTo("3");
    // Whichever put won, version 2 was either archived by the sync of 3 or, arriving late, by its own.
    Map<String, Map<String, AttributeValue>> history = history();
    assertThat(history).containsOnlyKeys("P-001@0000000001", "P-001@0000000002");
    assertThat(history.get("P-001@0000000002").get("price").n()).isEqualTo("200");
  }

  @Test
  void acceptsTheChangesOfItsCommandTableOnly() {
    ObjectNode image = command(1, 100, false);
    assertThat(sync.accepts(new ChangeRecord(tables.command(), PK, "P-001", PK + "#P-001", 1, false, image))).isTrue();
    assertThat(sync.accepts(new ChangeRecord("other-command", PK, "P-001", PK + "#P-001", 1, false, image))).isFalse();
    assertThat(sync.apply(new ChangeRecord(tables.command(), PK, "P-001", PK + "#P-001", 1, false, image))).isEqualTo(SyncOutcome.APPLIED);
  }

  @Test
  void anImageWithoutAVersionIsAPermanentFailure() {
    ObjectNode image = command(1, 100, false);
    image.remove("version");
    assertThatThrownBy(() -> sync.apply(image)).isInstanceOf(PermanentException.class).hasMessageContaining("version");
  }
}
