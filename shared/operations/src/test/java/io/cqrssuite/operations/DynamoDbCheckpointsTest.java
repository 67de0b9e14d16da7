package io.cqrssuite.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Resync checkpoints in DynamoDB (dynalite): what a segment's worker saves is what the next one loads, a second
 * worker on the same segment cannot advance it past the first, a run's id with other settings is refused, and a
 * segment run by workers that each stop after one page ends where a run in one go would.
 */
class DynamoDbCheckpointsTest extends OperationsFixture {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private String checkpoints;

  @BeforeEach
  void checkpointTable() {
    checkpoints = "resync-checkpoints-" + UUID.randomUUID().toString().substring(0, 8);
    dynamoDb.createTable(r -> r.tableName(checkpoints)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            a -> a.attributeName("run").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("segment").attributeType(ScalarAttributeType.N))
        .keySchema(k -> k.attributeName("run").keyType(KeyType.HASH), k -> k.attributeName("segment").keyType(KeyType.RANGE)));
  }

  private DynamoDbCheckpoints checkpoints(DynamoDbCheckpoints.Run run) {
    return new DynamoDbCheckpoints(dynamoDb, checkpoints, run, Duration.ofDays(14), CLOCK);
  }

  @Test
  void whatOneWorkerSavesTheNextLoadsWithItsTtl() {
    DynamoDbCheckpoints.Run run = new DynamoDbCheckpoints.Run("run-1", table, 4, null);
    DynamoDbCheckpoints first = checkpoints(run);
    assertThat(first.load(2)).isEmpty();
    Map<String, AttributeValue> next = Map.of(
        "pk", AttributeValue.fromS("ITEM#acme"), "sk", AttributeValue.fromS("I-017"),
        "bin", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, -1, 7})), "n", AttributeValue.fromN("12.5"));
    first.save(2, new ResyncCheckpoints.State(next, false, 120));

    Optional<ResyncCheckpoints.State> loaded = checkpoints(run).load(2);
    assertThat(loaded).hasValueSatisfying(state -> {
      assertThat(state.next()).isEqualTo(next);
      assertThat(state.done()).isFalse();
      assertThat(state.entities()).isEqualTo(120);
    });
    assertThat(checkpoints(run).load(1)).as("another segment").isEmpty();
    Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(checkpoints)
        .key(Map.of("run", AttributeValue.fromS("run-1"), "segment", AttributeValue.fromN("2")))).item();
    assertThat(Long.parseLong(item.get("expiresAt").n())).isEqualTo(NOW.plus(Duration.ofDays(14)).getEpochSecond());

    DynamoDbCheckpoints second = checkpoints(run);
    second.load(2);
    second.save(2, new ResyncCheckpoints.State(null, true, 150));
    assertThat(checkpoints(run).load(2)).hasValueSatisfying(state -> {
      assertThat(state.next()).isNull();
      assertThat(state.done()).isTrue();
      assertThat(state.entities()).isEqualTo(150);
    });
  }

  @Test
  void twoWorkersOnOneSegmentCannotBothAdvanceIt() {
    DynamoDbCheckpoints.Run run = new DynamoDbCheckpoints.Run("run-2", table, 2, "2026-01-01T00:00:00Z");
    Map<String, AttributeValue> page1 = Map.of("pk", AttributeValue.fromS("ITEM#acme"), "sk", AttributeValue.fromS("I-001"));
    Map<String, AttributeValue> page2 = Map.of("pk", AttributeValue.fromS("ITEM#acme"), "sk", AttributeValue.fromS("I-002"));

    // Both start before either has saved: the first save wins, the second finds the item already there.
    DynamoDbCheckpoints a = checkpoints(run);
    DynamoDbCheckpoints b = checkpoints(run);
    a.load(0);
    b.load(0);
    a.save(0, new ResyncCheckpoints.State(page1, false, 10));
    assertThatThrownBy(() -> b.save(0, new ResyncCheckpoints.State(page1, false, 10)))
        .isInstanceOf(CheckpointConflictException.class)
        .hasMessageContaining("segment 0 of resync run run-2 was advanced by another worker");

    // Both have read revision 1: again only one of them moves it.
    DynamoDbCheckpoints c = checkpoints(run);
    c.load(0);
    b.load(0);
    c.save(0, new ResyncCheckpoints.State(page2, false, 20));
    assertThatThrownBy(() -> b.save(0, new ResyncCheckpoints.State(page1, false, 99))).isInstanceOf(CheckpointConflictException.class);
    assertThatThrownBy(() -> a.save(0, new ResyncCheckpoints.State(page1, false, 99))).as("a's revision is older still")
        .isInstanceOf(CheckpointConflictException.class);
    assertThat(checkpoints(run).load(0)).hasValueSatisfying(state -> {
      assertThat(state.next()).isEqualTo(page2);
      assertThat(state.entities()).isEqualTo(20);
    });
    // The worker that lost reads again and goes on from the winner's checkpoint.
    b.load(0);
    b.save(0, new ResyncCheckpoints.State(null, true, 30));
    assertThat(checkpoints(run).load(0).orElseThrow().done()).isTrue();
  }

  @Test
  void aRunIdWithOtherSettingsIsRefused() {
    checkpoints(new DynamoDbCheckpoints.Run("run-3", table, 4, null)).save(0, new ResyncCheckpoints.State(null, true, 1));
    assertThatThrownBy(() -> checkpoints(new DynamoDbCheckpoints.Run("run-3", table, 8, null)).load(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("other settings")
        .hasMessageContaining("4 segments")
        .hasMessageContaining("8 segments");
    assertThatThrownBy(() -> checkpoints(new DynamoDbCheckpoints.Run("run-3", table, 4, "2026-01-01T00:00:00Z")).load(0))
        .hasMessageContaining("since 2026-01-01T00:00:00Z");
  }

  @Test
  void aSegmentRunByWorkersThatStopAfterEachPageEndsWhereOneRunWould() throws Exception {
    // Items of about 100 KB: a 1 MB scan page holds some ten, so the single segment takes several pages.
    String padding = "x".repeat(100_000);
    for (int i = 0; i < 30; i++) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("pk", AttributeValue.fromS("ITEM#acme"));
      item.put("sk", AttributeValue.fromS(code(i)));
      item.put("version", AttributeValue.fromN("2"));
      item.put("isDeleted", AttributeValue.fromBool(false));
      item.put("name", AttributeValue.fromS("item " + i));
      item.put("price", AttributeValue.fromN("1002"));
      item.put("padding", AttributeValue.fromS(padding));
      dynamoDb.putItem(r -> r.tableName(table).item(item));
    }
    Resync.Options options = Resync.Options.full(1);
    DynamoDbCheckpoints.Run run = new DynamoDbCheckpoints.Run("run-4", table, 1, null);
    Resync resync = new Resync(source, targets, JSON);
    int calls = 0;
    Resync.SegmentResult result;
    long written = 0;
    do {
      // Each call is a new worker (new checkpoints instance), told to stop after its first page.
      AtomicInteger pages = new AtomicInteger();
      result = resync.runSegment(0, options, checkpoints(run), () -> pages.incrementAndGet() < 1);
      written += result.written();
      calls++;
      assertThat(result.resumed()).as("call %d resumed", calls).isEqualTo(calls > 1);
      assertThat(calls).as("a page per call").isLessThan(30);
    } while (!result.done());

    assertThat(calls).as("more than one page, one per call").isGreaterThan(2);
    assertThat(result.entities()).isEqualTo(30);
    assertThat(written).as("each item written once to each read model").isEqualTo(30L * targets.size());
    search.indices().refresh(r -> r.index(names.writeAlias()));
    Reconciler.Result after = new Reconciler(source, targets, JSON, Clock.systemUTC()).run(Reconciler.Options.full(), null);
    assertThat(after.differences()).isEmpty();
    // Done is remembered: another call does nothing.
    Resync.SegmentResult again = resync.runSegment(0, options, checkpoints(run), () -> true);
    assertThat(again.done()).isTrue();
    assertThat(again.written()).isZero();
    assertThat(again.entities()).isEqualTo(30);
    assertThatThrownBy(() -> resync.runSegment(1, options, checkpoints(run), () -> true)).hasMessageContaining("not one of 0..0");
  }

  @Test
  void aDifferenceYoungerThanTheSettlingWindowIsCountedNotReported() throws Exception {
    syncedSource();
    // Two changes the stream has not delivered yet: one just now, one an hour ago.
    put(code(1), 4, false, "renamed now", Instant.now().toString());
    put(code(2), 4, false, "renamed an hour ago", Instant.now().minus(Duration.ofHours(1)).toString());
    Reconciler reconciler = new Reconciler(source, targets, JSON, Clock.systemUTC());

    Reconciler.Result settled = reconciler.run(Reconciler.Options.full().settledFor(Duration.ofMinutes(5), "updatedAt"), null);
    assertThat(settled.differences()).extracting(d -> d.id()).containsOnly(id(2));
    assertThat(settled.json().path("young").asInt()).as("one per read model").isEqualTo(targets.size());
    assertThat(settled.remaining()).isEqualTo(targets.size());

    Reconciler.Result all = reconciler.run(Reconciler.Options.full(), null);
    assertThat(all.differences()).extracting(d -> d.id()).containsOnly(id(1), id(2));
    assertThat(all.json().has("young")).isFalse();

    Reconciler.Result healed =
        reconciler.run(Reconciler.Options.full().settledFor(Duration.ofMinutes(5), "updatedAt").healing(false), null);
    assertThat(healed.json().path("healed").asInt()).as("only the settled one is healed").isEqualTo(targets.size());
    search.indices().refresh(r -> r.index(names.writeAlias()));
    assertThat(reconciler.run(Reconciler.Options.full(), null).differences()).extracting(d -> d.id()).containsOnly(id(1));
  }
}
