package io.cqrssuite.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entity.CodeRule;
import io.cqrssuite.entity.EntityMapping;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.VersionSource;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.Difference;
import io.cqrssuite.reconcile.DifferenceKind;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.report.NdjsonReport;
import io.cqrssuite.sync.ChangeSelector;
import io.cqrssuite.sync.opensearch.BulkLimits;
import io.cqrssuite.sync.opensearch.IndexNames;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchReconcileTarget;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import io.cqrssuite.sync.rds.PasswordSource;
import io.cqrssuite.sync.rds.RdsColumn;
import io.cqrssuite.sync.rds.RdsColumnType;
import io.cqrssuite.sync.rds.RdsConnections;
import io.cqrssuite.sync.rds.RdsReconcileTarget;
import io.cqrssuite.sync.rds.RdsSchema;
import io.cqrssuite.sync.rds.RdsSyncHandler;
import io.cqrssuite.sync.rds.RdsTableMapping;
import io.cqrssuite.sync.rds.SqlDialect;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Refresh;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reconcile on real engines: a DynamoDB table (dynalite) as the source, PostgreSQL and OpenSearch as the read models,
 * synced by the live sync, then damaged behind the sync's back through plain SQL and HTTP. Reconcile finds exactly the
 * damage, each kind where it was made; the heal puts it right through the version-guarded writes; a second reconcile
 * finds nothing left but what is expected (a tombstone of an entity the source removed).
 */
class ReconcilerTest extends OperationsFixture {
  private Reconciler reconciler() {
    return new Reconciler(source, targets, JSON, Clock.systemUTC());
  }

  @Test
  void aSyncedReadModelHasNoDifference() throws Exception {
    syncedSource();
    Reconciler.Result result = reconciler().run(Reconciler.Options.full(), null);
    assertThat(result.differences()).isEmpty();
    assertThat(result.json().path("sourceEntities").asInt()).isEqualTo(ENTITIES);
    assertThat(result.remaining()).isZero();
  }

  @Test
  void reconcileFindsExactlyTheDamageAndTheHealPutsItRight(@TempDir Path dir) throws Exception {
    syncedSource();
    // Damage behind the sync's back: SQL on the table, HTTP on the index.
    sql("DELETE FROM item WHERE id IN ('" + id(0) + "', '" + id(1) + "')");                    // lost x2
    sql("UPDATE item SET version = 2 WHERE id = '" + id(2) + "'");                             // stale
    sql("UPDATE item SET name = 'edited by hand' WHERE id = '" + id(3) + "'");                 // drifted
    sql("UPDATE item SET is_deleted = FALSE WHERE id = '" + id(7) + "'");                      // resurrected
    sql("INSERT INTO item VALUES ('ITEM#acme#X-1', 'ITEM#acme', 'X-1', 'ghost', 1, NULL, now(), FALSE, 5)"); // orphaned
    sql("UPDATE item SET version = 9 WHERE id = '" + id(4) + "'");                             // newer: no difference
    search.delete(d -> d.index(names.writeAlias()).id(id(5)));                                  // lost
    ObjectNode ghost = JSON.createObjectNode().put("id", "ITEM#acme#X-2").put("pk", "ITEM#acme").put("code", "X-2")
        .put("version", 1).put("is_deleted", false).put("name", "ghost");
    search.index(i -> i.index(names.writeAlias()).id("ITEM#acme#X-2").document(ghost).refresh(Refresh.True)); // orphaned
    // The source removes an entity whose tombstone the read models hold: absent, not healed.
    dynamoDb.deleteItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("ITEM#acme"), "sk", AttributeValue.fromS(code(8)))));
    search.indices().refresh(r -> r.index(names.writeAlias()));

    Path report = dir.resolve("reconcile.ndjson");
    Reconciler.Result found = reconciler().run(Reconciler.Options.full(), report);

    Map<String, Map<DifferenceKind, List<String>>> byTarget = new HashMap<>();
    for (Difference d : found.differences()) {
      byTarget.computeIfAbsent(d.target(), t -> new HashMap<>()).computeIfAbsent(d.kind(), k -> new ArrayList<>()).add(d.id());
    }
    Map<DifferenceKind, List<String>> rds = byTarget.get(targets.get(0).name());
    Map<DifferenceKind, List<String>> documents = byTarget.get(targets.get(1).name());
    assertThat(rds.get(DifferenceKind.LOST)).containsExactlyInAnyOrder(id(0), id(1));
    assertThat(rds.get(DifferenceKind.STALE)).containsExactly(id(2));
    assertThat(rds.get(DifferenceKind.DRIFTED)).containsExactly(id(3));
    assertThat(found.differences()).filteredOn(d -> d.kind() == DifferenceKind.DRIFTED)
        .singleElement().satisfies(d -> assertThat(d.fields()).as("the field edited by hand, by name").containsExactly("name"));
    assertThat(rds.get(DifferenceKind.RESURRECTED)).containsExactly(id(7));
    assertThat(rds.get(DifferenceKind.ORPHANED)).containsExactly("ITEM#acme#X-1");
    assertThat(rds.get(DifferenceKind.ABSENT)).containsExactly(id(8));
    assertThat(rds).doesNotContainKey(null).hasSize(6);
    assertThat(documents.get(DifferenceKind.LOST)).containsExactly(id(5));
    assertThat(documents.get(DifferenceKind.ORPHANED)).containsExactly("ITEM#acme#X-2");
    assertThat(documents.get(DifferenceKind.ABSENT)).containsExactly(id(8));
    assertThat(documents).hasSize(3);
    assertThat(found.remaining()).as("everything but the two absent tombstones needs healing").isEqualTo(8);

    JsonNode meta = NdjsonReport.verify(report, JSON);
    assertThat(meta.path("count").asInt()).isEqualTo(found.differences().size());
    assertThat(meta.path("mode").asText()).isEqualTo("full");
    assertThat(Files.readAllLines(report)).hasSize(found.differences().size() + 1);
    assertThat(Files.exists(report.resolveSibling("reconcile.ndjson.sha256"))).isTrue();

    Reconciler.Result healed = reconciler().run(Reconciler.Options.full().healing(true), null);
    assertThat(healed.json().path("healed").asInt()).as(healed.json().toString()).isEqualTo(8);
    assertThat(healed.remaining()).isZero();
    search.indices().refresh(r -> r.index(names.writeAlias()));

    Reconciler.Result after = reconciler().run(Reconciler.Options.full(), null);
    assertThat(after.differences()).extracting(Difference::kind).containsOnly(DifferenceKind.ABSENT);
    assertThat(after.remaining()).isZero();
  }

  @Test
  void withoutHealingOrphansTheyRemainAndAreCounted() throws Exception {
    syncedSource();
    sql("INSERT INTO item VALUES ('ITEM#acme#X-1', 'ITEM#acme', 'X-1', 'ghost', 1, NULL, now(), FALSE, 5)");
    Reconciler.Result result = reconciler().run(Reconciler.Options.full().healing(false), null);
    assertThat(result.remaining()).isEqualTo(1);
    assertThat(result.json().path("healed").asInt()).isZero();
  }

  @Test
  void countsModeComparesLiveAndTombstonesWithoutReadingIds() throws Exception {
    syncedSource();
    Reconciler.Options counts = new Reconciler.Options(Reconciler.Mode.COUNTS, 1, 1, 1, false, false);
    Reconciler.Result clean = reconciler().run(counts, null);
    assertThat(clean.json().path("countsMatch").asBoolean()).isTrue();
    assertThat(clean.json().path("sourceCounts").path("tombstones").asInt()).isEqualTo(3);
    assertThat(clean.json().path("targets").get(0).path("tombstones").asInt()).isEqualTo(3);

    sql("DELETE FROM item WHERE id = '" + id(0) + "'");
    Reconciler.Result damaged = reconciler().run(counts, null);
    assertThat(damaged.json().path("countsMatch").asBoolean()).isFalse();
    assertThat(damaged.json().path("suggestion").asText()).contains("full reconcile");
  }

  @Test
  void aSampleChecksTheIdsOfTheDrawnSegments() throws Exception {
    syncedSource();
    sql("UPDATE item SET name = 'edited by hand'");
    Reconciler.Options sampled = new Reconciler.Options(Reconciler.Mode.SAMPLED, 64, 5, 7, false, false);
    Reconciler.Result result = reconciler().run(sampled, null);
    int drawn = result.json().path("sourceEntities").asInt();
    assertThat(drawn).isBetween(1, ENTITIES);
    assertThat(result.differences())
        .as("every sampled live row was edited")
        .filteredOn(d -> d.target().equals(targets.get(0).name()))
        .extracting(Difference::kind)
        .containsOnly(DifferenceKind.DRIFTED);
    assertThat(result.json().path("orphans").asText()).startsWith("not checked");
  }
}
