package io.cqrssuite.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.reconcile.Difference;
import io.cqrssuite.reconcile.DifferenceKind;
import io.cqrssuite.sync.opensearch.BulkLimits;
import io.cqrssuite.sync.opensearch.OpenSearchBackfill;
import io.cqrssuite.sync.opensearch.OpenSearchIndexes;
import io.cqrssuite.sync.opensearch.OpenSearchReconcileTarget;
import io.cqrssuite.sync.opensearch.OpenSearchSyncHandler;
import io.cqrssuite.sync.opensearch.PolledReindex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A backfill of a new OpenSearch index on real engines (dynalite source, embedded OpenSearch) while a live writer keeps
 * changing entities through the real sync handler, as the stream would: the new index reconciles to nothing, the read
 * alias is on it, the old index is kept with its horizon, no other index appears; a rollback moves the aliases back and
 * writes again what changed since the swap; clean deletes what is past its horizon.
 */
class ReadModelBackfillTest extends OperationsFixture {
  private static final Duration DISCOVERY = Duration.ofSeconds(1);

  @Test
  void aBackfillUnderALiveWriterSwapsToAReconciledIndexThenRollsBack() throws Exception {
    syncedSource();
    // An entity the source removed outright: only the old index's tombstone still remembers it.
    dynamoDb.deleteItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("ITEM#acme"), "sk", AttributeValue.fromS(code(9)))));
    OpenSearchSyncHandler live =
        new OpenSearchSyncHandler(search, names, BulkLimits.defaults(), c -> true).checkingForBackfillEvery(DISCOVERY);
    OpenSearchReconcileTarget current = new OpenSearchReconcileTarget(search, names, c -> true, live, Clock.systemUTC());
    OpenSearchIndexes indexes = new OpenSearchIndexes(search, names, OpenSearchIndexes.template("opensearch/items-template.json"));
    OpenSearchBackfill model = new OpenSearchBackfill(indexes, current, DISCOVERY, PolledReindex.Options.defaults());
    ReadModelBackfill.Options options =
        new ReadModelBackfill.Options(2, Duration.ofDays(7), Duration.ofMillis(500), 3, "updatedAt", Duration.ofMinutes(5));

    // The writer leaves the removed entity alone: a write of it would bring it back and no tombstone would be carried.
    LiveWriter writer = new LiveWriter(this, live, search, names.readAlias(), Set.of(9));
    writer.start();
    ObjectNode result;
    try {
      result = new ReadModelBackfill(source, model, JSON, Clock.systemUTC()).run(options, ResyncCheckpoints.none(), Resync.Progress.none());
    } finally {
      writer.stop();
    }
    LiveWriter.Lag lag = writer.awaitVisible();
    System.out.printf(
        "live stream lag from source write to visibility through the read alias during the backfill: p50 %d ms, p99 %d ms,"
            + " max %d ms over %d live writes observed (%d written; a write superseded before it showed is not"
            + " counted)%nbackfill: %s%n",
        lag.p50(), lag.p99(), lag.max(), lag.samples(), lag.writes(), result);

    String v1 = names.initialIndex();
    String v2 = names.readAlias() + "-v2";
    assertThat(result.path("swapped").asBoolean()).as(result.toString()).isTrue();
    assertThat(result.path("steps").findValuesAsText("step"))
        .containsExactly("create", "dualWrite", "resync", "tombstones", "reconcile", "swap");
    assertThat(step(result, "create").path("next").asText()).isEqualTo(v2);
    assertThat(step(result, "resync").path("result").path("failed").asInt()).isZero();
    assertThat(step(result, "tombstones").path("carried").asLong()).as("the removed entity's tombstone at least").isPositive();
    assertThat(step(result, "reconcile").path("remaining").asLong()).isZero();
    assertThat(lag.samples()).as("the writer kept writing during the backfill").isGreaterThan(10);
    assertThat(writer.failures()).as("no live write failed").isEmpty();

    assertThat(indexes.currentIndex()).isEqualTo(v2);
    assertThat(aliasesOf(v2)).containsExactlyInAnyOrder(names.readAlias(), names.writeAlias());
    assertThat(aliasesOf(v1)).isEmpty();
    assertThat(search.indices().get(g -> g.index(names.readAlias() + "*")).result().keySet())
        .as("no index auto-created by a write").containsExactlyInAnyOrder(v1, v2);
    JsonNode mark = meta(v1).path("cqrs_suite_replaced");
    assertThat(mark.path("replaced_by").asText()).isEqualTo(v2);
    assertThat(Instant.parse(mark.path("keep_until").asText()))
        .isEqualTo(Instant.parse(step(result, "swap").path("swappedAt").asText()).plus(Duration.ofDays(7)));
    assertThat(search.get(g -> g.index(v2).id(id(9)), ObjectNode.class).source().path("is_deleted").asBoolean())
        .as("the carried tombstone").isTrue();
    assertThat(liveDifferences(current)).as("the new index, read and written by the live sync, reconciles").isEmpty();

    // Changes after the swap reach only the new index; a rollback moves the aliases back and writes them again.
    writer.writeOnce(0);
    writer.writeOnce(41);
    ObjectNode rollback = new ReadModelBackfill(source, model, JSON, Clock.systemUTC()).rollback(options);
    assertThat(rollback.path("complete").asBoolean()).as(rollback.toString()).isTrue();
    assertThat(step(rollback, "resyncSinceSwap").path("result").path("entities").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(indexes.currentIndex()).isEqualTo(v1);
    assertThat(aliasesOf(v1)).containsExactlyInAnyOrder(names.readAlias(), names.writeAlias());
    assertThat(aliasesOf(v2)).isEmpty();
    assertThat(liveDifferences(current)).as("the old index caught up with what changed since the swap").isEmpty();
    assertThat(meta(v2).path("cqrs_suite_replaced").path("replaced_by").asText()).isEqualTo(v1);

    assertThat(new ReadModelBackfill(source, model, JSON, Clock.systemUTC()).clean().path("deleted")).isEmpty();
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));
    JsonNode cleaned = new ReadModelBackfill(source, model, JSON, later).clean();
    assertThat(cleaned.path("deleted").get(0).asText()).isEqualTo(v2);
    assertThat(search.indices().exists(e -> e.index(v2)).value()).isFalse();
    assertThat(indexes.currentIndex()).isEqualTo(v1);
  }

  /** The live read model's differences from the source, tombstones of removed entities aside. */
  private List<Difference> liveDifferences(OpenSearchReconcileTarget current) throws Exception {
    search.indices().refresh(r -> r.index(names.writeAlias()));
    return new Reconciler(source, List.of(current), JSON, Clock.systemUTC()).run(Reconciler.Options.full(), null)
        .differences().stream().filter(d -> d.kind() != DifferenceKind.ABSENT).toList();
  }

  private static JsonNode step(JsonNode result, String name) {
    for (JsonNode step : result.path("steps")) {
      if (step.path("step").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + result);
  }

  private java.util.Set<String> aliasesOf(String index) throws Exception {
    return search.indices().getAlias(a -> a.index(index)).result().get(index).aliases().keySet();
  }

  private JsonNode meta(String index) throws Exception {
    try (var response = search.generic().execute(
        org.opensearch.client.opensearch.generic.Requests.builder().method("GET").endpoint("/" + index + "/_mapping").build())) {
      String body = response.getBody().map(org.opensearch.client.opensearch.generic.Body::bodyAsString).orElse("{}");
      return JSON.readTree(body).path(index).path("mappings").path("_meta");
    }
  }
}
