package io.cqrssuite.operations;

import io.cqrssuite.entity.CodeRule;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.VersionSource;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.reconcile.StoredEntity;
import io.cqrssuite.sync.SyncOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resync on real engines: empty read models filled from the source by a parallel scan through the version-guarded
 * sync (a reconcile afterwards finds nothing), never over a newer version, resumable after a crash from its
 * checkpoints, and incremental by the items' change time.
 */
class ResyncTest extends OperationsFixture {
  private Reconciler.Result reconcile() throws Exception {
    search.indices().refresh(r -> r.index(names.writeAlias()));
    return new Reconciler(source, targets, JSON, Clock.systemUTC()).run(Reconciler.Options.full(), null);
  }

  @Test
  void aFullResyncFillsEmptyReadModelsAndKeepsNewerVersions() throws Exception {
    writeSource();
    sql("INSERT INTO item VALUES ('" + id(0) + "', 'ITEM#acme', 'I-000', 'newer', 1, NULL, now(), FALSE, 9)");

    ObjectNode result = new Resync(source, targets, JSON).run(Resync.Options.full(4), ResyncCheckpoints.none(), Resync.Progress.none());

    assertThat(result.path("complete").asBoolean()).isTrue();
    assertThat(result.path("entities").asInt()).isEqualTo(ENTITIES);
    assertThat(result.path("failed").asInt()).isZero();
    assertThat(result.path("unchanged").asInt()).as("the newer row the stream wrote is kept").isEqualTo(1);
    Reconciler.Result after = reconcile();
    assertThat(after.differences()).isEmpty();
  }

  @Test
  void aResyncNeverDeletesWhatItCannotSee() throws Exception {
    writeSource();
    // A row the source does not hold (an orphan, or an entity of a table this resync does not read).
    sql("INSERT INTO item VALUES ('ITEM#acme#UNSEEN', 'ITEM#acme', 'UNSEEN', 'not in the source', 1, NULL, now(), FALSE, 2)");

    ObjectNode result = new Resync(source, targets, JSON).run(Resync.Options.full(2), ResyncCheckpoints.none(), Resync.Progress.none());

    assertThat(result.path("complete").asBoolean()).isTrue();
    Reconciler.Result after = reconcile();
    assertThat(after.differences()).as("left alone, live, for a reconcile to report").singleElement()
        .satisfies(d -> assertThat(d.kind().name()).isEqualTo("ORPHANED"));
  }

  @Test
  void aResyncThatDiesHalfWayContinuesFromItsCheckpoints(@TempDir Path dir) throws Exception {
    writeSource();
    ObjectNode run = JSON.createObjectNode().put("source", table).put("segments", 2);
    Path file = dir.resolve("resync.json");
    // A read model that dies on its second write: the first run stops there, as a crash or a timeout would.
    AtomicInteger writes = new AtomicInteger();
    List<ReconcileTarget> dying = new ArrayList<>();
    for (ReconcileTarget target : targets) {
      dying.add(new Dying(target, writes, 1));
    }
    SourceTable pagedSource = source;
    assertThatThrownBy(() -> new Resync(pagedSource, dying, JSON)
            .run(Resync.Options.full(2), new FileCheckpoints(file, JSON, run), Resync.Progress.none()))
        .hasMessageContaining("the process died");

    ObjectNode resumed = new Resync(source, targets, JSON)
        .run(Resync.Options.full(2), new FileCheckpoints(file, JSON, run), Resync.Progress.none());
    assertThat(resumed.path("complete").asBoolean()).isTrue();
    assertThat(reconcile().differences()).isEmpty();

    ObjectNode other = JSON.createObjectNode().put("source", table).put("segments", 3);
    assertThatThrownBy(() -> new FileCheckpoints(file, JSON, other)).hasMessageContaining("another resync");
  }

  @Test
  void anIncrementalResyncTakesOnlyWhatChangedSince() throws Exception {
    for (int i = 0; i < 10; i++) {
      put(code(i), 1, false, "item " + i, i < 4 ? "2026-07-01T10:00:00.000Z" : "2026-01-01T10:00:00.000Z");
    }
    ObjectNode result =
        new Resync(source, targets, JSON)
            .run(Resync.Options.since(2, "2026-06-01T00:00:00.000Z", "updatedAt"), ResyncCheckpoints.none(), Resync.Progress.none());
    assertThat(result.path("entities").asInt()).as("the four items changed since June").isEqualTo(4);
    assertThat(result.path("cost").asText()).contains("whole table");
    Reconciler.Result after = reconcile();
    assertThat(after.differences()).as("the six older ones were not written").hasSize(6 * targets.size())
        .allSatisfy(d -> assertThat(d.kind().name()).isEqualTo("LOST"));
  }

  @Test
  void anIncrementalResyncThroughAnIndexSortedByTheChangeTimeReadsOnlyWhatChanged() throws Exception {
    // The same table again, with a keys-only index sorted by updatedAt within each partition (pk).
    String indexed = table + "-indexed";
    dynamoDb.createTable(r -> r.tableName(indexed)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("updatedAt").attributeType(ScalarAttributeType.S).build())
        .keySchema(
            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("byChange")
            .keySchema(
                KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                KeySchemaElement.builder().attributeName("updatedAt").keyType(KeyType.RANGE).build())
            .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
            .provisionedThroughput(b -> b.readCapacityUnits(5L).writeCapacityUnits(5L)).build())
        .provisionedThroughput(b -> b.readCapacityUnits(5L).writeCapacityUnits(5L)));
    String plain = table;
    table = indexed;
    for (int i = 0; i < 30; i++) {
      put(code(i), 1, false, "item " + i, i < 3 ? "2026-07-01T10:00:00.000Z" : "2026-01-01T10:00:00.000Z");
    }
    SourceTable indexedSource = new SourceTable(dynamoDb,
        TableMapping.builder(indexed)
            .entity(EntityMapping.keyPair("item", "pk", "sk", new CodeRule.Whole(), new VersionSource.IntegerAttribute("version")))
            .deletedFlag("isDeleted")
            .build(),
        UnaryOperator.identity());
    assertThat(indexedSource.changeIndex("updatedAt")).hasValueSatisfying(i -> assertThat(i.projectsAll()).isFalse());

    ObjectNode scanned = new Resync(indexedSource, targets, JSON)
        .run(Resync.Options.since(1, "2026-06-01T00:00:00.000Z", "updatedAt"), ResyncCheckpoints.none(), Resync.Progress.none());
    assertThat(scanned.path("cost").asText()).contains("whole table").contains("index byChange is sorted by updatedAt");
    assertThat(scanned.path("entities").asInt()).isEqualTo(3);

    for (int i = 0; i < 3; i++) {
      put(code(i), 2, false, "item " + i + " again", "2026-08-01T10:00:00.000Z");
    }
    ObjectNode queried = new Resync(indexedSource, targets, JSON)
        .run(Resync.Options.sinceThroughIndex("2026-07-15T00:00:00.000Z", "updatedAt", List.of("ITEM#acme")), ResyncCheckpoints.none(),
            Resync.Progress.none());
    assertThat(queried.path("through").asText()).isEqualTo("byChange");
    assertThat(queried.path("cost").asText()).contains("only the items changed since");
    assertThat(queried.path("entities").asInt()).as("the three items changed since mid-July, read from the table").isEqualTo(3);
    assertThat(queried.path("written").asInt()).isEqualTo(3 * targets.size());
    assertThat(scanned.path("itemsRead").asInt()).as("the filtered scan reads every item").isEqualTo(30);
    assertThat(queried.path("itemsRead").asInt()).as("the Query reads only the changed ones").isEqualTo(3);
    assertThat(new Reconciler(indexedSource, targets, JSON, Clock.systemUTC()).run(Reconciler.Options.full(), null).differences()).as("the 27 never-changed items were never written")
        .hasSize(27 * targets.size()).allSatisfy(d -> assertThat(d.kind().name()).isEqualTo("LOST"));
    table = plain;
  }

  /** A read model whose process dies after {@code after} writes. */
  private record Dying(ReconcileTarget target, AtomicInteger writes, int after) implements ReconcileTarget {
    @Override
    public String name() {
      return target.name();
    }

    @Override
    public boolean accepts(ChangeRecord change) {
      return target.accepts(change);
    }

    @Override
    public ObjectNode expectedContent(ChangeRecord change) {
      return target.expectedContent(change);
    }

    @Override
    public Map<String, ObjectNode> storedContent(Collection<String> ids) throws Exception {
      return target.storedContent(ids);
    }

    @Override
    public Map<String, StoredEntity> read(Collection<String> ids) throws Exception {
      return target.read(ids);
    }

    @Override
    public void scan(Consumer<StoredEntity> sink) throws Exception {
      target.scan(sink);
    }

    @Override
    public Counts counts() throws Exception {
      return target.counts();
    }

    @Override
    public List<SyncOutcome> sync(List<ChangeRecord> changes) throws Exception {
      if (writes.incrementAndGet() > after) {
        throw new IllegalStateException("the process died");
      }
      return target.sync(changes);
    }

    @Override
    public boolean rewrite(ChangeRecord change, long storedVersion) throws Exception {
      return target.rewrite(change, storedVersion);
    }

    @Override
    public boolean hide(StoredEntity orphan) throws Exception {
      return target.hide(orphan);
    }
  }
}
